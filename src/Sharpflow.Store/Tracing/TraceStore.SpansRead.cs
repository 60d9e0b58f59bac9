using Sharpflow.Store.Sql;

namespace Sharpflow.Store.Tracing;

public sealed partial class TraceStore
{
    /// <summary>
    /// The stored span documents of the given traces, per trace in MLflow's order: root spans first, then by start
    /// time (span id breaks ties, the order SQLite's primary-key index gives MLflow). One query.
    /// </summary>
    public Task<Dictionary<string, List<string>>> LoadSpanContentsAsync(IReadOnlyList<string> traceIds, CancellationToken ct) =>
        Db.ReadAsync(async c =>
        {
            var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            var ids = traceIds.Distinct(StringComparer.Ordinal).ToList();
            if (ids.Count == 0) return result;
            var cmd = c.Sql("");
            cmd.CommandText = $"SELECT trace_id, content FROM spans WHERE trace_id IN ({cmd.InList("t", ids)}) " +
                              "ORDER BY trace_id, CASE WHEN parent_span_id IS NULL THEN 0 ELSE 1 END, start_time_unix_nano, span_id";
            await using (cmd)
            {
                await using var r = await cmd.ExecuteReaderAsync(ct);
                List<string>? current = null;
                string? currentId = null;
                while (await r.ReadAsync(ct))
                {
                    var id = r.GetString(0);
                    if (id != currentId)
                    {
                        currentId = id;
                        if (!result.TryGetValue(id, out current)) result[id] = current = [];
                    }
                    current!.Add(r.GetString(1));
                }
            }
            return result;
        }, ct);
}
