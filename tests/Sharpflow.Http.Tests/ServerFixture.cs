using Microsoft.Extensions.Logging;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Sharpflow.Server;

namespace Sharpflow.Http.Tests;

public enum Backend { Sqlite, Postgres }

/// <summary>A real Sharpflow (Kestrel on a free loopback port) on a fresh database of the given kind.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dir;
    private readonly string? _pgDatabase;

    private TestServer(WebApplication app, string dir, string? pgDatabase, HttpClient client)
    {
        _app = app;
        _dir = dir;
        _pgDatabase = pgDatabase;
        Client = client;
    }

    public HttpClient Client { get; }

    public static string? PgAdminUri => Environment.GetEnvironmentVariable("SHARPFLOW_TEST_PG");

    public static async Task<TestServer> StartAsync(Backend backend)
    {
        var dir = Path.Combine(Path.GetTempPath(), "sharpflow-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        string uri;
        string? pgDb = null;
        if (backend == Backend.Sqlite) uri = $"sqlite:///{dir}/mlflow.db";
        else
        {
            var admin = PgAdminUri ?? throw new InvalidOperationException("SHARPFLOW_TEST_PG is not set");
            pgDb = "sf_" + Guid.NewGuid().ToString("N")[..16];
            await using (var conn = new NpgsqlConnection(Sharpflow.Store.StoreUri.Parse(admin).ConnectionString))
            {
                await conn.OpenAsync();
                await using var cmd = new NpgsqlCommand($"CREATE DATABASE {pgDb}", conn);
                await cmd.ExecuteNonQueryAsync();
            }
            uri = admin[..admin.LastIndexOf('/')] + "/" + pgDb;
        }
        return await StartCoreAsync(uri, dir, pgDb, null);
    }

    /// <summary>
    /// A server on an existing store URI (e.g. a copy of an MLflow-made database). The database is left in place;
    /// <paramref name="dropPgDatabase"/> names a PostgreSQL database (on SHARPFLOW_TEST_PG's server) to drop on dispose.
    /// </summary>
    public static Task<TestServer> StartAsync(string storeUri, Action<SharpflowOptions>? configure = null, string? dropPgDatabase = null)
    {
        var dir = Path.Combine(Path.GetTempPath(), "sharpflow-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return StartCoreAsync(storeUri, dir, dropPgDatabase, configure);
    }

    private static async Task<TestServer> StartCoreAsync(string uri, string dir, string? pgDb, Action<SharpflowOptions>? configure)
    {
        var options = new SharpflowOptions { BackendStoreUri = uri, Host = "127.0.0.1", Port = 0, ArtifactsDestination = Path.Combine(dir, "artifacts") };
        configure?.Invoke(options);
        // Server logs are off in tests; SHARPFLOW_TEST_LOG=1 writes errors (with stack traces of unhandled exceptions) to
        // the test output, to diagnose a 500 that a test reports only as its error JSON.
        var app = await SharpflowServer.BuildAsync(options, logging: l =>
        {
            if (Environment.GetEnvironmentVariable("SHARPFLOW_TEST_LOG") == "1") l.AddSimpleConsole().SetMinimumLevel(LogLevel.Error);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address) };
        return new TestServer(app, dir, pgDb, client);
    }

    public async Task<(int Status, JsonNode? Body)> PostAsync(string path, object body)
    {
        var res = await Client.PostAsync(path, new StringContent(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json"));
        var text = await res.Content.ReadAsStringAsync();
        return ((int)res.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public async Task<(int Status, JsonNode? Body)> GetAsync(string pathAndQuery)
    {
        var res = await Client.GetAsync(pathAndQuery);
        var text = await res.Content.ReadAsStringAsync();
        return ((int)res.StatusCode, res.Content.Headers.ContentType?.MediaType == "application/json" ? JsonNode.Parse(text) : JsonValue.Create(text));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Client.Dispose();
        if (_pgDatabase is not null && PgAdminUri is { } admin)
        {
            NpgsqlConnection.ClearAllPools();
            await using var conn = new NpgsqlConnection(Sharpflow.Store.StoreUri.Parse(admin).ConnectionString);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_pgDatabase} WITH (FORCE)", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}

/// <summary>Runs a test on SQLite and on PostgreSQL; PostgreSQL is required in CI and skipped elsewhere when not configured.</summary>
public static class Backends
{
    public static IEnumerable<object[]> All()
    {
        yield return [Backend.Sqlite];
        if (TestServer.PgAdminUri is not null || Environment.GetEnvironmentVariable("CI") == "true") yield return [Backend.Postgres];
    }
}
