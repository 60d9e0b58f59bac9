using System.Data.Common;
using Sharpflow.Core.Entities;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Validation;
using Sharpflow.Store.Sql;

namespace Sharpflow.Store.Tracking;

public sealed partial class TrackingStore
{
    private const string ExperimentColumns =
        "e.experiment_id, e.name, e.artifact_location, e.lifecycle_stage, e.creation_time, e.last_update_time";

    public async Task EnsureDefaultExperimentAsync(CancellationToken ct = default)
    {
        await Db.WriteAsync(async (c, tx) =>
        {
            var exists = await c.Sql("SELECT COUNT(*) FROM experiments WHERE experiment_id = 0", tx).ScalarAsync(ct);
            if (Convert.ToInt64(exists) > 0) return;
            var now = NowMillis();
            await c.Sql("INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time, workspace) " +
                        // Instances starting together on an empty database all get here; one insert wins.
                        "VALUES (0, @n, @a, 'active', @t, @t, 'default') ON CONFLICT DO NOTHING", tx)
                .P("@n", DefaultExperimentName).P("@a", AppendToUri(DefaultArtifactRoot, "0")).P("@t", now).ExecAsync(ct);
        }, ct);
    }

    public async Task<string> CreateExperimentAsync(string name, string? artifactLocation, IReadOnlyList<KeyValue> tags, CancellationToken ct = default)
    {
        TrackingValidation.ExperimentName(name);
        foreach (var t in tags) TrackingValidation.ExperimentTag(t.Key, t.Value);
        try
        {
            return await Db.WriteAsync(async (c, tx) =>
            {
                var now = NowMillis();
                var id = Convert.ToInt64(await c.Sql(
                        "INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time, workspace) " +
                        "VALUES (@n, @a, 'active', @t, @t, 'default') RETURNING experiment_id", tx)
                    .P("@n", name).P("@a", string.IsNullOrEmpty(artifactLocation) ? "" : artifactLocation).P("@t", now).ScalarAsync(ct));
                if (string.IsNullOrEmpty(artifactLocation))
                {
                    await c.Sql("UPDATE experiments SET artifact_location = @a WHERE experiment_id = @id", tx)
                        .P("@a", AppendToUri(DefaultArtifactRoot, id.ToString())).P("@id", id).ExecAsync(ct);
                }
                foreach (var tag in tags)
                {
                    await c.Sql("INSERT INTO experiment_tags (key, value, experiment_id) VALUES (@k, @v, @id) " +
                                "ON CONFLICT (key, experiment_id) DO UPDATE SET value = excluded.value", tx)
                        .P("@k", tag.Key).P("@v", tag.Value).P("@id", id).ExecAsync(ct);
                }
                return id.ToString();
            }, ct);
        }
        catch (DbException e) when (Db.Dialect.IsUniqueViolation(e))
        {
            throw MlflowException.AlreadyExists($"Experiment(name={name}) already exists. Error: UNIQUE constraint failed: experiments.workspace, experiments.name");
        }
    }

    internal static long ParseExperimentId(string? experimentId)
    {
        var id = string.IsNullOrEmpty(experimentId) ? DefaultExperimentId : experimentId;
        if (!long.TryParse(id.Trim(), out var value) || id.Trim().Length != id.Length && false)
            throw MlflowException.InvalidParameter($"Invalid experiment ID '{id}'. Experiment ID must be a valid integer.");
        return value;
    }

    private static Experiment ReadExperiment(DbDataReader r, IReadOnlyList<KeyValue> tags) =>
        new(r.GetValue(0).ToString()!, r.GetString(1), r.Str(2), r.GetString(3), r.Long(4), r.Long(5), tags);

    /// <summary>Loads experiments by id and their tags in two queries.</summary>
    internal async Task<List<Experiment>> LoadExperimentsAsync(DbConnection c, DbTransaction? tx, string whereSql,
        Action<DbCommand> bind, string orderSql = "", CancellationToken ct = default)
    {
        var cmd = c.Sql($"SELECT {ExperimentColumns} FROM experiments e WHERE {whereSql} {orderSql}", tx);
        bind(cmd);
        var rows = await cmd.ListAsync(r => (Id: Convert.ToInt64(r.GetValue(0)), Row: ReadExperiment(r, [])), ct);
        if (rows.Count == 0) return [];
        var tagCmd = c.Sql("", tx);
        var ids = tagCmd.InList("e", rows.Select(x => x.Id).ToList());
        var order = Db.Dialect.InsertionOrder("t");
        tagCmd.CommandText = $"SELECT t.experiment_id, t.key, t.value FROM experiment_tags t WHERE t.experiment_id IN ({ids})" +
                             (order is null ? "" : $" ORDER BY {order}");
        var tags = await tagCmd.ListAsync(r => (Id: Convert.ToInt64(r.GetValue(0)), Tag: new KeyValue(r.GetString(1), r.Str(2))), ct);
        var byId = tags.GroupBy(t => t.Id).ToDictionary(g => g.Key, g => (IReadOnlyList<KeyValue>)g.Select(x => x.Tag).ToList());
        return rows.Select(x => x.Row with { Tags = byId.GetValueOrDefault(x.Id) ?? [] }).ToList();
    }

    internal async Task<Experiment> GetExperimentAsync(DbConnection c, DbTransaction? tx, string? experimentId, ViewType view, CancellationToken ct)
    {
        var id = ParseExperimentId(experimentId);
        var list = await LoadExperimentsAsync(c, tx, "e.experiment_id = @id" + StageFilter("e", view), cmd => cmd.P("@id", id), ct: ct);
        return list.Count == 0 ? throw MlflowException.NotFound($"No Experiment with id={id} exists") : list[0];
    }

    internal static string StageFilter(string alias, ViewType view) => view switch
    {
        ViewType.ACTIVE_ONLY => $" AND {alias}.lifecycle_stage = 'active'",
        ViewType.DELETED_ONLY => $" AND {alias}.lifecycle_stage = 'deleted'",
        _ => "",
    };

    public Task<Experiment> GetExperimentAsync(string? experimentId, CancellationToken ct = default) =>
        Db.ReadAsync(c => GetExperimentAsync(c, null, experimentId, ViewType.ALL, ct), ct);

    public Task<Experiment?> GetExperimentByNameAsync(string name, CancellationToken ct = default) =>
        Db.ReadAsync(async c =>
        {
            var list = await LoadExperimentsAsync(c, null, "e.name = @n", cmd => cmd.P("@n", name), ct: ct);
            return list.FirstOrDefault();
        }, ct);

    public Task DeleteExperimentAsync(string experimentId, CancellationToken ct = default) =>
        Db.WriteAsync(async (c, tx) =>
        {
            var exp = await GetExperimentAsync(c, tx, experimentId, ViewType.ACTIVE_ONLY, ct);
            var now = NowMillis();
            await c.Sql("UPDATE experiments SET lifecycle_stage = 'deleted', last_update_time = @t WHERE experiment_id = @id", tx)
                .P("@t", now).P("@id", long.Parse(exp.ExperimentId)).ExecAsync(ct);
            await c.Sql("UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = @t WHERE experiment_id = @id", tx)
                .P("@t", now).P("@id", long.Parse(exp.ExperimentId)).ExecAsync(ct);
        }, ct);

    public Task RestoreExperimentAsync(string experimentId, CancellationToken ct = default) =>
        Db.WriteAsync(async (c, tx) =>
        {
            var exp = await GetExperimentAsync(c, tx, experimentId, ViewType.DELETED_ONLY, ct);
            await c.Sql("UPDATE experiments SET lifecycle_stage = 'active', last_update_time = @t WHERE experiment_id = @id", tx)
                .P("@t", NowMillis()).P("@id", long.Parse(exp.ExperimentId)).ExecAsync(ct);
            await c.Sql("UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE experiment_id = @id", tx)
                .P("@id", long.Parse(exp.ExperimentId)).ExecAsync(ct);
        }, ct);

    public async Task RenameExperimentAsync(string experimentId, string newName, CancellationToken ct = default)
    {
        TrackingValidation.ExperimentName(newName);
        try
        {
            await Db.WriteAsync(async (c, tx) =>
            {
                var exp = await GetExperimentAsync(c, tx, experimentId, ViewType.ALL, ct);
                if (exp.LifecycleStage != LifecycleStage.Active)
                    throw new MlflowException(ErrorCode.INVALID_STATE, "Cannot rename a non-active experiment.");
                await c.Sql("UPDATE experiments SET name = @n, last_update_time = @t WHERE experiment_id = @id", tx)
                    .P("@n", newName).P("@t", NowMillis()).P("@id", long.Parse(exp.ExperimentId)).ExecAsync(ct);
            }, ct);
        }
        catch (DbException e) when (Db.Dialect.IsUniqueViolation(e))
        {
            // MLflow lets the IntegrityError surface as BAD_REQUEST here (not RESOURCE_ALREADY_EXISTS).
            throw new MlflowException(ErrorCode.BAD_REQUEST, "UNIQUE constraint failed: experiments.workspace, experiments.name");
        }
    }

    private static void CheckExperimentActive(Experiment exp)
    {
        if (exp.LifecycleStage != LifecycleStage.Active)
            throw MlflowException.InvalidParameter(
                $"The experiment {exp.ExperimentId} must be in the 'active' state. Current state is {exp.LifecycleStage}.");
    }

    public async Task SetExperimentTagAsync(string experimentId, string key, string? value, CancellationToken ct = default)
    {
        TrackingValidation.ExperimentTag(key, value);
        await Db.WriteAsync(async (c, tx) =>
        {
            var exp = await GetExperimentAsync(c, tx, experimentId, ViewType.ALL, ct);
            CheckExperimentActive(exp);
            await c.Sql("INSERT INTO experiment_tags (key, value, experiment_id) VALUES (@k, @v, @id) " +
                        "ON CONFLICT (key, experiment_id) DO UPDATE SET value = excluded.value", tx)
                .P("@k", key).P("@v", value).P("@id", long.Parse(exp.ExperimentId)).ExecAsync(ct);
        }, ct);
    }

    public Task DeleteExperimentTagAsync(string experimentId, string key, CancellationToken ct = default) =>
        Db.WriteAsync(async (c, tx) =>
        {
            var exp = await GetExperimentAsync(c, tx, experimentId, ViewType.ALL, ct);
            CheckExperimentActive(exp);
            var n = await c.Sql("DELETE FROM experiment_tags WHERE experiment_id = @id AND key = @k", tx)
                .P("@id", long.Parse(exp.ExperimentId)).P("@k", key).ExecAsync(ct);
            if (n == 0) throw MlflowException.NotFound($"No tag with name: {key} in experiment with id {experimentId}");
        }, ct);
}
