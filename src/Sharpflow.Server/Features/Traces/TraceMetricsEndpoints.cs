using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sharpflow.Core.Python;
using Sharpflow.Core.Tracing;
using Sharpflow.Server.Http;
using Sharpflow.Store.Tracing;
using static Sharpflow.Server.Http.MlflowRoutes;

namespace Sharpflow.Server.Features.Traces;

/// <summary>
/// queryTraceMetrics (POST /api/3.0/mlflow/traces/metrics): aggregated trace, span and assessment metrics. The handler
/// applies MLflow's request schema and the MetricAggregation rules; the store validates the rest and runs the query.
/// </summary>
public static class TraceMetricsEndpoints
{
    private static readonly string[] ViewTypes = ["TRACES", "SPANS", "ASSESSMENTS"];
    private static readonly string[] AggregationTypes = ["COUNT", "SUM", "AVG", "PERCENTILE", "MIN", "MAX"];

    private static readonly ProtoMessage Aggregation = new(ProtoMessage.Enum("aggregation_type", AggregationTypes),
        ProtoMessage.Dbl("percentile_value"));

    private static readonly ProtoMessage QueryTraceMetrics = new(ProtoMessage.StrList("experiment_ids"),
        ProtoMessage.Enum("view_type", ViewTypes), ProtoMessage.Str("metric_name"), ProtoMessage.MsgList("aggregations", Aggregation),
        ProtoMessage.StrList("dimensions"), ProtoMessage.StrList("filters"), ProtoMessage.Int("time_interval_seconds"),
        ProtoMessage.Int("start_time_ms"), ProtoMessage.Int("end_time_ms"), ProtoMessage.Int("max_results"), ProtoMessage.Str("page_token"));

    public static void MapTraceMetrics(this IEndpointRouteBuilder app) =>
        app.MapRpc(Post, "/traces/metrics", Query, version: 3);

    private static async Task<IResult> Query(HttpContext http, TraceStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, QueryTraceMetrics))
            .Check("experiment_ids", Rule.Array, Rule.Required, Rule.ItemString).Check("view_type", Rule.Required)
            .Check("metric_name", Rule.String, Rule.Required).Check("aggregations", Rule.Array, Rule.Required)
            .Check("dimensions", Rule.Array, Rule.ItemString).Check("filters", Rule.Array, Rule.ItemString)
            .Check("time_interval_seconds", Rule.IntLike).Check("start_time_ms", Rule.IntLike).Check("end_time_ms", Rule.IntLike)
            .Check("max_results", Rule.IntLike).Check("page_token", Rule.String);
        var view = (MetricViewType)(Array.IndexOf(ViewTypes, r.GetEnum("view_type") ?? "TRACES") + 1);
        var aggregations = r.GetMessages("aggregations").Select(ParseAggregation).ToList();
        var query = new TraceMetricsQuery(r.GetStringList("experiment_ids"), view, r.GetStringOrEmpty("metric_name"), aggregations,
            r.GetStringList("dimensions"), r.GetStringList("filters"), r.GetInt64("time_interval_seconds"), r.GetInt64("start_time_ms"),
            r.GetInt64("end_time_ms"), r.GetInt64("max_results") ?? TraceMetricsSpec.DefaultMaxResults);
        var points = await store.QueryTraceMetricsAsync(query, http.RequestAborted);
        return TraceInfoJson.Reply(w =>
        {
            if (points.Count == 0) return;
            w.WritePropertyName("data_points");
            w.WriteStartArray();
            foreach (var p in points) WritePoint(w, p);
            w.WriteEndArray();
        });
    }

    /// <summary>MetricAggregation.from_proto: an unset type is the enum's first value (COUNT), as proto2 reads it.</summary>
    private static MetricAggregation ParseAggregation(JsonElement m)
    {
        var type = MetricAggregationType.Count;
        if (m.TryGetProperty("aggregation_type", out var t))
        {
            if (t.ValueKind == JsonValueKind.String && Array.IndexOf(AggregationTypes, t.GetString()) is var i and >= 0) type = (MetricAggregationType)(i + 1);
            else if (t.ValueKind == JsonValueKind.Number && t.TryGetInt32(out var n) && n is >= 1 and <= 6) type = (MetricAggregationType)n;
        }
        double? percentile = m.TryGetProperty("percentile_value", out var p) && p.ValueKind != JsonValueKind.Null
            && ProtoRequest.TryDouble(p, out var d) ? d : null;
        return TraceMetricsSpec.Aggregation(type, percentile);
    }

    private static void WritePoint(Utf8JsonWriter w, MetricDataPoint p)
    {
        w.WriteStartObject();
        w.WriteString("metric_name", p.MetricName);
        if (p.Dimensions.Count > 0)
        {
            w.WritePropertyName("dimensions");
            w.WriteStartObject();
            foreach (var (k, v) in p.Dimensions) w.WriteString(k, v);
            w.WriteEndObject();
        }
        w.WritePropertyName("values");
        w.WriteStartObject();
        foreach (var (k, v) in p.Values)
        {
            w.WritePropertyName(k);
            // protobuf JSON of a double: the float as Python's json writes it (3.0, not 3); non-finite values as strings.
            if (double.IsFinite(v)) w.WriteRawValue(PythonRepr.Float(v));
            else w.WriteStringValue(double.IsNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
