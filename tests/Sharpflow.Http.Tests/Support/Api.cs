using System.Text.Json.Nodes;

namespace Sharpflow.Http.Tests;

/// <summary>Thin wrappers over the tracking REST API, asserting success, for arranging test data.</summary>
public static class Api
{
    public const string Base = "/api/2.0/mlflow";

    public static async Task<JsonNode> OkAsync(this TestServer s, string path, object body)
    {
        var (status, json) = await s.PostAsync(Base + path, body);
        Assert.True(status == 200, $"POST {path} answered {status}: {json?.ToJsonString()}");
        return json ?? new JsonObject();
    }

    public static async Task<string> CreateExperimentAsync(this TestServer s, string name, params (string Key, string Value)[] tags)
    {
        var body = await s.OkAsync("/experiments/create", new { name, tags = tags.Select(t => new { key = t.Key, value = t.Value }).ToArray() });
        return body["experiment_id"]!.GetValue<string>();
    }

    public static async Task<string> CreateRunAsync(this TestServer s, string experimentId, string? runName, long startTime, string? userId = null)
    {
        var body = await s.OkAsync("/runs/create", new { experiment_id = experimentId, run_name = runName, start_time = startTime, user_id = userId });
        return body["run"]!["info"]!["run_id"]!.GetValue<string>();
    }

    /// <summary>Logs metrics (a double, or "NaN"/"Infinity"/"-Infinity"), params and tags in one log-batch.</summary>
    public static Task LogAsync(this TestServer s, string runId, IEnumerable<(string Key, object Value)>? metrics = null,
        IEnumerable<(string Key, string Value)>? @params = null, IEnumerable<(string Key, string Value)>? tags = null) =>
        s.OkAsync("/runs/log-batch", new
        {
            run_id = runId,
            metrics = (metrics ?? []).Select(m => new { key = m.Key, value = m.Value, timestamp = 1700000000000L, step = 0 }).ToArray(),
            @params = (@params ?? []).Select(p => new { key = p.Key, value = p.Value }).ToArray(),
            tags = (tags ?? []).Select(t => new { key = t.Key, value = t.Value }).ToArray(),
        });

    public static Task SetStatusAsync(this TestServer s, string runId, string status, long? endTime = null) =>
        s.OkAsync("/runs/update", new { run_id = runId, status, end_time = endTime });

    public static Task DeleteRunAsync(this TestServer s, string runId) => s.OkAsync("/runs/delete", new { run_id = runId });

    /// <summary>A runs/search body with only the given fields (null fields are left out, as a client would).</summary>
    public static Task<(int Status, JsonNode? Body)> SearchRunsRawAsync(this TestServer s, object body) =>
        s.PostAsync(Base + "/runs/search", body);

    public static async Task<(List<string> Names, string? Token)> SearchRunNamesAsync(this TestServer s, string experimentId,
        string? filter = null, string[]? orderBy = null, int? maxResults = null, string? pageToken = null, string? viewType = null)
    {
        var body = new JsonObject { ["experiment_ids"] = new JsonArray(experimentId) };
        if (filter is not null) body["filter"] = filter;
        if (orderBy is not null) body["order_by"] = new JsonArray(orderBy.Select(o => (JsonNode)o).ToArray());
        if (maxResults is not null) body["max_results"] = maxResults;
        if (pageToken is not null) body["page_token"] = pageToken;
        if (viewType is not null) body["run_view_type"] = viewType;
        var (status, json) = await s.PostAsync(Base + "/runs/search", body);
        Assert.True(status == 200, $"search {body.ToJsonString()} answered {status}: {json?.ToJsonString()}");
        var names = (json?["runs"]?.AsArray() ?? []).Select(r => r!["info"]!["run_name"]!.GetValue<string>()).ToList();
        return (names, json?["next_page_token"]?.GetValue<string>());
    }

    /// <summary>MLflow's error shape: the status, a JSON body with error_code and a message containing <paramref name="messagePart"/>.</summary>
    public static void AssertError((int Status, JsonNode? Body) reply, int status, string errorCode, string? messagePart = null)
    {
        Assert.True(reply.Status == status, $"expected {status} {errorCode}, got {reply.Status}: {reply.Body?.ToJsonString()}");
        Assert.NotNull(reply.Body);
        Assert.Equal(errorCode, reply.Body!["error_code"]?.GetValue<string>());
        if (messagePart is not null) Assert.Contains(messagePart, reply.Body["message"]!.GetValue<string>());
    }

    public static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..10];
}

/// <summary>One server per backend, shared by the tests of a class (each test works in its own experiments).</summary>
public sealed class SharedServers : IAsyncLifetime
{
    private readonly Dictionary<Backend, Task<TestServer>> _servers = [];
    private readonly Lock _lock = new();

    public Task<TestServer> GetAsync(Backend backend)
    {
        lock (_lock)
        {
            if (!_servers.TryGetValue(backend, out var server)) _servers[backend] = server = TestServer.StartAsync(backend);
            return server;
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var server in _servers.Values)
        {
            try { await (await server).DisposeAsync(); }
            catch (Exception) { /* a server that failed to start has nothing to dispose */ }
        }
    }
}
