using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Sharpflow.Http.Tests.Registry;
using Sharpflow.Server.Features.Webhooks;

namespace Sharpflow.Http.Tests.Webhooks;

/// <summary>
/// /webhooks as MLflow 3.11: create, list, get, update, delete; MLflow's checks on names and events; outgoing URLs
/// refused when they could reach the server's own network (the SSRF rules); secrets encrypted at rest, never returned.
/// </summary>
public class WebhooksApiTests
{
    private static object Event(string entity, string action) => new { entity, action };

    private static async Task<(TestServer S, PgScratch? Db, string Dir)> StartAsync(Backend backend, WebhookSettings? settings = null) =>
        await WebhookServers.StartAsync(backend, settings);

    private static async Task StopAsync((TestServer S, PgScratch? Db, string Dir) server)
    {
        await server.S.DisposeAsync();
        Directory.Delete(server.Dir, recursive: true);
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Crud_round_trips_and_never_returns_the_secret(Backend backend)
    {
        var server = await StartAsync(backend, WebhookServers.Loopback);
        var s = server.S;
        try
        {
            var created = (await s.OkAsync(HttpMethod.Post, "/webhooks", new
            {
                name = "deploy-hook", url = "http://127.0.0.1:9/hook", description = "CI", secret = "s3cret",
                events = new[] { Event("MODEL_VERSION_ALIAS", "CREATED"), Event("REGISTERED_MODEL", "CREATED") },
            }))["webhook"]!;
            var id = created.Str("webhook_id");
            Assert.Matches("^[0-9a-f-]{36}$", id);
            Assert.Equal("ACTIVE", created.Str("status"));
            Assert.Equal("CI", created.Str("description"));
            Assert.Null(created["secret"]);
            Assert.Equal(["MODEL_VERSION_ALIAS:CREATED", "REGISTERED_MODEL:CREATED"],
                created["events"]!.AsArray().Select(e => $"{e!.Str("entity")}:{e.Str("action")}"));
            Assert.DoesNotContain("s3cret", (await s.GetOkAsync($"/webhooks/{id}")).ToJsonString());

            // At rest the secret is a Fernet token, not the text.
            var stored = backend == Backend.Sqlite
                ? await ScalarAsync($"Data Source={server.Dir}/mlflow.db", $"SELECT secret FROM webhooks WHERE webhook_id = '{id}'")
                : await server.Db!.ScalarAsync($"SELECT secret FROM webhooks WHERE webhook_id = '{id}'");
            Assert.StartsWith("gAAAAA", stored);
            Assert.DoesNotContain("s3cret", stored);

            var updated = (await s.OkAsync(HttpMethod.Patch, $"/webhooks/{id}", new
            {
                name = "deploy-hook-2", status = "DISABLED", events = new[] { Event("PROMPT_TAG", "SET") },
            }))["webhook"]!;
            Assert.Equal("deploy-hook-2", updated.Str("name"));
            Assert.Equal("DISABLED", updated.Str("status"));
            Assert.Equal("CI", updated.Str("description"));
            Assert.Equal("PROMPT_TAG", updated["events"]![0]!.Str("entity"));

            for (var i = 0; i < 3; i++)
            {
                await Task.Delay(3); // newest first: distinct creation times (MLflow has no tie-breaker)
                await s.OkAsync(HttpMethod.Post, "/webhooks", new { name = $"h{i}", url = "http://127.0.0.1:9/x", events = new[] { Event("PROMPT", "CREATED") } });
            }
            var page = await s.GetOkAsync("/webhooks", ("max_results", "3"));
            Assert.Equal(["h2", "h1", "h0"], RegistryApi.Names(page["webhooks"]));
            var rest = await s.GetOkAsync("/webhooks", ("max_results", "3"), ("page_token", page.Str("next_page_token")));
            Assert.Equal(["deploy-hook-2"], RegistryApi.Names(rest["webhooks"]));
            Assert.Null(rest["next_page_token"]);

            await s.OkAsync(HttpMethod.Delete, $"/webhooks/{id}");
            Api.AssertError(await s.GetQueryAsync($"/webhooks/{id}"), 404, "RESOURCE_DOES_NOT_EXIST", $"Webhook with ID {id} not found.");
            Api.AssertError(await s.SendAsync(HttpMethod.Delete, $"/webhooks/{id}"), 404, "RESOURCE_DOES_NOT_EXIST");
            Assert.Equal(3, (await s.GetOkAsync("/webhooks"))["webhooks"]!.AsArray().Count);
            Api.AssertError(await s.GetQueryAsync("/webhooks", ("max_results", "1001")), 400, "INVALID_PARAMETER_VALUE",
                "max_results must be between 1 and 1000.");
        }
        finally
        {
            await StopAsync(server);
        }
    }

    private static async Task<string> ScalarAsync(string connection, string sql)
    {
        await using var conn = new SqliteConnection(connection);
        await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Names_and_events_are_checked(Backend backend)
    {
        var server = await StartAsync(backend, WebhookServers.Loopback);
        var s = server.S;
        try
        {
            var events = new[] { Event("REGISTERED_MODEL", "CREATED") };
            Api.AssertError(await s.SendAsync(HttpMethod.Post, "/webhooks", new { name = "-bad", url = "http://127.0.0.1/x", events }), 400,
                "INVALID_PARAMETER_VALUE", "Webhook name '-bad' is invalid. It must start and end with a letter or digit, be less than 63 characters long");
            Api.AssertError(await s.SendAsync(HttpMethod.Post, "/webhooks",
                    new { name = "ok", url = "http://127.0.0.1/x", events = new[] { Event("REGISTERED_MODEL", "DELETED") } }), 400,
                "INVALID_PARAMETER_VALUE", "Invalid action 'deleted' for entity 'registered_model'. Valid actions are: ['created']");
            Api.AssertError(await s.SendAsync(HttpMethod.Post, "/webhooks", new { name = "ok", url = "http://127.0.0.1/x", events = Array.Empty<object>() }),
                400, "INVALID_PARAMETER_VALUE", "Webhook events must be a non-empty list of WebhookEvent objects: [].");
            Api.AssertError(await s.SendAsync(HttpMethod.Post, "/webhooks", new { name = "ok", events }), 400, "INVALID_PARAMETER_VALUE",
                "Missing value for required parameter 'url'.");
            Api.AssertError(await s.SendAsync(HttpMethod.Post, "/webhooks", new { name = "ok", url = "ftp://127.0.0.1/x", events }), 400,
                "INVALID_PARAMETER_VALUE", "Invalid webhook URL scheme: 'ftp'. Allowed schemes are: http, https.");
            Api.AssertError(await s.SendAsync(HttpMethod.Post, "/webhooks", new { name = "ok", url = "http:///x", events }), 400,
                "INVALID_PARAMETER_VALUE", "Webhook URL must include a hostname: 'http:///x'");
            Api.AssertError(await s.SendAsync(HttpMethod.Patch, "/webhooks/nope", new { name = "x" }), 404, "RESOURCE_DOES_NOT_EXIST");
        }
        finally
        {
            await StopAsync(server);
        }
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Urls_that_reach_the_servers_own_network_are_refused_by_default(Backend backend)
    {
        var server = await StartAsync(backend, new WebhookSettings { AllowedSchemes = ["http", "https"] });
        var s = server.S;
        try
        {
            var events = new[] { Event("REGISTERED_MODEL", "CREATED") };
            foreach (var (url, ip) in new[]
                     {
                         ("http://127.0.0.1:8080/hook", "127.0.0.1"), ("https://169.254.169.254/latest/meta-data", "169.254.169.254"),
                         ("https://10.0.0.5/x", "10.0.0.5"), ("https://192.168.1.1/x", "192.168.1.1"), ("https://[::1]/x", "::1"),
                         ("https://[::ffff:127.0.0.1]/x", "::ffff:127.0.0.1"), ("https://[fd00:ec2::254]/x", "fd00:ec2::254"),
                         ("https://100.64.0.1/x", "100.64.0.1"), ("https://0.0.0.0/x", "0.0.0.0"),
                     })
                Api.AssertError(await s.SendAsync(HttpMethod.Post, "/webhooks", new { name = "ssrf", url, events }), 400, "INVALID_PARAMETER_VALUE",
                    $"Webhook URL must not resolve to a non-public IP address. '{new Uri(url).Host.Trim('[', ']')}' resolves to {ip}.");
            Api.AssertError(await s.SendAsync(HttpMethod.Post, "/webhooks", new { name = "ssrf", url = "http://localhost:5000/x", events }), 400,
                "INVALID_PARAMETER_VALUE", "Webhook URL must not resolve to a non-public IP address. 'localhost' resolves to");
            // A public address passes (no request is made when creating).
            await s.OkAsync(HttpMethod.Post, "/webhooks", new { name = "public", url = "https://93.184.215.14/hook", events });

            var defaults = await StartAsync(backend, new WebhookSettings());
            try
            {
                Api.AssertError(await defaults.S.SendAsync(HttpMethod.Post, "/webhooks", new { name = "plain", url = "http://93.184.215.14/x", events }), 400,
                    "INVALID_PARAMETER_VALUE", "Invalid webhook URL scheme: 'http'. Allowed schemes are: https.");
            }
            finally
            {
                await StopAsync(defaults);
            }
        }
        finally
        {
            await StopAsync(server);
        }
    }
}
