using System.Data.Common;
using System.Globalization;
using System.Text;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Python;
using Sharpflow.Core.Search;
using Sharpflow.Core.Tracing;
using Sharpflow.Store.Sql;
using Sharpflow.Store.Sql.Dialects;

namespace Sharpflow.Store.Tracing;

/// <summary>The parameters of queryTraceMetrics after the handler's checks.</summary>
public sealed record TraceMetricsQuery(IReadOnlyList<string> ExperimentIds, MetricViewType ViewType, string MetricName,
    IReadOnlyList<MetricAggregation> Aggregations, IReadOnlyList<string> Dimensions, IReadOnlyList<string> Filters,
    long? TimeIntervalSeconds, long? StartTimeMs, long? EndTimeMs, long MaxResults);

/// <summary>
/// query_trace_metrics: one GROUP BY query over trace_info joined to the view's rows (spans, assessments) and the
/// metric's table (trace_metrics, span_metrics), grouped by the time bucket and the dimensions in the order given and
/// ordered by them, at most max_results groups. Percentiles are linear interpolation on both backends, as in MLflow:
/// PostgreSQL's percentile_cont, and on SQLite an aggregate registered per connection computing the same formula.
/// </summary>
public sealed partial class TraceStore
{
    public Task<List<MetricDataPoint>> QueryTraceMetricsAsync(TraceMetricsQuery q, CancellationToken ct)
    {
        TraceMetricsSpec.Validate(q.ViewType, q.MetricName, q.Aggregations, q.Dimensions);
        // MLflow passes max_results to LIMIT unchecked: -1 means "no limit" on SQLite and a 500 on PostgreSQL.
        if (q.MaxResults < 0)
            throw MlflowException.InvalidParameter($"Invalid value {q.MaxResults} for parameter 'max_results' supplied. It must be a positive integer");
        if (q.TimeIntervalSeconds is not (null or 0) && (q.StartTimeMs is null || q.EndTimeMs is null))
            throw MlflowException.InvalidParameter("start_time_ms and end_time_ms are required if time_interval_seconds is set");
        var expIds = q.ExperimentIds.Select(e => long.TryParse(e.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v
            : throw MlflowException.InvalidParameter($"invalid literal for int() with base 10: {PythonRepr.Str(e)}")).Distinct().ToList();
        var filters = q.Filters.Select(TraceMetricsFilterGrammar.Parse).ToList();
        foreach (var f in filters)
        {
            if (f.ViewType == "span" && q.ViewType != MetricViewType.Spans)
                throw MlflowException.InvalidParameter($"Filtering by span is only supported for SPANS view type, got {TraceMetricsSpec.ViewName(q.ViewType)}");
            if (f.ViewType == "assessment" && q.ViewType != MetricViewType.Assessments)
                throw MlflowException.InvalidParameter(
                    $"Filtering by assessment is only supported for ASSESSMENTS view type, got {TraceMetricsSpec.ViewName(q.ViewType)}");
        }
        var dialect = Db.Dialect;
        return Db.ReadAsync(async c =>
        {
            var cmd = c.Sql("");
            var sql = MetricsSql(cmd, q, expIds, filters, dialect, out var dimNames);
            if (sql is null) { await cmd.DisposeAsync(); return []; }
            cmd.CommandText = sql;
            if (q.Aggregations.Any(a => a.Type == MetricAggregationType.Percentile)) MetricsPercentile.Register(c);
            var rows = await cmd.ListAsync(r =>
            {
                var dims = new List<KeyValuePair<string, string>>(dimNames.Count);
                for (var i = 0; i < dimNames.Count; i++)
                {
                    if (r.IsDBNull(i)) return null;
                    var v = r.GetValue(i);
                    Put(dims, dimNames[i], dimNames[i] == TraceMetricsSpec.TimeBucket ? BucketIso(Convert.ToDouble(v, CultureInfo.InvariantCulture))
                        : Convert.ToString(v, CultureInfo.InvariantCulture) ?? "");
                }
                var values = new List<KeyValuePair<string, double>>();
                for (var j = 0; j < q.Aggregations.Count; j++)
                {
                    var i = dimNames.Count + j;
                    if (!r.IsDBNull(i)) Put(values, q.Aggregations[j].Label, Convert.ToDouble(r.GetValue(i), CultureInfo.InvariantCulture));
                }
                return values.Count == 0 ? null : new MetricDataPoint(q.MetricName, dims, values);
            }, ct);
            return rows.Where(p => p is not null).Select(p => p!).ToList();
        }, ct);
    }

    /// <summary>A Python dict assignment: a repeated key (a dimension or aggregation asked for twice) keeps its place and takes the later value.</summary>
    private static void Put<T>(List<KeyValuePair<string, T>> pairs, string key, T value)
    {
        var i = pairs.FindIndex(p => p.Key == key);
        if (i >= 0) pairs[i] = new(key, value);
        else pairs.Add(new(key, value));
    }

    /// <summary>datetime.fromtimestamp(ms / 1000, tz=utc).isoformat().</summary>
    private static string BucketIso(double ms)
    {
        var whole = (long)Math.Floor(ms);
        var t = DateTimeOffset.UnixEpoch.AddMilliseconds(whole).UtcDateTime;
        var micros = (t.Ticks / 10) % 1_000_000;
        var text = t.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        return (micros == 0 ? text : text + "." + micros.ToString("D6", CultureInfo.InvariantCulture)) + "+00:00";
    }

    private static string? MetricsSql(DbCommand cmd, TraceMetricsQuery q, List<long> expIds, List<TraceMetricsFilter> filters, ISqlDialect dialect,
        out List<string> dimNames)
    {
        dimNames = [];
        var from = new StringBuilder("FROM trace_info t");
        var where = new List<string>();
        if (expIds.Count > 0) where.Add($"t.experiment_id IN ({cmd.InList("e", expIds)})");
        if (q.StartTimeMs is { } start) { where.Add("t.timestamp_ms >= @start"); cmd.P("@start", start); }
        if (q.EndTimeMs is { } end) { where.Add("t.timestamp_ms <= @end"); cmd.P("@end", end); }
        switch (q.ViewType)
        {
            case MetricViewType.Spans: from.Append(" JOIN spans s ON s.trace_id = t.request_id"); break;
            case MetricViewType.Assessments: from.Append(" JOIN assessments a ON a.trace_id = t.request_id"); break;
        }

        var n = 0;
        foreach (var f in filters)
        {
            var value = $"@f{n}";
            cmd.P(value, f.Value);
            var clause = (f.ViewType, f.Entity) switch
            {
                ("trace", "status") => $"t.status = {value}",
                ("trace", "tag") => $"EXISTS (SELECT 1 FROM trace_tags ft WHERE ft.request_id = t.request_id AND ft.key = @fk{n} AND ft.value = {value})",
                ("trace", "metadata") =>
                    $"EXISTS (SELECT 1 FROM trace_request_metadata fm WHERE fm.request_id = t.request_id AND fm.key = @fk{n} AND fm.value = {value})",
                ("span", "name") => $"s.name = {value}",
                ("span", "status") => $"s.status = {value}",
                ("span", "type") => $"s.type = {value}",
                ("assessment", "name") => $"a.name = {value}",
                _ => $"a.assessment_type = {value}",
            };
            if (f.Entity is "tag" or "metadata") cmd.P($"@fk{n}", f.Key);
            where.Add(clause);
            n++;
        }

        var metric = q.MetricName;
        if (q.ViewType == MetricViewType.Traces && TraceMetricsSpec.TokenUsageKeys.Contains(metric))
        {
            from.Append(" JOIN trace_metrics tm ON tm.request_id = t.request_id AND tm.key = @mk");
            cmd.P("@mk", metric);
        }
        else if (q.ViewType == MetricViewType.Spans && TraceMetricsSpec.CostKeys.Contains(metric))
        {
            from.Append(" JOIN span_metrics sm ON sm.trace_id = s.trace_id AND sm.span_id = s.span_id AND sm.key = @mk");
            cmd.P("@mk", metric);
        }
        var column = (q.ViewType, metric) switch
        {
            (MetricViewType.Traces, "trace_count") => "t.request_id",
            (MetricViewType.Traces, "latency") => "t.execution_time_ms",
            (MetricViewType.Traces, _) => "tm.value",
            (MetricViewType.Spans, "span_count") => "s.span_id",
            (MetricViewType.Spans, "latency") => "(s.end_time_unix_nano - s.start_time_unix_nano) / 1000000",
            (MetricViewType.Spans, _) => "sm.value",
            (_, "assessment_count") => "a.assessment_id",
            _ => "CASE WHEN a.value IN ('true', '\"yes\"') THEN 1.0 WHEN a.value IN ('false', '\"no\"') THEN 0.0 " +
                 "WHEN a.value = 'null' THEN NULL WHEN substr(a.value, 1, 1) IN ('\"', '[', '{') THEN NULL " +
                 $"ELSE CAST(a.value AS {dialect.FloatType}) END",
        };

        // Dimension expressions; constants are inlined so GROUP BY repeats the SELECT text exactly (PostgreSQL
        // does not treat two parameters as the same expression).
        var dims = new List<string>();
        if (q.TimeIntervalSeconds is { } interval and not 0)
        {
            var bucketMs = unchecked(interval * 1000).ToString(CultureInfo.InvariantCulture);
            dims.Add(q.ViewType switch
            {
                MetricViewType.Traces => $"(t.timestamp_ms / {bucketMs}) * {bucketMs}",
                MetricViewType.Spans => $"((s.start_time_unix_nano / 1000000) / {bucketMs}) * {bucketMs}",
                _ => $"(a.created_timestamp / {bucketMs}) * {bucketMs}",
            });
            dimNames.Add(TraceMetricsSpec.TimeBucket);
        }
        foreach (var d in q.Dimensions)
        {
            dims.Add(d switch
            {
                "trace_name" => "tn.value",
                "trace_status" => "t.status",
                "span_name" => "s.name",
                "span_type" => "s.type",
                "span_status" => "s.status",
                "span_model_name" => dialect.JsonMemberText("s.dimension_attributes", "mlflow.llm.model"),
                "span_model_provider" => dialect.JsonMemberText("s.dimension_attributes", "mlflow.llm.provider"),
                "assessment_name" => "a.name",
                _ => "a.value",
            });
            dimNames.Add(d);
        }
        if (q.Dimensions.Contains("trace_name"))
            from.Append(" JOIN trace_tags tn ON tn.request_id = t.request_id AND tn.key = 'mlflow.traceName'");

        var aggs = q.Aggregations.Select(a => Aggregate(a, column, dialect)).ToList();
        if (dims.Count == 0 && aggs.Count == 0) return null;
        var sql = new StringBuilder("SELECT ").AppendJoin(", ", dims.Concat(aggs)).Append(' ').Append(from);
        if (where.Count > 0) sql.Append(" WHERE ").AppendJoin(" AND ", where);
        if (dims.Count > 0) sql.Append(" GROUP BY ").AppendJoin(", ", dims).Append(" ORDER BY ").AppendJoin(", ", dims);
        sql.Append(" LIMIT @max");
        cmd.P("@max", q.MaxResults);
        return sql.ToString();
    }

    private static string Aggregate(MetricAggregation a, string column, ISqlDialect dialect) => dialect.AsDouble(a.Type switch
    {
        MetricAggregationType.Count => $"COUNT({column})",
        MetricAggregationType.Sum => $"SUM({column})",
        MetricAggregationType.Avg => $"AVG({column})",
        MetricAggregationType.Min => $"MIN({column})",
        MetricAggregationType.Max => $"MAX({column})",
        _ => dialect.Percentile(column, a.Percentile ?? 0),
    });
}
