using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sharpflow.Http.Tests.Tracing;

/// <summary>Trace-info calls as the MLflow 3 client makes them (v3 routes under /api/3.0, legacy ones under /api/2.0).</summary>
public static class TraceInfoApi
{
    public const string V3 = "/api/3.0/mlflow";
    public const string V2 = "/api/2.0/mlflow";

    public static string NewTraceId() => "tr-" + Guid.NewGuid().ToString("N");

    public static async Task<(int Status, JsonNode? Body)> CallAsync(this TestServer s, HttpMethod method, string pathAndQuery, object? body = null)
    {
        using var req = new HttpRequestMessage(method, pathAndQuery);
        if (body is not null) req.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var res = await s.Client.SendAsync(req);
        var text = await res.Content.ReadAsStringAsync();
        var json = res.Content.Headers.ContentType?.MediaType == "application/json" && text.Length > 0 ? JsonNode.Parse(text) : null;
        return ((int)res.StatusCode, json);
    }

    public static async Task<JsonNode> CallOkAsync(this TestServer s, HttpMethod method, string pathAndQuery, object? body = null)
    {
        var (status, json) = await s.CallAsync(method, pathAndQuery, body);
        Assert.True(status == 200, $"{method} {pathAndQuery} answered {status}: {json?.ToJsonString()}");
        return json ?? new JsonObject();
    }

    public static string Rfc3339(long ms) =>
        DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The StartTraceV3 body the client sends when a trace ends.</summary>
    public static JsonObject TraceBody(string experimentId, string traceId, long requestTime, long? durationMs = 100, string state = "OK",
        IDictionary<string, string>? tags = null, IDictionary<string, string>? metadata = null, string? requestPreview = null,
        string? responsePreview = null, string? clientRequestId = null)
    {
        var info = new JsonObject
        {
            ["trace_id"] = traceId,
            ["trace_location"] = new JsonObject { ["type"] = "MLFLOW_EXPERIMENT", ["mlflow_experiment"] = new JsonObject { ["experiment_id"] = experimentId } },
            ["request_time"] = Rfc3339(requestTime),
            ["state"] = state,
        };
        if (durationMs is { } d) info["execution_duration"] = $"{d / 1000}.{d % 1000:000}s";
        if (clientRequestId is not null) info["client_request_id"] = clientRequestId;
        if (requestPreview is not null) info["request_preview"] = requestPreview;
        if (responsePreview is not null) info["response_preview"] = responsePreview;
        if (metadata is not null) info["trace_metadata"] = new JsonObject(metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
        if (tags is not null) info["tags"] = new JsonObject(tags.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
        return new JsonObject { ["trace"] = new JsonObject { ["trace_info"] = info } };
    }

    public static async Task<JsonNode> StartTraceAsync(this TestServer s, string experimentId, string traceId, long requestTime, long? durationMs = 100,
        string state = "OK", IDictionary<string, string>? tags = null, IDictionary<string, string>? metadata = null, string? requestPreview = null,
        string? responsePreview = null, string? clientRequestId = null) =>
        (await s.CallOkAsync(HttpMethod.Post, V3 + "/traces",
            TraceBody(experimentId, traceId, requestTime, durationMs, state, tags, metadata, requestPreview, responsePreview, clientRequestId)))
        ["trace"]!["trace_info"]!;

    public static async Task<JsonNode> GetTraceInfoAsync(this TestServer s, string traceId) =>
        (await s.CallOkAsync(HttpMethod.Get, $"{V3}/traces/{traceId}"))["trace"]!["trace_info"]!;

    public static Task<(int Status, JsonNode? Body)> SearchRawAsync(this TestServer s, IEnumerable<string> experimentIds, string? filter = null,
        string[]? orderBy = null, int? maxResults = null, string? pageToken = null)
    {
        var body = new JsonObject
        {
            ["locations"] = new JsonArray(experimentIds.Select(e => (JsonNode)new JsonObject
            {
                ["type"] = "MLFLOW_EXPERIMENT", ["mlflow_experiment"] = new JsonObject { ["experiment_id"] = e },
            }).ToArray()),
        };
        if (filter is not null) body["filter"] = filter;
        if (orderBy is not null) body["order_by"] = new JsonArray(orderBy.Select(o => (JsonNode)o).ToArray());
        if (maxResults is not null) body["max_results"] = maxResults;
        if (pageToken is not null) body["page_token"] = pageToken;
        return s.CallAsync(HttpMethod.Post, V3 + "/traces/search", body);
    }

    /// <summary>Trace ids of one search page, in order, and the next page token.</summary>
    public static async Task<(List<string> Ids, string? Token)> SearchIdsAsync(this TestServer s, string experimentId, string? filter = null,
        string[]? orderBy = null, int? maxResults = null, string? pageToken = null)
    {
        var (status, json) = await s.SearchRawAsync([experimentId], filter, orderBy, maxResults, pageToken);
        Assert.True(status == 200, $"search '{filter}' answered {status}: {json?.ToJsonString()}");
        var ids = (json?["traces"]?.AsArray() ?? []).Select(t => t!["trace_id"]!.GetValue<string>()).ToList();
        return (ids, json?["next_page_token"]?.GetValue<string>());
    }

    public static Dictionary<string, string> Map(JsonNode? obj) =>
        (obj?.AsObject() ?? []).ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<string>());
}
