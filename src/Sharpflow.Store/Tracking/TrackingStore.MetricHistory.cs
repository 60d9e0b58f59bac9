using Sharpflow.Core.Python;
using Sharpflow.Core.Entities;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Search;
using Sharpflow.Store.Sql;

namespace Sharpflow.Store.Tracking;

public sealed partial class TrackingStore
{
    private const string MetricSelect = "SELECT m.key, m.value, m.timestamp, m.step, m.is_nan";

    /// <summary>A page of one metric's history, ordered as MLflow orders it (timestamp, step, value).</summary>
    public Task<Page<Metric>> GetMetricHistoryAsync(string runId, string metricKey, int? maxResults, long offset, CancellationToken ct = default) =>
        Db.ReadAsync(async c =>
        {
            // MLflow answers an empty history (not 404) for an unknown run.
            var cmd = c.Sql($"{MetricSelect} FROM metrics m WHERE m.run_uuid = @r AND m.key = @k ORDER BY m.timestamp, m.step, m.value" +
                            (maxResults is null ? " LIMIT -1 OFFSET @o".Replace("LIMIT -1", Db.Dialect.Kind == DbKind.Sqlite ? "LIMIT -1" : "LIMIT ALL") : " LIMIT @l OFFSET @o"))
                .P("@r", runId).P("@k", metricKey).P("@o", offset);
            if (maxResults is not null) cmd.P("@l", maxResults.Value + 1);
            var rows = await cmd.ListAsync(r => ReadMetric(r, 0), ct);
            string? token = null;
            if (maxResults is not null && rows.Count == maxResults + 1)
            {
                rows.RemoveAt(rows.Count - 1);
                token = PageToken.Encode(offset + maxResults.Value);
            }
            return new Page<Metric>(rows, token);
        }, ct);

    /// <summary>The UI's bulk history: all points of one key for several runs, ordered by run then time.</summary>
    public Task<List<Metric>> GetMetricHistoryBulkAsync(IReadOnlyList<string> runIds, string metricKey, int maxResults, CancellationToken ct = default) =>
        Db.ReadAsync(async c =>
        {
            var cmd = c.Sql("");
            var ids = cmd.InList("r", runIds);
            cmd.CommandText = $"{MetricSelect}, m.run_uuid FROM metrics m WHERE m.key = @k AND m.run_uuid IN ({ids}) " +
                              "ORDER BY m.run_uuid, m.timestamp, m.step, m.value LIMIT @l";
            cmd.P("@k", metricKey).P("@l", maxResults);
            return await cmd.ListAsync(r => ReadMetric(r, 0) with { RunId = r.GetString(5) }, ct);
        }, ct);

    /// <summary>
    /// Downsampled history across runs: every run's first and last step, plus evenly spaced steps of the
    /// distinct steps in range, all chosen in SQL so no run's whole history is loaded.
    /// </summary>
    public Task<List<Metric>> GetMetricHistoryBulkIntervalAsync(IReadOnlyList<string> runIds, string metricKey, int maxResults,
        long? startStep, long? endStep, CancellationToken ct = default) =>
        Db.ReadAsync(async c =>
        {
            foreach (var id in runIds) await GetRunInfoAsync(c, null, id, ct);
            var cmd = c.Sql("");
            var ids = cmd.InList("r", runIds);
            cmd.CommandText = $"SELECT DISTINCT m.step FROM metrics m WHERE m.key = @k AND m.run_uuid IN ({ids}) ORDER BY m.step";
            cmd.P("@k", metricKey);
            var allSteps = await cmd.ListAsync(r => Convert.ToInt64(r.GetValue(0)), ct);
            if (allSteps.Count == 0) return new List<Metric>();

            cmd = c.Sql("");
            ids = cmd.InList("r", runIds);
            cmd.CommandText = $"SELECT MIN(m.step), MAX(m.step) FROM metrics m WHERE m.key = @k AND m.run_uuid IN ({ids}) GROUP BY m.run_uuid";
            cmd.P("@k", metricKey);
            var minMax = await cmd.ListAsync(r => (Convert.ToInt64(r.GetValue(0)), Convert.ToInt64(r.GetValue(1))), ct);

            long start = startStep ?? 0, end = endStep ?? allSteps[^1];
            if (startStep is null && endStep is null) { start = 0; end = allSteps[^1]; }
            var bounds = new HashSet<long>();
            foreach (var (mn, mx) in minMax)
            {
                if (mn >= start && mn <= end) bounds.Add(mn);
                if (mx >= start && mx <= end) bounds.Add(mx);
            }
            var startIdx = LowerBound(allSteps, start);
            var endIdx = UpperBound(allSteps, end);
            var sampled = new HashSet<long>();
            if (endIdx - startIdx <= maxResults)
            {
                for (var i = startIdx; i < endIdx; i++) sampled.Add(allSteps[i]);
            }
            else
            {
                var num = endIdx - startIdx;
                var interval = (double)num / maxResults;
                for (var i = 0; i < maxResults; i++)
                {
                    var idx = startIdx + (int)(i * interval);
                    if (idx < endIdx) sampled.Add(allSteps[idx]);
                }
                sampled.Add(allSteps[endIdx - 1]);
            }
            sampled.UnionWith(bounds);
            var steps = sampled.OrderBy(s => s).ToList();
            var result = new List<Metric>();
            if (steps.Count == 0) return result;
            foreach (var runId in runIds)
            {
                foreach (var stepChunk in steps.Chunk(900))
                {
                    var q = c.Sql("");
                    var stepList = q.InList("s", stepChunk);
                    q.CommandText = $"{MetricSelect} FROM metrics m WHERE m.key = @k AND m.run_uuid = @run AND m.step IN ({stepList}) " +
                                    "ORDER BY m.step, m.timestamp, m.value LIMIT @l";
                    q.P("@k", metricKey).P("@run", runId).P("@l", MaxResultsGetMetricHistory);
                    result.AddRange(await q.ListAsync(r => ReadMetric(r, 0) with { RunId = runId }, ct));
                }
            }
            return result;
        }, ct);

    private const int MaxResultsGetMetricHistory = 25000;

    private static int LowerBound(List<long> list, long value)
    {
        int lo = 0, hi = list.Count;
        while (lo < hi) { var mid = (lo + hi) / 2; if (list[mid] < value) lo = mid + 1; else hi = mid; }
        return lo;
    }

    private static int UpperBound(List<long> list, long value)
    {
        int lo = 0, hi = list.Count;
        while (lo < hi) { var mid = (lo + hi) / 2; if (list[mid] <= value) lo = mid + 1; else hi = mid; }
        return lo;
    }

    public Task<List<DatasetSummary>> SearchDatasetsAsync(IReadOnlyList<string> experimentIds, CancellationToken ct = default) =>
        Db.ReadAsync(async c =>
        {
            var ids = experimentIds.Select(e => long.TryParse(e, out var v) ? v : throw MlflowException.InvalidParameter(
                $"invalid literal for int() with base 10: {PythonRepr.Str(e)}")).ToList();
            if (ids.Count == 0) return new List<DatasetSummary>();
            var cmd = c.Sql("");
            var list = cmd.InList("e", ids);
            cmd.CommandText = "SELECT DISTINCT d.experiment_id, d.name, d.digest, it.value FROM datasets d " +
                              "JOIN inputs i ON i.source_id = d.dataset_uuid " +
                              "LEFT JOIN input_tags it ON i.input_uuid = it.input_uuid AND it.name = 'mlflow.data.context' " +
                              $"WHERE d.experiment_id IN ({list}) LIMIT 1000";
            return await cmd.ListAsync(r => new DatasetSummary(Convert.ToInt64(r.GetValue(0)).ToString(), r.GetString(1), r.GetString(2), r.Str(3)), ct);
        }, ct);
}
