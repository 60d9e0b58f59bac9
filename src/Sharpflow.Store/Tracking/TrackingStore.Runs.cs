using System.Data.Common;
using Sharpflow.Core.Entities;
using Sharpflow.Core.Errors;
using Sharpflow.Store.Sql;

namespace Sharpflow.Store.Tracking;

public sealed partial class TrackingStore
{
    private const string RunColumns =
        "r.run_uuid, r.experiment_id, r.name, r.user_id, r.status, r.start_time, r.end_time, r.artifact_uri, r.lifecycle_stage";

    private static RunInfo ReadRunInfo(DbDataReader r) => new(
        r.GetString(0), Convert.ToInt64(r.GetValue(1)).ToString(), r.Str(2), r.Str(3), r.Str(4) ?? "RUNNING",
        r.Long(5), r.Long(6), r.Str(7), r.Str(8) ?? LifecycleStage.Active);

    public async Task<Run> CreateRunAsync(string? experimentId, string? userId, long? startTime, IReadOnlyList<KeyValue> tags,
        string? runName, CancellationToken ct = default)
    {
        var tagList = tags.ToList();
        var runNameTag = tagList.LastOrDefault(t => t.Key == MlflowTags.RunName)?.Value;
        if (!string.IsNullOrEmpty(runName) && !string.IsNullOrEmpty(runNameTag) && runName != runNameTag)
            throw MlflowException.InvalidParameter(
                $"Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='{runName}', mlflow.runName='{runNameTag}').");
        var name = !string.IsNullOrEmpty(runName) ? runName : !string.IsNullOrEmpty(runNameTag) ? runNameTag : RunNames.Generate();
        if (string.IsNullOrEmpty(runNameTag)) tagList.Add(new KeyValue(MlflowTags.RunName, name));
        var runId = Guid.NewGuid().ToString("N");

        return await Db.WriteAsync(async (c, tx) =>
        {
            var exp = await GetExperimentAsync(c, tx, experimentId, ViewType.ALL, ct);
            CheckExperimentActive(exp);
            var artifactUri = AppendToUri(exp.ArtifactLocation ?? "", runId, "artifacts");
            await c.Sql("INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, " +
                        "end_time, source_version, lifecycle_stage, artifact_uri, experiment_id, deleted_time) VALUES " +
                        "(@id, @name, 'UNKNOWN', '', '', @user, 'RUNNING', @start, NULL, '', 'active', @uri, @exp, NULL)", tx)
                .P("@id", runId).P("@name", name).P("@user", userId).P("@start", startTime).P("@uri", artifactUri)
                .P("@exp", long.Parse(exp.ExperimentId)).ExecAsync(ct);
            await UpsertTagsAsync(c, tx, runId, tagList, ct);
            var info = new RunInfo(runId, exp.ExperimentId, name, userId, "RUNNING", startTime, null, artifactUri, LifecycleStage.Active);
            return new Run(info, [], [], DedupeLast(tagList), [], [], []);
        }, ct);
    }

    /// <summary>Tags written in one statement keep the last value per key, as SQLAlchemy's merge does.</summary>
    private static List<KeyValue> DedupeLast(List<KeyValue> tags)
    {
        var result = new List<KeyValue>();
        foreach (var t in tags)
        {
            var i = result.FindIndex(x => x.Key == t.Key);
            if (i >= 0) result[i] = t;
            else result.Add(t);
        }
        return result;
    }

    internal async Task<RunInfo> GetRunInfoAsync(DbConnection c, DbTransaction? tx, string runId, CancellationToken ct)
    {
        var list = await c.Sql($"SELECT {RunColumns} FROM runs r WHERE r.run_uuid = @id", tx).P("@id", runId).ListAsync(ReadRunInfo, ct);
        return list.Count == 0 ? throw MlflowException.NotFound($"Run with id={runId} not found") : list[0];
    }

    private static void CheckRunActive(RunInfo run)
    {
        if (run.LifecycleStage != LifecycleStage.Active)
            throw MlflowException.InvalidParameter(
                $"The run {run.RunId} must be in the 'active' state. Current state is {run.LifecycleStage}.");
    }

    internal async Task<RunInfo> GetActiveRunAsync(DbConnection c, DbTransaction tx, string runId, CancellationToken ct)
    {
        var run = await GetRunInfoAsync(c, tx, runId, ct);
        CheckRunActive(run);
        return run;
    }

    public Task<Run> GetRunAsync(string runId, CancellationToken ct = default) =>
        Db.ReadAsync(async c =>
        {
            var info = await GetRunInfoAsync(c, null, runId, ct);
            var runs = await LoadRunDataAsync(c, [info], includeModelInputs: true, ct);
            return runs[0];
        }, ct);

    /// <summary>Loads metrics, params, tags, inputs and outputs of many runs with one query per table.</summary>
    internal async Task<List<Run>> LoadRunDataAsync(DbConnection c, IReadOnlyList<RunInfo> infos, bool includeModelInputs, CancellationToken ct)
    {
        var metrics = new Dictionary<string, List<Metric>>();
        var parameters = new Dictionary<string, List<KeyValue>>();
        var tags = new Dictionary<string, List<KeyValue>>();
        var datasets = new Dictionary<string, List<DatasetInput>>();
        var modelInputs = new Dictionary<string, List<ModelInput>>();
        var outputs = new Dictionary<string, List<ModelOutput>>();
        var order = Db.Dialect.InsertionOrder("t");
        var orderSql = order is null ? "" : $" ORDER BY {order}";

        foreach (var chunk in infos.Select(i => i.RunId).Chunk(500))
        {
            var cmd = c.Sql("");
            var ids = cmd.InList("r", chunk);
            cmd.CommandText = $"SELECT t.run_uuid, t.key, t.value, t.timestamp, t.step, t.is_nan FROM latest_metrics t WHERE t.run_uuid IN ({ids}){orderSql}";
            foreach (var (runId, m) in await cmd.ListAsync(r => (r.GetString(0), ReadMetric(r, 1)), ct)) Add(metrics, runId, m);

            cmd = c.Sql("");
            ids = cmd.InList("r", chunk);
            cmd.CommandText = $"SELECT t.run_uuid, t.key, t.value FROM params t WHERE t.run_uuid IN ({ids}){orderSql}";
            foreach (var (runId, p) in await cmd.ListAsync(r => (r.GetString(0), new KeyValue(r.GetString(1), r.Str(2))), ct)) Add(parameters, runId, p);

            cmd = c.Sql("");
            ids = cmd.InList("r", chunk);
            cmd.CommandText = $"SELECT t.run_uuid, t.key, t.value FROM tags t WHERE t.run_uuid IN ({ids}){orderSql}";
            foreach (var (runId, tg) in await cmd.ListAsync(r => (r.GetString(0), new KeyValue(r.GetString(1), r.Str(2))), ct)) Add(tags, runId, tg);

            await LoadDatasetInputsAsync(c, chunk, datasets, ct);

            cmd = c.Sql("");
            ids = cmd.InList("r", chunk);
            cmd.CommandText = "SELECT source_id, source_type, destination_id, step FROM inputs " +
                              $"WHERE source_id IN ({ids}) AND ((source_type = 'RUN_OUTPUT' AND destination_type = 'MODEL_OUTPUT') " +
                              "OR (source_type = 'RUN_INPUT' AND destination_type = 'MODEL_INPUT'))";
            foreach (var (runId, type, modelId, step) in await cmd.ListAsync(r => (r.GetString(0), r.GetString(1), r.GetString(2), Convert.ToInt64(r.GetValue(3))), ct))
            {
                if (type == "RUN_OUTPUT") Add(outputs, runId, new ModelOutput(modelId, step));
                else if (includeModelInputs) Add(modelInputs, runId, new ModelInput(modelId));
            }
        }

        return infos.Select(i => new Run(i,
            metrics.GetValueOrDefault(i.RunId) ?? [],
            parameters.GetValueOrDefault(i.RunId) ?? [],
            tags.GetValueOrDefault(i.RunId) ?? [],
            datasets.GetValueOrDefault(i.RunId) ?? [],
            modelInputs.GetValueOrDefault(i.RunId) ?? [],
            outputs.GetValueOrDefault(i.RunId) ?? [])).ToList();
    }

    private async Task LoadDatasetInputsAsync(DbConnection c, string[] runIds, Dictionary<string, List<DatasetInput>> into, CancellationToken ct)
    {
        var cmd = c.Sql("");
        var ids = cmd.InList("r", runIds);
        var tagOrder = Db.Dialect.InsertionOrder("it");
        cmd.CommandText =
            "SELECT i.destination_id, d.dataset_uuid, d.name, d.digest, d.dataset_source_type, d.dataset_source, d.dataset_schema, " +
            "d.dataset_profile, it.name, it.value FROM inputs i JOIN datasets d ON i.source_id = d.dataset_uuid " +
            "LEFT JOIN input_tags it ON it.input_uuid = i.input_uuid " +
            $"WHERE i.destination_type = 'RUN' AND i.destination_id IN ({ids}) ORDER BY i.destination_id" +
            (tagOrder is null ? "" : $", {Db.Dialect.InsertionOrder("i")}, {tagOrder}");
        var rows = await cmd.ListAsync(r => (Run: r.GetString(0), Uuid: r.GetString(1),
            Dataset: new Dataset(r.Str(2), r.Str(3), r.Str(4), r.Str(5), r.Str(6), r.Str(7)),
            TagKey: r.Str(8), TagValue: r.Str(9)), ct);
        var byRun = new Dictionary<string, List<(string Uuid, Dataset D, List<KeyValue> Tags)>>();
        foreach (var row in rows)
        {
            if (!byRun.TryGetValue(row.Run, out var list)) byRun[row.Run] = list = [];
            var idx = list.FindIndex(x => x.Uuid == row.Uuid);
            if (idx < 0)
            {
                list.Add((row.Uuid, row.Dataset, []));
                idx = list.Count - 1;
            }
            if (row.TagKey is not null) list[idx].Tags.Add(new KeyValue(row.TagKey, row.TagValue));
        }
        foreach (var (run, list) in byRun)
            into[run] = list.Select(x => new DatasetInput(x.Tags, x.D)).ToList();
    }

    private static void Add<T>(Dictionary<string, List<T>> dict, string key, T value)
    {
        if (!dict.TryGetValue(key, out var list)) dict[key] = list = [];
        list.Add(value);
    }

    internal static Metric ReadMetric(DbDataReader r, int offset)
    {
        var isNan = r.Bool(offset + 4);
        return new Metric(r.GetString(offset), isNan ? double.NaN : r.GetDouble(offset + 1),
            r.Long(offset + 2) ?? 0, r.Long(offset + 3) ?? 0);
    }

    public Task<RunInfo> UpdateRunInfoAsync(string runId, string? status, long? endTime, string? runName, CancellationToken ct = default) =>
        Db.WriteAsync(async (c, tx) =>
        {
            var run = await GetActiveRunAsync(c, tx, runId, ct);
            run = run with
            {
                Status = status ?? run.Status,
                EndTime = endTime ?? run.EndTime,
                RunName = string.IsNullOrEmpty(runName) ? run.RunName : runName,
            };
            await c.Sql("UPDATE runs SET status = @s, end_time = @e, name = @n WHERE run_uuid = @id", tx)
                .P("@s", run.Status).P("@e", run.EndTime).P("@n", run.RunName).P("@id", runId).ExecAsync(ct);
            if (!string.IsNullOrEmpty(runName))
                await UpsertTagsAsync(c, tx, runId, [new KeyValue(MlflowTags.RunName, runName)], ct);
            return run;
        }, ct);

    public Task DeleteRunAsync(string runId, CancellationToken ct = default) =>
        Db.WriteAsync(async (c, tx) =>
        {
            await GetRunInfoAsync(c, tx, runId, ct);
            await c.Sql("UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = @t WHERE run_uuid = @id", tx)
                .P("@t", NowMillis()).P("@id", runId).ExecAsync(ct);
        }, ct);

    public Task RestoreRunAsync(string runId, CancellationToken ct = default) =>
        Db.WriteAsync(async (c, tx) =>
        {
            await GetRunInfoAsync(c, tx, runId, ct);
            await c.Sql("UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE run_uuid = @id", tx)
                .P("@id", runId).ExecAsync(ct);
        }, ct);
}
