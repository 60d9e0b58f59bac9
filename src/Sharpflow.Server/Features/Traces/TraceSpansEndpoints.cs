using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sharpflow.Artifacts;
using Sharpflow.Core.Entities;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Python;
using Sharpflow.Core.Tracing;
using Sharpflow.Server.Features.Artifacts;
using Sharpflow.Server.Http;
using Sharpflow.Store.Tracing;
using static Sharpflow.Server.Http.MlflowRoutes;

namespace Sharpflow.Server.Features.Traces;

/// <summary>
/// Traces with their spans: GET /mlflow/traces/get and /mlflow/traces/batchGet (v3; spans read from the database,
/// as OTel proto JSON), and the UI's /ajax-api/{2,3}.0/mlflow/get-trace-artifact (traces.json: spans from the
/// database, or the file older clients uploaded to the trace's artifact location).
/// </summary>
public static class TraceSpansEndpoints
{
    private static readonly ProtoMessage GetTraceMessage = new(ProtoMessage.Str("trace_id"), ProtoMessage.Bool("allow_partial"));
    private static readonly ProtoMessage BatchGetTracesMessage = new(ProtoMessage.StrList("trace_ids"));

    public static void MapTraceSpans(this IEndpointRouteBuilder app)
    {
        app.MapRpc(Get, "/traces/get", GetTrace, version: 3);
        app.MapRpc(Get, "/traces/batchGet", BatchGetTraces, version: 3);
        app.MapAjaxOnly(Get, "/get-trace-artifact", GetTraceArtifact);
        app.MapAjaxOnly(Get, "/get-trace-artifact", GetTraceArtifact, version: 3);
    }

    // MLflow raises MlflowTracingException (INTERNAL_ERROR) when spans are not in the tracking store.
    private static MlflowException NotInTrackingStore() =>
        new(ErrorCode.INTERNAL_ERROR, "Trace data not stored in tracking store");

    private static bool SpansInStore(TraceInfo info) =>
        info.Tags.LastOrDefault(t => t.Key == SpanKeys.SpansLocation)?.Value == SpanKeys.TrackingStore;

    /// <summary>
    /// Spans of a trace, or null while fewer spans are stored than its size stats announce (only checked when
    /// <paramref name="allowPartial"/> is false, as MLflow).
    /// </summary>
    private static List<string>? CompleteSpans(TraceInfo info, List<string> spans, bool allowPartial)
    {
        if (!SpansInStore(info)) throw NotInTrackingStore();
        if (!allowPartial && info.Metadata.LastOrDefault(m => m.Key == SpanKeys.SizeStats)?.Value is { } stats
            && TraceDerivations.LoadDict(stats) is var dict && TraceDerivations.ToFloat(PyObjects.Get(dict, "num_spans")) is { } expected
            && spans.Count < expected)
            return null;
        return spans;
    }

    private static async Task<IResult> GetTrace(HttpContext http, TraceStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, GetTraceMessage)).Check("trace_id", Rule.String, Rule.Required).Check("allow_partial", Rule.Bool);
        var traceId = r.GetStringOrEmpty("trace_id");
        var allowPartial = r.GetBool("allow_partial") ?? false;
        var ct = http.RequestAborted;
        // MLflow retries twice (after 1 s and 2 s) while a trace's spans are still arriving.
        for (var attempt = 0; ; attempt++)
        {
            var (info, spans) = await LoadAsync(store, traceId, ct);
            var complete = CompleteSpans(info, spans, allowPartial);
            if (complete is not null && (allowPartial || complete.Count > 0))
                return TraceInfoJson.Reply(w =>
                {
                    w.WritePropertyName("trace");
                    WriteTrace(w, info, complete);
                });
            if (attempt == 2)
                throw MlflowException.NotFound($"Trace with ID {traceId} is not fully exported yet, please try again later.");
            await Task.Delay(TimeSpan.FromSeconds(1 << attempt), ct);
        }
    }

    private static async Task<(TraceInfo Info, List<string> Spans)> LoadAsync(TraceStore store, string traceId, CancellationToken ct)
    {
        var infos = await store.GetTraceInfosAsync([traceId], ct);
        if (infos.Count == 0) throw MlflowException.NotFound($"Trace with ID {traceId} is not found.");
        var spans = await store.LoadSpanContentsAsync([traceId], ct);
        return (infos[0], spans.GetValueOrDefault(traceId) ?? []);
    }

    private static async Task<IResult> BatchGetTraces(HttpContext http, TraceStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, BatchGetTracesMessage)).Check("trace_ids", Rule.Array, Rule.Required, Rule.ItemString);
        var ids = r.GetStringList("trace_ids");
        var infos = await store.GetTraceInfosAsync(ids, http.RequestAborted);
        var spans = infos.Count == 0 ? [] : await store.LoadSpanContentsAsync(infos.Select(i => i.TraceId).ToList(), http.RequestAborted);
        // Only complete traces with spans (search_traces depends on it); a trace stored elsewhere fails the call, as in MLflow.
        var traces = new List<(TraceInfo, List<string>)>();
        foreach (var info in infos)
        {
            if (CompleteSpans(info, spans.GetValueOrDefault(info.TraceId) ?? [], allowPartial: false) is { Count: > 0 } list)
                traces.Add((info, list));
        }
        return TraceInfoJson.Reply(w =>
        {
            if (traces.Count == 0) return;
            w.WriteStartArray("traces");
            foreach (var (info, list) in traces) WriteTrace(w, info, list);
            w.WriteEndArray();
        });
    }

    private static void WriteTrace(Utf8JsonWriter w, TraceInfo info, List<string> spans)
    {
        w.WriteStartObject();
        w.WritePropertyName("trace_info");
        TraceInfoJson.WriteV3(w, info);
        if (spans.Count > 0)
        {
            w.WriteStartArray("spans");
            foreach (var content in spans) SpanJson.WriteOtel(w, content);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static async Task<IResult> GetTraceArtifact(HttpContext http, TraceStore store, ArtifactProxy proxy)
    {
        var requestId = http.Request.Query["request_id"].FirstOrDefault();
        if (string.IsNullOrEmpty(requestId))
            throw new MlflowException(ErrorCode.BAD_REQUEST, "Request must include the \"request_id\" query parameter.");
        var ct = http.RequestAborted;
        var path = http.Request.Query["path"].FirstOrDefault();
        if (!string.IsNullOrEmpty(path))
        {
            // A trace attachment: <trace artifact location>/attachments/<path>.
            var safe = ArtifactPath.Parse(path);
            var info = (await store.GetTraceInfosAsync([requestId], ct)).FirstOrDefault()
                       ?? throw MlflowException.NotFound($"Trace with ID '{requestId}' not found.");
            var bytes = await ReadTraceFileAsync(proxy, info, "attachments/" + safe.Normalized, ct)
                        ?? throw new MlflowException(ErrorCode.INTERNAL_ERROR, $"Failed to download attachment '{path}' for trace '{requestId}'.");
            return Attachment(http, bytes, safe.Name);
        }

        byte[] data;
        var (traceInfo, spans) = await LoadAsync(store, requestId, ct);
        if (SpansInStore(traceInfo))
        {
            var sb = new StringBuilder("{\"spans\": [");
            for (var i = 0; i < spans.Count; i++)
            {
                if (i > 0) sb.Append(", ");
                SpanJson.WriteDict(sb, spans[i]);
            }
            data = Encoding.UTF8.GetBytes(sb.Append("]}").ToString());
        }
        else
        {
            // Spans logged by older clients live in traces.json under the trace's artifact location.
            var file = await ReadTraceFileAsync(proxy, traceInfo, "traces.json", ct)
                       ?? throw new MlflowException(ErrorCode.NOT_FOUND, "Trace data not found for path=traces.json");
            object? parsed;
            try
            {
                parsed = PyJson.Loads(Encoding.UTF8.GetString(file));
            }
            catch (PyJson.DecodeException)
            {
                throw new MlflowException(ErrorCode.INVALID_STATE, "Trace data is corrupted for path=traces.json");
            }
            data = Encoding.UTF8.GetBytes(PyJson.Dumps(parsed));
        }
        return Attachment(http, data, "traces.json");
    }

    private static IResult Attachment(HttpContext http, byte[] data, string fileName)
    {
        http.Response.Headers.ContentDisposition = $"attachment; filename={fileName}";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return Results.Bytes(data, fileName.EndsWith(".json", StringComparison.Ordinal) ? "application/json" : "application/octet-stream");
    }

    private static async Task<byte[]?> ReadTraceFileAsync(ArtifactProxy proxy, TraceInfo info, string relative, CancellationToken ct)
    {
        var location = info.Tags.LastOrDefault(t => t.Key == SpanKeys.ArtifactLocation)?.Value;
        if (location is null) return null;
        var root = proxy.ForRun(location);
        await using var content = await root.Store.OpenReadAsync(root.Folder.Join(ArtifactPath.Parse(relative)), ct);
        if (content is null) return null;
        using var ms = new MemoryStream();
        await content.Stream.CopyToAsync(ms, ct);
        return ms.ToArray();
    }
}
