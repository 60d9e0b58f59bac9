using System.Data.Common;
using System.Diagnostics;
using Sharpflow.Store.Sql;

namespace Sharpflow.Store.Maintenance;

/// <summary>
/// The deletions. Each child table is emptied chunk by chunk (one short transaction per chunk, rows never read into
/// memory), the parent row goes last, so an interrupted gc leaves a consistent database and a second gc finishes
/// the job. The rows removed are those MLflow's ORM cascades remove (a run's metrics, latest metrics, params, tags,
/// logged-model metrics; a logged model's metrics, params and tags; an experiment's runs, logged models, tags), plus
/// the links MLflow leaves orphaned (a run's dataset inputs and their tags, run/model input and output links) and an
/// experiment's traces, whose foreign key would otherwise make deleting the experiment fail as it does in MLflow.
/// </summary>
public sealed partial class GarbageCollector
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);
    private long _lastProgress = Stopwatch.GetTimestamp();

    private async Task<long> HardDeleteRunAsync(string runId, string label, int chunk, CancellationToken ct)
    {
        long rows = 0;
        foreach (var (table, column) in new[] { ("metrics", "run_uuid"), ("latest_metrics", "run_uuid"), ("params", "run_uuid"), ("tags", "run_uuid"), ("logged_model_metrics", "run_id") })
            rows += await DeleteChunkedAsync(table, $"{column} = @id", runId, chunk, label, rows, ct);
        rows += await db.WriteAsync(async (c, tx) =>
        {
            var n = await c.Sql("DELETE FROM input_tags WHERE input_uuid IN (SELECT input_uuid FROM inputs WHERE destination_type = 'RUN' AND destination_id = @id)", tx)
                .P("@id", runId).ExecAsync(ct);
            n += await c.Sql("DELETE FROM inputs WHERE (destination_type = 'RUN' AND destination_id = @id) " +
                             "OR (source_type IN ('RUN_OUTPUT', 'RUN_INPUT') AND source_id = @id)", tx).P("@id", runId).ExecAsync(ct);
            // issues.source_run_id is ON DELETE SET NULL, logged_model_metrics.run_id ON DELETE CASCADE (already empty).
            return n + await c.Sql("DELETE FROM runs WHERE run_uuid = @id", tx).P("@id", runId).ExecAsync(ct);
        }, ct);
        return rows;
    }

    private async Task<long> HardDeleteLoggedModelAsync(string modelId, string label, int chunk, CancellationToken ct)
    {
        long rows = 0;
        foreach (var table in new[] { "logged_model_metrics", "logged_model_params", "logged_model_tags" })
            rows += await DeleteChunkedAsync(table, "model_id = @id", modelId, chunk, label, rows, ct);
        rows += await db.WriteAsync(async (c, tx) =>
        {
            var n = await c.Sql("DELETE FROM inputs WHERE destination_type IN ('MODEL_OUTPUT', 'MODEL_INPUT') AND destination_id = @id", tx)
                .P("@id", modelId).ExecAsync(ct);
            return n + await c.Sql("DELETE FROM logged_models WHERE model_id = @id", tx).P("@id", modelId).ExecAsync(ct);
        }, ct);
        return rows;
    }

    private async Task<long> HardDeleteExperimentAsync(string experimentId, string label, int chunk, CancellationToken ct)
    {
        var id = long.Parse(experimentId, System.Globalization.CultureInfo.InvariantCulture);
        long rows = 0;
        // Runs and logged models still in the experiment (active ones too: MLflow's ORM cascade takes every run), a
        // page of ids at a time; their artifacts stay, as in MLflow, where only the collected runs' artifacts go.
        while (await PageAsync("SELECT run_uuid FROM runs WHERE experiment_id = @id", id, ct) is { Count: > 0 } runIds)
            foreach (var runId in runIds) rows += await HardDeleteRunAsync(runId, $"{label} run {runId}", chunk, ct);
        while (await PageAsync("SELECT model_id FROM logged_models WHERE experiment_id = @id", id, ct) is { Count: > 0 } modelIds)
            foreach (var modelId in modelIds) rows += await HardDeleteLoggedModelAsync(modelId, $"{label} logged model {modelId}", chunk, ct);
        // A trace's spans, tags, metadata, metrics and assessments go with it (ON DELETE CASCADE), so fewer traces per chunk.
        rows += await DeleteChunkedAsync("trace_info", "experiment_id = @id", id, Math.Max(1, chunk / 100), label, rows, ct);
        foreach (var table in new[] { "online_scoring_configs", "experiment_tags", "datasets" })
            rows += await DeleteChunkedAsync(table, "experiment_id = @id", id, chunk, label, rows, ct);
        // Scorers, issues and what is left of datasets cascade; gateway endpoints are detached (SET NULL).
        var gone = await db.WriteAsync(async (c, tx) =>
            await c.Sql("DELETE FROM experiments WHERE experiment_id = @id AND lifecycle_stage = 'deleted'", tx).P("@id", id).ExecAsync(ct), ct);
        if (gone == 0) throw Core.Errors.MlflowException.NotFound($"No Experiment with id={id} exists");
        return rows + gone;
    }

    /// <summary>MLflow's job cleanup: finalized jobs (SUCCEEDED, FAILED, TIMEOUT, CANCELED = 2..5), optionally by id and age.</summary>
    private async Task<List<string>> DeleteJobsAsync(long olderThanMs, IReadOnlyList<string>? jobIds, CancellationToken ct)
    {
        var threshold = Tracking.TrackingStore.NowMillis() - olderThanMs;
        var deleted = new List<string>();
        IEnumerable<string[]?> chunks = new string[]?[] { null }; // one pass without an id filter
        if (jobIds is { Count: > 0 }) chunks = jobIds.Chunk(500);
        foreach (var chunk in chunks)
        {
            var ids = await db.WriteAsync(async (c, tx) =>
            {
                var cmd = c.Sql("", tx);
                var where = "status IN (2, 3, 4, 5)" + (chunk is null ? "" : $" AND id IN ({cmd.InList("j", chunk)})") +
                            (olderThanMs > 0 ? " AND creation_time < @t" : "");
                cmd.CommandText = $"SELECT id FROM jobs WHERE {where}";
                if (olderThanMs > 0) cmd.P("@t", threshold);
                var found = await cmd.ListAsync(r => r.GetString(0), ct);
                foreach (var part in found.Chunk(500))
                {
                    var del = c.Sql("", tx);
                    del.CommandText = $"DELETE FROM jobs WHERE id IN ({del.InList("d", part)})";
                    await del.ExecAsync(ct);
                }
                return found;
            }, ct);
            deleted.AddRange(ids);
        }
        return deleted;
    }

    private Task<List<string>> PageAsync(string sql, long id, CancellationToken ct) =>
        db.ReadAsync(async c => await c.Sql(sql + " LIMIT 100").P("@id", id).ListAsync(r => r.GetString(0), ct), ct);

    /// <summary>Deletes every row of <paramref name="table"/> matching <paramref name="where"/> (bound to @id), one chunk per transaction.</summary>
    private async Task<long> DeleteChunkedAsync(string table, string where, object id, int chunk, string label, long before, CancellationToken ct)
    {
        var sql = db.Dialect.DeleteChunk(table, where, "@limit");
        long total = 0;
        while (true)
        {
            var n = await db.WriteAsync(async (c, tx) => await c.Sql(sql, tx).P("@id", id).P("@limit", chunk).ExecAsync(ct), ct);
            total += n;
            // Until a chunk finds nothing, not until one comes back short: on PostgreSQL a row updated meanwhile is
            // skipped by its old ctid, and the parent's DELETE would then fail on the foreign key.
            if (n == 0) return total;
            ReportProgress(label, before + total);
        }
    }

    private void ReportProgress(string label, long rows)
    {
        var now = Stopwatch.GetTimestamp();
        if (Stopwatch.GetElapsedTime(_lastProgress, now) < ProgressInterval) return;
        _lastProgress = now;
        progress.WriteLine($"gc: {label}: {rows:N0} rows deleted so far");
    }
}
