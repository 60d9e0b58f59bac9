using Sharpflow.Core.Errors;
using Sharpflow.Store.Sql;

namespace Sharpflow.Store.Tracing;

/// <summary>
/// delete_traces: by ids, or by age (max_timestamp_millis) optionally capped to the oldest max_traces. Rows go in
/// chunks, each its own short transaction, so deleting a million traces (and their spans, tags, metadata and
/// assessments, removed by the foreign keys' ON DELETE CASCADE) never holds the database's write lock for long;
/// other writers get in between chunks.
/// </summary>
public sealed partial class TraceStore
{
    /// <summary>Traces per delete transaction: with ~10 spans each, a few thousand rows per commit.</summary>
    internal const int DeleteChunk = 500;

    public async Task<int> DeleteTracesAsync(string experimentId, long? maxTimestampMillis, long? maxTraces, IReadOnlyList<string> traceIds,
        CancellationToken ct)
    {
        // The abstract store's argument checks, in its order and words.
        if (maxTimestampMillis is null && traceIds.Count == 0)
            throw MlflowException.InvalidParameter("Either `max_timestamp_millis` or `trace_ids` must be specified.");
        if (maxTimestampMillis is not null and not 0 && traceIds.Count > 0)
            throw MlflowException.InvalidParameter("Only one of `max_timestamp_millis` and `trace_ids` can be specified.");
        if (traceIds.Count > 0 && maxTraces is not null)
            throw MlflowException.InvalidParameter("`max_traces` can't be specified if `trace_ids` is specified.");
        if (maxTraces is not null && maxTraces <= 0)
            throw MlflowException.InvalidParameter($"`max_traces` must be a positive integer, received {maxTraces}.");
        if (!long.TryParse(experimentId.Trim(), out var expId))
            throw MlflowException.InvalidParameter($"invalid literal for int() with base 10: {Core.Python.PythonRepr.Str(experimentId)}");

        var deleted = 0;
        if (traceIds.Count > 0)
        {
            // MLflow ignores a zero timestamp ("if max_timestamp_millis:"), so ids and 0 means the ids alone.
            foreach (var chunk in traceIds.Distinct(StringComparer.Ordinal).Chunk(DeleteChunk))
            {
                deleted += await Db.WriteAsync(async (c, tx) =>
                {
                    var cmd = c.Sql("", tx);
                    cmd.CommandText = $"DELETE FROM trace_info WHERE experiment_id = @e AND request_id IN ({cmd.InList("i", chunk)})";
                    return await cmd.P("@e", expId).ExecAsync(ct);
                }, ct);
            }
            return deleted;
        }

        // By age: the oldest first (MLflow orders max_traces by timestamp), chunk by chunk until none is left or the cap is met.
        // A zero timestamp means no age limit, as in MLflow.
        var timeFilter = maxTimestampMillis is null or 0 ? "" : " AND timestamp_ms <= @t";
        var remaining = maxTraces ?? long.MaxValue;
        while (remaining > 0)
        {
            var n = (int)Math.Min(DeleteChunk, remaining);
            var count = await Db.WriteAsync(async (c, tx) =>
            {
                var cmd = c.Sql("DELETE FROM trace_info WHERE request_id IN (SELECT request_id FROM trace_info " +
                                $"WHERE experiment_id = @e{timeFilter} ORDER BY timestamp_ms, request_id LIMIT @n)", tx)
                    .P("@e", expId).P("@n", n);
                if (timeFilter.Length > 0) cmd.P("@t", maxTimestampMillis);
                return await cmd.ExecAsync(ct);
            }, ct);
            deleted += count;
            remaining -= count;
            if (count < n) break;
        }
        return deleted;
    }
}
