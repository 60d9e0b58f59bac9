using Sharpflow.Core.Python;
using System.Data.Common;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sharpflow.Core.Entities;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Validation;
using Sharpflow.Store.Sql;

namespace Sharpflow.Store.Tracking;

public sealed partial class TrackingStore
{
    // SQL has no infinities: MLflow stores ±Inf as ±double.MaxValue and NaN as 0 with is_nan set.
    private static (bool IsNan, double Value) Sanitize(double v) =>
        double.IsNaN(v) ? (true, 0d) : double.IsPositiveInfinity(v) ? (false, double.MaxValue)
        : double.IsNegativeInfinity(v) ? (false, double.MinValue) : (false, v);

    public async Task LogParamAsync(string runId, string key, string? value, CancellationToken ct = default)
    {
        var param = TrackingValidation.Param(key, value);
        await Db.WriteAsync(async (c, tx) =>
        {
            await GetActiveRunAsync(c, tx, runId, ct);
            var existing = await c.Sql("SELECT value FROM params WHERE run_uuid = @id AND key = @k", tx)
                .P("@id", runId).P("@k", param.Key).ListAsync(r => r.Str(0), ct);
            if (existing.Count > 0)
            {
                if (existing[0] != param.Value)
                    throw MlflowException.InvalidParameter(
                        $"Changing param values is not allowed. Param with key='{param.Key}' was already logged with value='{existing[0]}' " +
                        $"for run ID='{runId}'. Attempted logging new value '{param.Value}'.");
                return;
            }
            await c.Sql("INSERT INTO params (key, value, run_uuid) VALUES (@k, @v, @id)", tx)
                .P("@k", param.Key).P("@v", param.Value ?? "").P("@id", runId).ExecAsync(ct);
        }, ct);
    }

    public async Task SetTagAsync(string runId, string key, string? value, CancellationToken ct = default)
    {
        var tag = TrackingValidation.RunTag(key, value);
        await Db.WriteAsync(async (c, tx) =>
        {
            await GetActiveRunAsync(c, tx, runId, ct);
            await UpsertTagsAsync(c, tx, runId, [tag], ct);
        }, ct);
    }

    public Task DeleteTagAsync(string runId, string key, CancellationToken ct = default) =>
        Db.WriteAsync(async (c, tx) =>
        {
            await GetActiveRunAsync(c, tx, runId, ct);
            var n = await c.Sql("DELETE FROM tags WHERE run_uuid = @id AND key = @k", tx).P("@id", runId).P("@k", key).ExecAsync(ct);
            if (n == 0) throw MlflowException.NotFound($"No tag with name: {key} in run with id {runId}");
        }, ct);

    /// <summary>One multi-row upsert; mlflow.runName also renames the run, as MLflow's set_tag does.</summary>
    private async Task UpsertTagsAsync(DbConnection c, DbTransaction tx, string runId, IReadOnlyList<KeyValue> tags, CancellationToken ct,
        StatementBuffer? buffer = null)
    {
        if (tags.Count == 0) return;
        var deduped = DedupeLast(tags.ToList());
        await using (var insert = new RowInserter(c, tx, Db.Dialect.RowsPerInsert, "INSERT INTO tags (key, value, run_uuid)", 3,
                         " ON CONFLICT (key, run_uuid) DO UPDATE SET value = excluded.value", buffer))
        {
            await insert.InsertAsync(deduped.Count, (i, row) =>
            {
                row[0] = deduped[i].Key;
                row[1] = deduped[i].Value;
                row[2] = runId;
            }, ct);
        }
        var runName = deduped.LastOrDefault(t => t.Key == MlflowTags.RunName);
        if (runName is not null && buffer is not null)
            buffer.Add($"UPDATE runs SET name = {buffer.Bind(runName.Value)} WHERE run_uuid = {buffer.Bind(runId)}");
        else if (runName is not null)
            await c.Sql("UPDATE runs SET name = @n WHERE run_uuid = @id", tx).P("@n", runName.Value).P("@id", runId).ExecAsync(ct);
    }

    public Task LogMetricAsync(string runId, Metric metric, CancellationToken ct = default)
    {
        TrackingValidation.Metric(metric);
        return Db.WriteAsync(async (c, tx) =>
        {
            var run = await GetActiveRunAsync(c, tx, runId, ct);
            await InsertMetricsAsync(c, tx, runId, [metric], ct);
            // Issue 4: a metric naming a model_id is also linked to that logged model (TrackingStore.LoggedModels.cs).
            await InsertLoggedModelMetricsAsync(c, tx, Db.Dialect.RowsPerInsert, runId, long.Parse(run.ExperimentId), [metric], ct);
        }, ct);
    }

    /// <summary>log-batch: validated up front, then params, metrics and tags in one transaction (all or nothing).</summary>
    public async Task LogBatchAsync(string runId, IReadOnlyList<Metric> metrics, IReadOnlyList<KeyValue> parameters,
        IReadOnlyList<KeyValue> tags, CancellationToken ct = default)
    {
        TrackingValidation.RunId(runId);
        for (var i = 0; i < metrics.Count; i++) TrackingValidation.Metric(metrics[i], $"metrics[{i}]");
        var validParams = parameters.Select((p, i) => TrackingValidation.Param(p.Key, p.Value, $"params[{i}]")).ToList();
        var validTags = tags.Select((t, i) => TrackingValidation.RunTag(t.Key, t.Value, $"tags[{i}]")).ToList();
        TrackingValidation.BatchLogLimits(metrics.Count, validParams.Count, validTags.Count);
        TrackingValidation.ParamKeysUnique(validParams);

        await Db.WriteAsync(async (c, tx) =>
        {
            // On PostgreSQL the writes below go out together after the reads (see StatementBuffer).
            await using var buffer = Db.Dialect.PipelinesStatements ? new StatementBuffer(c, tx) : null;
            var run = await GetActiveRunAsync(c, tx, runId, ct);
            await InsertParamsAsync(c, tx, runId, validParams, ct, buffer);
            await InsertMetricsAsync(c, tx, runId, metrics, ct, buffer);
            // Issue 4: metrics naming a model_id are also linked to that logged model (TrackingStore.LoggedModels.cs).
            await InsertLoggedModelMetricsAsync(c, tx, Db.Dialect.RowsPerInsert, runId, long.Parse(run.ExperimentId), metrics, ct, buffer);
            await UpsertTagsAsync(c, tx, runId, validTags, ct, buffer);
            if (buffer is not null) await buffer.FlushAsync(ct);
        }, ct);
    }

    private async Task InsertParamsAsync(DbConnection c, DbTransaction tx, string runId, List<KeyValue> parameters, CancellationToken ct,
        StatementBuffer? buffer = null)
    {
        if (parameters.Count == 0) return;
        var lookup = c.Sql("", tx);
        var keys = lookup.InList("k", parameters.Select(p => p.Key).ToList());
        lookup.CommandText = $"SELECT key, value FROM params WHERE run_uuid = @run AND key IN ({keys})";
        lookup.P("@run", runId);
        var existing = (await lookup.ListAsync(r => (r.GetString(0), r.Str(1)), ct)).ToDictionary(x => x.Item1, x => x.Item2);
        var conflicts = parameters.Where(p => existing.TryGetValue(p.Key, out var old) && old != p.Value).ToList();
        if (conflicts.Count > 0)
        {
            var repr = "[" + string.Join(", ", conflicts.Select(p =>
                $"{{'key': {PythonRepr.Str(p.Key)}, 'old_value': {PythonRepr.Str(existing[p.Key] ?? "")}, 'new_value': {PythonRepr.Str(p.Value ?? "")}}}")) + "]";
            throw MlflowException.InvalidParameter($"Changing param values is not allowed. Params were already logged='{repr}' for run ID='{runId}'.");
        }
        var fresh = parameters.Where(p => !existing.ContainsKey(p.Key)).ToList();
        if (fresh.Count == 0) return;
        await using var insert = new RowInserter(c, tx, Db.Dialect.RowsPerInsert, "INSERT INTO params (key, value, run_uuid)", 3, "", buffer);
        await insert.InsertAsync(fresh.Count, (i, row) =>
        {
            row[0] = fresh[i].Key;
            row[1] = fresh[i].Value ?? "";
            row[2] = runId;
        }, ct);
    }

    /// <summary>
    /// Appends history rows (exact duplicates ignored, as MLflow's primary key makes them) and moves
    /// latest_metrics forward where a point is newer by (step, timestamp, value).
    /// </summary>
    private async Task InsertMetricsAsync(DbConnection c, DbTransaction tx, string runId, IReadOnlyList<Metric> metrics, CancellationToken ct,
        StatementBuffer? buffer = null)
    {
        if (metrics.Count == 0) return;
        var rows = metrics.Select(m => (m.Key, San: Sanitize(m.Value), m.Timestamp, m.Step)).ToList();
        await using (var insert = new RowInserter(c, tx, Db.Dialect.RowsPerInsert,
                         "INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan)", 6, " ON CONFLICT DO NOTHING", buffer))
        {
            await insert.InsertAsync(rows.Count, (i, row) =>
            {
                row[0] = rows[i].Key;
                row[1] = rows[i].San.Value;
                row[2] = rows[i].Timestamp;
                row[3] = runId;
                row[4] = rows[i].Step;
                row[5] = rows[i].San.IsNan;
            }, ct);
        }

        // Newest point per key within this batch, keys in first-seen order.
        var latest = new List<(string Key, (bool IsNan, double Value) San, long Timestamp, long Step)>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (!index.TryGetValue(row.Key, out var i))
            {
                index[row.Key] = latest.Count;
                latest.Add(row);
            }
            else if (IsNewer(row.Step, row.Timestamp, row.San.Value, latest[i].Step, latest[i].Timestamp, latest[i].San.Value)) latest[i] = row;
        }
        await using (var upsert = new RowInserter(c, tx, Db.Dialect.RowsPerInsert,
                         "INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid)", 6,
                         " ON CONFLICT (key, run_uuid) DO UPDATE SET value = excluded.value, timestamp = excluded.timestamp, " +
                         "step = excluded.step, is_nan = excluded.is_nan " +
                         "WHERE excluded.step > latest_metrics.step OR (excluded.step = latest_metrics.step AND " +
                         "(excluded.timestamp > latest_metrics.timestamp OR (excluded.timestamp = latest_metrics.timestamp AND excluded.value > latest_metrics.value)))", buffer))
        {
            await upsert.InsertAsync(latest.Count, (i, row) =>
            {
                row[0] = latest[i].Key;
                row[1] = latest[i].San.Value;
                row[2] = latest[i].Timestamp;
                row[3] = latest[i].Step;
                row[4] = latest[i].San.IsNan;
                row[5] = runId;
            }, ct);
        }
    }

    private static bool IsNewer(long step, long ts, double value, long oStep, long oTs, double oValue) =>
        step != oStep ? step > oStep : ts != oTs ? ts > oTs : value > oValue;

    public async Task LogInputsAsync(string runId, IReadOnlyList<DatasetInput> datasets, IReadOnlyList<ModelInput> models, CancellationToken ct = default)
    {
        TrackingValidation.RunId(runId);
        TrackingValidation.DatasetInputs(datasets);
        await Db.WriteAsync(async (c, tx) =>
        {
            var run = await GetActiveRunAsync(c, tx, runId, ct);
            var experimentId = long.Parse(run.ExperimentId);
            var unique = new List<DatasetInput>();
            foreach (var d in datasets)
                if (!unique.Any(u => u.Dataset.Name == d.Dataset.Name && u.Dataset.Digest == d.Dataset.Digest)) unique.Add(d);
            foreach (var input in unique)
            {
                var ds = input.Dataset;
                var uuid = (string?)await c.Sql("SELECT dataset_uuid FROM datasets WHERE experiment_id = @e AND name = @n AND digest = @d", tx)
                    .P("@e", experimentId).P("@n", ds.Name).P("@d", ds.Digest).ScalarAsync(ct);
                if (uuid is null)
                {
                    uuid = Guid.NewGuid().ToString("N");
                    await c.Sql("INSERT INTO datasets (dataset_uuid, experiment_id, name, digest, dataset_source_type, dataset_source, dataset_schema, dataset_profile) " +
                                "VALUES (@u, @e, @n, @d, @st, @s, @sc, @p)", tx)
                        .P("@u", uuid).P("@e", experimentId).P("@n", ds.Name).P("@d", ds.Digest).P("@st", ds.SourceType)
                        .P("@s", ds.Source).P("@sc", ds.Schema).P("@p", ds.Profile).ExecAsync(ct);
                }
                var exists = await c.Sql("SELECT COUNT(*) FROM inputs WHERE source_type = 'DATASET' AND source_id = @u AND destination_type = 'RUN' AND destination_id = @r", tx)
                    .P("@u", uuid).P("@r", runId).ScalarAsync(ct);
                if (Convert.ToInt64(exists) > 0) continue;
                var inputUuid = Guid.NewGuid().ToString("N");
                await c.Sql("INSERT INTO inputs (input_uuid, source_type, source_id, destination_type, destination_id, step) VALUES (@i, 'DATASET', @u, 'RUN', @r, 0)", tx)
                    .P("@i", inputUuid).P("@u", uuid).P("@r", runId).ExecAsync(ct);
                foreach (var tag in input.Tags)
                    await c.Sql("INSERT INTO input_tags (input_uuid, name, value) VALUES (@i, @n, @v) ON CONFLICT DO NOTHING", tx)
                        .P("@i", inputUuid).P("@n", tag.Key).P("@v", tag.Value).ExecAsync(ct);
            }
            foreach (var model in models)
                await c.Sql("INSERT INTO inputs (input_uuid, source_type, source_id, destination_type, destination_id, step) " +
                            "VALUES (@i, 'RUN_INPUT', @r, 'MODEL_INPUT', @m, 0) ON CONFLICT DO NOTHING", tx)
                    .P("@i", Guid.NewGuid().ToString("N")).P("@r", runId).P("@m", model.ModelId).ExecAsync(ct);
        }, ct);
    }

    public Task LogOutputsAsync(string runId, IReadOnlyList<ModelOutput> models, CancellationToken ct = default) =>
        Db.WriteAsync(async (c, tx) =>
        {
            await GetActiveRunAsync(c, tx, runId, ct);
            foreach (var model in models)
                await c.Sql("INSERT INTO inputs (input_uuid, source_type, source_id, destination_type, destination_id, step) " +
                            "VALUES (@i, 'RUN_OUTPUT', @r, 'MODEL_OUTPUT', @m, @s) ON CONFLICT DO NOTHING", tx)
                    .P("@i", Guid.NewGuid().ToString("N")).P("@r", runId).P("@m", model.ModelId).P("@s", model.Step).ExecAsync(ct);
        }, ct);

    /// <summary>Appends the model's tag dictionary to the run's mlflow.log-model.history tag.</summary>
    public Task RecordLoggedModelAsync(string runId, JsonObject modelDict, CancellationToken ct = default) =>
        Db.WriteAsync(async (c, tx) =>
        {
            await GetActiveRunAsync(c, tx, runId, ct);
            var previous = (string?)await c.Sql("SELECT value FROM tags WHERE run_uuid = @r AND key = @k", tx)
                .P("@r", runId).P("@k", MlflowTags.LoggedModels).ScalarAsync(ct);
            var list = previous is null ? new JsonArray() : JsonNode.Parse(previous) as JsonArray ?? new JsonArray();
            list.Add(modelDict.DeepClone());
            var value = JsonRepr.Dumps(list);
            TrackingValidation.RunTag(MlflowTags.LoggedModels, value);
            await UpsertTagsAsync(c, tx, runId, [new KeyValue(MlflowTags.LoggedModels, value)], ct);
        }, ct);
}
