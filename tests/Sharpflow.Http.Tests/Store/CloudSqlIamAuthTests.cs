using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Sharpflow.Http.Tests.Store;

/// <summary>
/// Cloud SQL IAM database authentication: with --cloud-sql-iam-auth the server logs in to PostgreSQL with an access
/// token from Application Default Credentials as the password. Here ADC finds a fake GCE metadata server
/// (GCE_METADATA_HOST, as on Cloud Run) and PostgreSQL really checks the password: the role belongs to
/// sharpflow_password_login, which scripts/pg-test-cluster.sh makes authenticate with scram-sha-256.
/// </summary>
[Collection(ProcessWideCollection.Name)]
public class CloudSqlIamAuthTests
{
    [PgFact]
    public async Task The_server_logs_in_with_an_access_token_from_the_metadata_server()
    {
        var token = "ya29.test-" + Guid.NewGuid().ToString("N");
        var scopes = new List<string>();
        await using var metadata = await FakeMetadataServer(token, scopes);
        var role = "sa_" + Guid.NewGuid().ToString("N")[..12];
        await using var scratch = await PgScratch.CreateAsync();
        await Admin($"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sharpflow_password_login') THEN CREATE ROLE sharpflow_password_login NOLOGIN; END IF; END $$");
        await Admin($"CREATE ROLE {role} LOGIN PASSWORD '{token}' IN ROLE sharpflow_password_login");
        try
        {
            await Admin($"ALTER DATABASE {scratch.Name} OWNER TO {role}");
            var b = new NpgsqlConnectionStringBuilder(Sharpflow.Store.StoreUri.Parse(scratch.Uri).ConnectionString);
            var uri = $"postgresql://{role}@127.0.0.1:{b.Port}/{scratch.Name}";

            // Without the token the role cannot log in: the check below is real.
            var denied = await Assert.ThrowsAnyAsync<Exception>(() => TestServer.StartAsync(uri));
            Assert.Contains("password", denied.ToString(), StringComparison.OrdinalIgnoreCase);

            using (new EnvScope(("GCE_METADATA_HOST", metadata.Host), ("GOOGLE_APPLICATION_CREDENTIALS", null), ("PGPASSWORD", null)))
            {
                await using var s = await TestServer.StartAsync(uri, o => o.CloudSqlIamAuth = true);
                var (status, body) = await s.PostAsync("/api/2.0/mlflow/experiments/create", new { name = "iam" });
                Assert.True(status == 200, body?.ToJsonString());
            }
            Assert.Contains(scopes, s => s.Contains("https://www.googleapis.com/auth/sqlservice.login"));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await Admin($"DROP DATABASE IF EXISTS {scratch.Name} WITH (FORCE)");
            await Admin($"DROP ROLE IF EXISTS {role}");
        }
    }

    private static Task Admin(string sql) => PgScratch.ScalarAdminAsync(sql);

    private sealed class Metadata(WebApplication app, string host) : IAsyncDisposable
    {
        public string Host { get; } = host;
        public async ValueTask DisposeAsync() { await app.StopAsync(); await app.DisposeAsync(); }
    }

    /// <summary>The two metadata-server answers Google's client needs: detection ("Metadata-Flavor: Google") and a token.</summary>
    private static async Task<Metadata> FakeMetadataServer(string token, List<string> scopes)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Use(async (http, next) =>
        {
            http.Response.Headers["Metadata-Flavor"] = "Google";
            await next(http);
        });
        app.MapGet("/", () => "");
        app.MapGet("/computeMetadata/v1/universe/universe-domain", () => "googleapis.com");
        app.MapGet("/computeMetadata/v1/instance/service-accounts/default/token", (HttpContext http) =>
        {
            if (http.Request.Headers["Metadata-Flavor"] != "Google") return Results.StatusCode(403);
            lock (scopes) scopes.Add(http.Request.Query["scopes"].ToString());
            return Results.Json(new Dictionary<string, object> { ["access_token"] = token, ["expires_in"] = 3599, ["token_type"] = "Bearer" });
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new Metadata(app, $"{address.Host}:{address.Port}");
    }
}
