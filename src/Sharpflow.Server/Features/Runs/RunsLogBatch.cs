using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Sharpflow.Core.Entities;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Validation;
using Sharpflow.Server.Http;
using Sharpflow.Store.Tracking;

namespace Sharpflow.Server.Features.Runs;

/// <summary>runs/log-batch: the hottest write path. Size-checked before parsing, then one transaction.</summary>
public static class RunsLogBatch
{
    public static async Task<IResult> Handle(HttpContext http, TrackingStore store)
    {
        if (http.Request.ContentLength is > MlflowLimits.MaxBatchLogRequestSize)
            throw MlflowException.InvalidParameter(
                $"Batched logging API requests must be at most {MlflowLimits.MaxBatchLogRequestSize} bytes, got a request of size {http.Request.ContentLength}.");
        var r = (await ProtoRequest.ReadAsync(http, TrackingMessages.LogBatch))
            .Check("run_id", Rule.String, Rule.Required)
            .Check("metrics", v => RequireFields(v, "metrics", "key", "value", "timestamp"), Rule.Array)
            .Check("params", v => RequireFields(v, "params", "key"), Rule.Array)
            .Check("tags", v => RequireFields(v, "tags", "key"), Rule.Array);
        // model_id and the dataset fields link a metric to a logged model (issue 4), as Metric.from_proto reads them.
        var metrics = r.GetMessages("metrics").Select(m =>
            new Metric(m.Str("key") ?? "", m.Double("value") ?? 0, m.Int64("timestamp") ?? 0, m.Int64("step") ?? 0)
            {
                ModelId = string.IsNullOrEmpty(m.Str("model_id")) ? null : m.Str("model_id"),
                DatasetName = string.IsNullOrEmpty(m.Str("dataset_name")) ? null : m.Str("dataset_name"),
                DatasetDigest = string.IsNullOrEmpty(m.Str("dataset_digest")) ? null : m.Str("dataset_digest"),
            }).ToList();
        var parameters = r.GetMessages("params").Select(p => new KeyValue(p.Str("key") ?? "", p.Str("value") ?? "")).ToList();
        var tags = r.GetMessages("tags").Select(t => new KeyValue(t.Str("key") ?? "", t.Str("value") ?? "")).ToList();
        await store.LogBatchAsync(r.GetStringOrEmpty("run_id"), metrics, parameters, tags, http.RequestAborted);
        return Reply.Empty();
    }

    private static void RequireFields(JsonElement list, string name, params string[] fields)
    {
        if (list.ValueKind != JsonValueKind.Array) return;
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            foreach (var f in fields)
            {
                var present = item.ValueKind == JsonValueKind.Object && item.TryGetProperty(f, out var v) && v.ValueKind != JsonValueKind.Null
                              && !(v.ValueKind == JsonValueKind.String && v.GetString()!.Length == 0);
                if (!present)
                    throw MlflowException.InvalidParameter(
                        $"Missing value for required parameter '{name}[{i}].{f}'. See the API docs for more information about request parameters.");
            }
            i++;
        }
    }
}
