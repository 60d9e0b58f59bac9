using System.Data.Common;
using System.Text;
using System.Text.Json.Nodes;
using Sharpflow.Core.Entities;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Python;
using Sharpflow.Core.Validation;
using Sharpflow.Store.Sql;

namespace Sharpflow.Store.Tracking;

/// <summary>
/// MLflow 3's logged models (logged_models and its tags, params and metrics tables), which MLflow keeps in the
/// tracking store. Artifacts live under &lt;experiment artifact root&gt;/models/&lt;model_id&gt;/artifacts.
/// </summary>
public sealed partial class TrackingStore
{
    private const string LoggedModelColumns =
        "m.model_id, m.experiment_id, m.name, m.artifact_location, m.creation_timestamp_ms, m.last_updated_timestamp_ms, m.status, " +
        "m.lifecycle_stage, m.model_type, m.source_run_id, m.status_message";

    private static LoggedModel ReadLoggedModel(DbDataReader r) => new(
        r.GetString(0), Convert.ToInt64(r.GetValue(1)).ToString(), r.GetString(2), r.GetString(3), r.Long(4) ?? 0, r.Long(5) ?? 0,
        (LoggedModelStatus)Convert.ToInt32(r.GetValue(6)), r.Str(7), r.Str(8), r.Str(9), r.Str(10), [], [], []);

    private static MlflowException LoggedModelNotFound(string modelId) => MlflowException.NotFound($"Logged model with ID '{modelId}' not found.");

    // MLflow lets the IntegrityError of a repeated key surface through its session wrapper as BAD_REQUEST.
    private static MlflowException DuplicateKey(string table, string column) =>
        new(ErrorCode.BAD_REQUEST, $"UNIQUE constraint failed: {table}.model_id, {table}.{column}");

    public async Task<LoggedModel> CreateLoggedModelAsync(string? experimentId, string? name, string? modelType, string? sourceRunId,
        IReadOnlyList<KeyValue> parameters, IReadOnlyList<KeyValue> tags, CancellationToken ct = default)
    {
        RegistryValidation.LoggedModelName(name);
        var modelId = "m-" + Guid.NewGuid().ToString("N");
        var finalName = name ?? RunNames.Generate();
        try
        {
            return await Db.WriteAsync(async (c, tx) =>
            {
                var exp = await GetExperimentAsync(c, tx, experimentId, ViewType.ALL, ct);
                CheckExperimentActive(exp);
                var expId = long.Parse(exp.ExperimentId);
                var location = AppendToUri(exp.ArtifactLocation ?? "", "models", modelId, "artifacts");
                var now = NowMillis();
                await c.Sql("INSERT INTO logged_models (model_id, experiment_id, name, artifact_location, creation_timestamp_ms, last_updated_timestamp_ms, " +
                            "status, lifecycle_stage, model_type, source_run_id, status_message) VALUES (@id, @e, @n, @a, @t, @t, 1, 'active', @mt, @r, NULL)", tx)
                    .P("@id", modelId).P("@e", expId).P("@n", finalName).P("@a", location).P("@t", now).P("@mt", modelType).P("@r", sourceRunId)
                    .ExecAsync(ct);
                await InsertModelKeyValuesAsync(c, tx, "logged_model_params", "param_key", "param_value", modelId, expId, parameters, upsert: false, ct);
                await InsertModelKeyValuesAsync(c, tx, "logged_model_tags", "tag_key", "tag_value", modelId, expId, tags, upsert: false, ct);
                return new LoggedModel(modelId, exp.ExperimentId, finalName, location, now, now, LoggedModelStatus.LOGGED_MODEL_PENDING,
                    LifecycleStage.Active, modelType, sourceRunId, null, tags, parameters, []);
            }, ct);
        }
        catch (DbException e) when (Db.Dialect.IsUniqueViolation(e))
        {
            throw e.Message.Contains("param", StringComparison.OrdinalIgnoreCase)
                ? DuplicateKey("logged_model_params", "param_key") : DuplicateKey("logged_model_tags", "tag_key");
        }
    }

    private static async Task InsertModelKeyValuesAsync(DbConnection c, DbTransaction tx, string table, string keyColumn, string valueColumn,
        string modelId, long experimentId, IReadOnlyList<KeyValue> items, bool upsert, CancellationToken ct)
    {
        if (items.Count == 0) return;
        // session.merge writes tags one at a time, so the last value of a repeated key wins.
        var rows = upsert ? DedupeLast(items.ToList()) : items;
        var cmd = c.Sql("", tx);
        var sb = new StringBuilder($"INSERT INTO {table} (model_id, experiment_id, {keyColumn}, {valueColumn}) VALUES ");
        for (var i = 0; i < rows.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append($"(@m, @e, @k{i}, @v{i})");
            cmd.P($"@k{i}", rows[i].Key).P($"@v{i}", rows[i].Value ?? "");
        }
        if (upsert) sb.Append($" ON CONFLICT (model_id, {keyColumn}) DO UPDATE SET {valueColumn} = excluded.{valueColumn}");
        cmd.CommandText = sb.ToString();
        cmd.P("@m", modelId).P("@e", experimentId);
        await cmd.ExecAsync(ct);
    }

    /// <summary>The model row (deleted ones included, as MLflow's _get_logged_model_record); 404 when there is none.</summary>
    private static async Task<LoggedModel> GetLoggedModelRowAsync(DbConnection c, DbTransaction? tx, string modelId, bool allowDeleted, CancellationToken ct)
    {
        var rows = await c.Sql($"SELECT {LoggedModelColumns} FROM logged_models m WHERE m.model_id = @id" +
                               (allowDeleted ? "" : " AND (m.lifecycle_stage IS NULL OR m.lifecycle_stage <> 'deleted')"), tx)
            .P("@id", modelId).ListAsync(ReadLoggedModel, ct);
        return rows.Count == 0 ? throw LoggedModelNotFound(modelId) : rows[0];
    }

    public Task<LoggedModel> GetLoggedModelAsync(string modelId, bool allowDeleted = false, CancellationToken ct = default) =>
        Db.ReadAsync(async c => (await LoadLoggedModelDataAsync(c, null, [await GetLoggedModelRowAsync(c, null, modelId, allowDeleted, ct)], ct))[0], ct);

    public Task DeleteLoggedModelAsync(string modelId, CancellationToken ct = default) =>
        Db.WriteAsync(async (c, tx) =>
        {
            await GetLoggedModelRowAsync(c, tx, modelId, allowDeleted: true, ct);
            await c.Sql("UPDATE logged_models SET lifecycle_stage = 'deleted', last_updated_timestamp_ms = @t WHERE model_id = @id", tx)
                .P("@t", NowMillis()).P("@id", modelId).ExecAsync(ct);
        }, ct);

    public Task<LoggedModel> FinalizeLoggedModelAsync(string modelId, LoggedModelStatus status, CancellationToken ct = default) =>
        Db.WriteAsync(async (c, tx) =>
        {
            var model = await GetLoggedModelRowAsync(c, tx, modelId, allowDeleted: true, ct);
            var now = NowMillis();
            await c.Sql("UPDATE logged_models SET status = @s, last_updated_timestamp_ms = @t WHERE model_id = @id", tx)
                .P("@s", (int)status).P("@t", now).P("@id", modelId).ExecAsync(ct);
            return (await LoadLoggedModelDataAsync(c, tx, [model with { Status = status, LastUpdatedTimestamp = now }], ct))[0];
        }, ct);

    public Task SetLoggedModelTagsAsync(string modelId, IReadOnlyList<KeyValue> tags, CancellationToken ct = default) =>
        Db.WriteAsync(async (c, tx) =>
        {
            var model = await GetLoggedModelRowAsync(c, tx, modelId, allowDeleted: true, ct);
            await InsertModelKeyValuesAsync(c, tx, "logged_model_tags", "tag_key", "tag_value", modelId, long.Parse(model.ExperimentId), tags, upsert: true, ct);
        }, ct);

    public Task DeleteLoggedModelTagAsync(string modelId, string key, CancellationToken ct = default) =>
        Db.WriteAsync(async (c, tx) =>
        {
            await GetLoggedModelRowAsync(c, tx, modelId, allowDeleted: true, ct);
            var n = await c.Sql("DELETE FROM logged_model_tags WHERE model_id = @id AND tag_key = @k", tx).P("@id", modelId).P("@k", key).ExecAsync(ct);
            if (n == 0)
                throw MlflowException.NotFound($"No tag with key {PythonRepr.Str(key)} found for model with ID {PythonRepr.Str(modelId)}.");
        }, ct);

    public async Task LogLoggedModelParamsAsync(string modelId, IReadOnlyList<KeyValue> parameters, CancellationToken ct = default)
    {
        try
        {
            await Db.WriteAsync(async (c, tx) =>
            {
                var model = await GetLoggedModelRowAsync(c, tx, modelId, allowDeleted: true, ct);
                await InsertModelKeyValuesAsync(c, tx, "logged_model_params", "param_key", "param_value", modelId, long.Parse(model.ExperimentId),
                    parameters, upsert: false, ct);
            }, ct);
        }
        catch (DbException e) when (Db.Dialect.IsUniqueViolation(e))
        {
            throw DuplicateKey("logged_model_params", "param_key");
        }
    }

    /// <summary>
    /// Records on the logged model which registry versions were made from it (the mlflow.modelVersions tag, a JSON list
    /// of {"name", "version"} that MLflow's create-model-version handler appends to).
    /// </summary>
    public Task SetModelVersionsTagAsync(string modelId, string name, long version, CancellationToken ct = default) =>
        Db.WriteAsync(async (c, tx) =>
        {
            var model = await GetLoggedModelRowAsync(c, tx, modelId, allowDeleted: false, ct);
            var existing = (string?)await c.Sql("SELECT tag_value FROM logged_model_tags WHERE model_id = @id AND tag_key = @k", tx)
                .P("@id", modelId).P("@k", RegistryTags.ModelVersions).ScalarAsync(ct);
            var entry = new JsonObject { ["name"] = name, ["version"] = version };
            // As MLflow: appended when new; when already listed, the tag is rewritten to hold this entry alone.
            var list = new JsonArray(entry);
            if (!string.IsNullOrEmpty(existing) && JsonNode.Parse(existing) is JsonArray previous && !previous.Any(p => JsonNode.DeepEquals(p, entry)))
                list = [.. previous.Select(p => p?.DeepClone()), entry.DeepClone()];
            await InsertModelKeyValuesAsync(c, tx, "logged_model_tags", "tag_key", "tag_value", modelId, long.Parse(model.ExperimentId),
                [new KeyValue(RegistryTags.ModelVersions, JsonRepr.Dumps(list))], upsert: true, ct);
        }, ct);

    /// <summary>Tags, params and linked metrics of many models, one query per table per 500 models, rows in written order.</summary>
    internal async Task<List<LoggedModel>> LoadLoggedModelDataAsync(DbConnection c, DbTransaction? tx, IReadOnlyList<LoggedModel> models, CancellationToken ct)
    {
        var tags = new Dictionary<string, List<KeyValue>>();
        var parameters = new Dictionary<string, List<KeyValue>>();
        var metrics = new Dictionary<string, List<Metric>>();
        var order = Db.Dialect.InsertionOrder("t");
        var orderSql = order is null ? "" : $" ORDER BY {order}";
        foreach (var chunk in models.Select(m => m.ModelId).Chunk(500))
        {
            var cmd = c.Sql("", tx);
            cmd.CommandText = $"SELECT t.model_id, t.tag_key, t.tag_value FROM logged_model_tags t WHERE t.model_id IN ({cmd.InList("m", chunk)}){orderSql}";
            foreach (var (id, kv) in await cmd.ListAsync(r => (r.GetString(0), new KeyValue(r.GetString(1), r.Str(2))), ct)) Add(tags, id, kv);
            cmd = c.Sql("", tx);
            cmd.CommandText = $"SELECT t.model_id, t.param_key, t.param_value FROM logged_model_params t WHERE t.model_id IN ({cmd.InList("m", chunk)}){orderSql}";
            foreach (var (id, kv) in await cmd.ListAsync(r => (r.GetString(0), new KeyValue(r.GetString(1), r.Str(2))), ct)) Add(parameters, id, kv);
            cmd = c.Sql("", tx);
            cmd.CommandText = "SELECT t.model_id, t.metric_name, t.metric_value, t.metric_timestamp_ms, t.metric_step, t.run_id, t.dataset_name, t.dataset_digest " +
                              $"FROM logged_model_metrics t WHERE t.model_id IN ({cmd.InList("m", chunk)}){orderSql}";
            foreach (var (id, m) in await cmd.ListAsync(r => (r.GetString(0), new Metric(r.GetString(1), r.IsDBNull(2) ? double.NaN : r.GetDouble(2),
                         r.Long(3) ?? 0, r.Long(4) ?? 0) { RunId = r.Str(5), ModelId = r.GetString(0), DatasetName = r.Str(6), DatasetDigest = r.Str(7) }), ct))
                Add(metrics, id, m);
        }
        return models.Select(m => m with
        {
            Tags = tags.GetValueOrDefault(m.ModelId) ?? [],
            Params = parameters.GetValueOrDefault(m.ModelId) ?? [],
            Metrics = metrics.GetValueOrDefault(m.ModelId) ?? [],
        }).ToList();
    }

    /// <summary>
    /// log-metric and log-batch also link metrics that name a model_id to that model (logged_model_metrics), as MLflow
    /// 3.11's _log_model_metrics does: NaN is stored as 0, exact repeats are ignored, and an unknown model is the
    /// client's error (MLflow surfaces the foreign-key failure as BAD_REQUEST).
    /// </summary>
    internal static async Task InsertLoggedModelMetricsAsync(DbConnection c, DbTransaction tx, int rowsPerInsert, string runId,
        long experimentId, IReadOnlyList<Metric> metrics, CancellationToken ct, StatementBuffer? buffer = null)
    {
        var linked = metrics.Where(m => m.ModelId is not null).Distinct().ToList();
        if (linked.Count == 0) return;
        var ids = linked.Select(m => m.ModelId!).Distinct().ToList();
        var lookup = c.Sql("", tx);
        lookup.CommandText = $"SELECT model_id FROM logged_models WHERE model_id IN ({lookup.InList("m", ids)})";
        var known = (await lookup.ListAsync(r => r.GetString(0), ct)).ToHashSet();
        if (ids.FirstOrDefault(id => !known.Contains(id)) is { } missing)
            throw new MlflowException(ErrorCode.BAD_REQUEST, $"FOREIGN KEY constraint failed: logged model '{missing}' does not exist.");
        await using var insert = new RowInserter(c, tx, rowsPerInsert,
            "INSERT INTO logged_model_metrics (model_id, metric_name, metric_timestamp_ms, metric_step, metric_value, " +
            "experiment_id, run_id, dataset_uuid, dataset_name, dataset_digest)", 10, " ON CONFLICT DO NOTHING", buffer);
        await insert.InsertAsync(linked.Count, (i, row) =>
        {
            var m = linked[i];
            row[0] = m.ModelId;
            row[1] = m.Key;
            row[2] = m.Timestamp;
            row[3] = m.Step;
            row[4] = Sanitize(m.Value).Value;
            row[5] = experimentId;
            row[6] = runId;
            row[7] = null;
            row[8] = m.DatasetName;
            row[9] = m.DatasetDigest;
        }, ct);
    }
}
