using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sharpflow.Core.Entities;
using Sharpflow.Server.Features.Registry;
using Sharpflow.Server.Http;
using Sharpflow.Store.Tracing;
using static Sharpflow.Server.Http.MlflowRoutes;
using M = Sharpflow.Server.Features.Traces.TraceMessages;

namespace Sharpflow.Server.Features.Traces;

/// <summary>
/// MLflow's trace API (v3 and the v2 routes the 3.x client still calls): start, get, search, delete, tags, link to runs
/// and prompts. Span-returning routes (traces/get, batchGet, get-trace-artifact) are TraceSpansEndpoints; assessments
/// are AssessmentsEndpoints. Each route is served under the API version service.proto gives it, as MLflow does.
/// </summary>
public static class TracesEndpoints
{
    /// <summary>The handlers' cap on max_results for trace searches (the store's own bound is larger).</summary>
    public const int SearchTracesMaxResults = 500;

    public static void MapTraces(this IEndpointRouteBuilder app)
    {
        app.MapRpc(Post, "/traces", StartV3, version: 3);
        app.MapRpc(Get, "/traces/{trace_id}", GetV3, version: 3);
        app.MapRpc(Post, "/traces/batchGetInfos", BatchGetInfos, version: 3);
        app.MapRpc(Post, "/traces/search", SearchV3, version: 3);
        app.MapRpc(Post, "/traces/delete-traces", DeleteTraces, version: 3);
        app.MapRpc(Patch, "/traces/{trace_id}/tags", SetTag, version: 3);
        app.MapRpc(Delete, "/traces/{trace_id}/tags", DeleteTag, version: 3);
        app.MapRpc(Post, "/traces/calculate-filter-correlation", Correlation, version: 3);

        app.MapRpc(Post, "/traces", StartV2);
        app.MapRpc(Patch, "/traces/{trace_id}", EndV2);
        app.MapRpc(Get, "/traces/{trace_id}/info", GetV2);
        app.MapRpc(Get, "/traces", SearchV2);
        app.MapRpc(Post, "/traces/delete-traces", DeleteTraces);
        app.MapRpc(Patch, "/traces/{trace_id}/tags", SetTag);
        app.MapRpc(Delete, "/traces/{trace_id}/tags", DeleteTag);
        app.MapRpc(Post, "/traces/link-to-run", LinkToRun);
        app.MapRpc(Post, "/traces/link-prompts", LinkPrompts);
    }

    /// <summary>{"trace": {"trace_info": {...}}}: the v3 get/start response.</summary>
    public static IResult TraceReply(TraceInfo info) => TraceInfoJson.Reply(w =>
    {
        w.WritePropertyName("trace");
        w.WriteStartObject();
        w.WritePropertyName("trace_info");
        TraceInfoJson.WriteV3(w, info);
        w.WriteEndObject();
    });

    private static IResult V2Reply(TraceInfo info) => TraceInfoJson.Reply(w =>
    {
        w.WritePropertyName("trace_info");
        TraceInfoJson.WriteV2(w, info);
    });

    private static IResult ListReply(string name, IReadOnlyList<TraceInfo> infos, Action<Utf8JsonWriter, TraceInfo> write, string? token = null) =>
        TraceInfoJson.Reply(w =>
        {
            if (infos.Count > 0)
            {
                w.WritePropertyName(name);
                w.WriteStartArray();
                foreach (var t in infos) write(w, t);
                w.WriteEndArray();
            }
            if (token is not null) w.WriteString("next_page_token", token);
        });

    private static async Task<IResult> StartV3(HttpContext http, TraceStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.StartTraceV3)).Check("trace", Rule.Required);
        var trace = r.Root.GetProperty("trace");
        var info = trace.ValueKind == JsonValueKind.Object && trace.TryGetProperty("trace_info", out var ti) && ti.ValueKind == JsonValueKind.Object
            ? TraceInfoJson.ParseV3(ti)
            : TraceInfoJson.ParseV3(JsonDocument.Parse("{}").RootElement);
        return TraceReply(await store.StartTraceAsync(info, http.RequestAborted));
    }

    private static async Task<IResult> GetV3(TraceStore store, string trace_id, CancellationToken ct) =>
        TraceReply(await store.GetTraceInfoAsync(trace_id, ct));

    private static async Task<IResult> BatchGetInfos(HttpContext http, TraceStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.BatchGetTraceInfos)).Check("trace_ids", Rule.Array, Rule.Required, Rule.ItemString);
        var infos = await store.GetTraceInfosAsync(r.GetStringList("trace_ids"), http.RequestAborted);
        return ListReply("trace_infos", infos, TraceInfoJson.WriteV3);
    }

    private static ProtoRequest CheckSearch(ProtoRequest r, string locationsField) =>
        r.Check(locationsField, locationsField == "locations" ? [Rule.Array, Rule.Required] : [Rule.Array, Rule.ItemString, Rule.Required])
            .Check("filter", Rule.String)
            .Check("max_results", RegisteredModelsEndpoints.AtMost(SearchTracesMaxResults), Rule.IntLike)
            .Check("order_by", Rule.Array, Rule.ItemString).Check("page_token", Rule.String);

    private static async Task<IResult> SearchV3(HttpContext http, TraceStore store)
    {
        var r = CheckSearch(await ProtoRequest.ReadAsync(http, M.SearchTracesV3), "locations");
        var experimentIds = r.GetMessages("locations")
            .Where(l => l.TryGetProperty("mlflow_experiment", out var e) && e.ValueKind == JsonValueKind.Object)
            .Select(l => l.GetProperty("mlflow_experiment").Str("experiment_id") ?? "").ToList();
        var page = await store.SearchTracesAsync(experimentIds, r.GetString("filter"), r.GetInt64("max_results") ?? 100,
            r.GetStringList("order_by"), RegisteredModelsEndpoints.NullIfEmpty(r.GetString("page_token")), http.RequestAborted);
        return ListReply("traces", page.Items, TraceInfoJson.WriteV3, page.NextPageToken);
    }

    private static async Task<IResult> SearchV2(HttpContext http, TraceStore store)
    {
        var r = CheckSearch(await ProtoRequest.ReadAsync(http, M.SearchTraces), "experiment_ids");
        var page = await store.SearchTracesAsync(r.GetStringList("experiment_ids"), r.GetString("filter"), r.GetInt64("max_results") ?? 100,
            r.GetStringList("order_by"), RegisteredModelsEndpoints.NullIfEmpty(r.GetString("page_token")), http.RequestAborted);
        return ListReply("traces", page.Items, TraceInfoJson.WriteV2, page.NextPageToken);
    }

    private static async Task<IResult> DeleteTraces(HttpContext http, TraceStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.DeleteTraces))
            .Check("experiment_id", Rule.String, Rule.Required).Check("max_timestamp_millis", Rule.IntLike).Check("max_traces", Rule.IntLike)
            .Check("request_ids", Rule.Array, Rule.ItemString);
        var deleted = await store.DeleteTracesAsync(r.GetStringOrEmpty("experiment_id"), r.GetInt64("max_timestamp_millis"),
            r.GetInt64("max_traces") is { } max ? (int)max : null, r.GetStringList("request_ids"), http.RequestAborted);
        return TraceInfoJson.Reply(w => w.WriteNumber("traces_deleted", deleted));
    }

    private static async Task<IResult> SetTag(HttpContext http, TraceStore store, string trace_id)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.SetTraceTag)).Check("key", Rule.String, Rule.Required).Check("value", Rule.String);
        await store.SetTraceTagAsync(trace_id, r.GetStringOrEmpty("key"), r.GetStringOrEmpty("value"), http.RequestAborted);
        return Reply.Empty();
    }

    private static async Task<IResult> DeleteTag(HttpContext http, TraceStore store, string trace_id)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.DeleteTraceTag)).Check("key", Rule.String, Rule.Required);
        await store.DeleteTraceTagAsync(trace_id, r.GetStringOrEmpty("key"), http.RequestAborted);
        return Reply.Empty();
    }

    private static async Task<IResult> LinkToRun(HttpContext http, TraceStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.LinkTracesToRun))
            .Check("trace_ids", Rule.Array, Rule.Required, Rule.ItemString).Check("run_id", Rule.String, Rule.Required);
        await store.LinkTracesToRunAsync(r.GetStringList("trace_ids"), r.GetStringOrEmpty("run_id"), http.RequestAborted);
        return Reply.Empty();
    }

    private static async Task<IResult> LinkPrompts(HttpContext http, TraceStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.LinkPromptsToTrace))
            .Check("trace_id", Rule.String, Rule.Required).Check("prompt_versions", Rule.Array, Rule.Required);
        var prompts = r.GetMessages("prompt_versions").Select(p => (p.Str("name") ?? "", p.Str("version") ?? "")).ToList();
        await store.LinkPromptsToTraceAsync(r.GetStringOrEmpty("trace_id"), prompts, http.RequestAborted);
        return Reply.Empty();
    }

    /// <summary>_assert_map_key_present: a list whose every entry has a non-empty "key".</summary>
    private static Action<JsonElement> MapKeys(string param) => v =>
    {
        if (v.ValueKind != JsonValueKind.Array || v.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.Object || string.IsNullOrEmpty(e.Str("key"))))
            throw ProtoRequest.SchemaFailure(param, v);
    };

    private static List<KeyValue> Pairs(ProtoRequest r, string name) =>
        r.GetMessages(name).Select(t => new KeyValue(t.Str("key") ?? "", t.Str("value") ?? "")).ToList();

    private static async Task<IResult> StartV2(HttpContext http, TraceStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.StartTrace))
            .Check("experiment_id", Rule.String).Check("timestamp_ms", Rule.IntLike)
            .Check("request_metadata", MapKeys("request_metadata")).Check("tags", MapKeys("tags"));
        var info = await store.StartTraceV2Async(r.GetStringOrEmpty("experiment_id"), r.GetInt64("timestamp_ms") ?? 0,
            Pairs(r, "request_metadata"), Pairs(r, "tags"), http.RequestAborted);
        return V2Reply(info);
    }

    private static async Task<IResult> EndV2(HttpContext http, TraceStore store, string trace_id)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.EndTrace))
            .Check("timestamp_ms", Rule.IntLike).Check("status", Rule.String)
            .Check("request_metadata", MapKeys("request_metadata")).Check("tags", MapKeys("tags"));
        // An unset status is TRACE_STATUS_UNSPECIFIED; it is stored as the v3 STATE_UNSPECIFIED (MLflow stores the v2 name,
        // which its own readers then fail to load).
        var info = await store.EndTraceV2Async(trace_id, r.GetInt64("timestamp_ms") ?? 0, TraceStates.FromV2Status(r.GetEnum("status")),
            Pairs(r, "request_metadata"), Pairs(r, "tags"), http.RequestAborted);
        return V2Reply(info);
    }

    private static async Task<IResult> Correlation(HttpContext http, TraceStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.CalculateTraceFilterCorrelation))
            .Check("experiment_ids", Rule.Array, Rule.Required, Rule.ItemString).Check("filter_string1", Rule.String, Rule.Required)
            .Check("filter_string2", Rule.String, Rule.Required).Check("base_filter", Rule.String);
        var c = await store.CalculateTraceFilterCorrelationAsync(r.GetStringList("experiment_ids"), r.GetStringOrEmpty("filter_string1"),
            r.GetStringOrEmpty("filter_string2"), r.GetString("base_filter"), http.RequestAborted);
        return TraceInfoJson.Reply(w =>
        {
            // Undefined (NaN) values are left unset, as MLflow's to_proto does.
            if (!double.IsNaN(c.Npmi)) w.WriteNumber("npmi", c.Npmi);
            if (!double.IsNaN(c.NpmiSmoothed)) w.WriteNumber("npmi_smoothed", c.NpmiSmoothed);
            w.WriteNumber("filter1_count", c.Filter1Count);
            w.WriteNumber("filter2_count", c.Filter2Count);
            w.WriteNumber("joint_count", c.JointCount);
            w.WriteNumber("total_count", c.TotalCount);
        });
    }

    private static async Task<IResult> GetV2(TraceStore store, string trace_id, CancellationToken ct) =>
        V2Reply(await store.GetTraceInfoAsync(trace_id, ct));
}
