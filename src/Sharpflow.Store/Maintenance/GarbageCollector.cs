using System.Data.Common;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Python;
using Sharpflow.Store.Sql;
using Sharpflow.Store.Tracking;

namespace Sharpflow.Store.Maintenance;

/// <summary>
/// `mlflow gc` (MLflow 3.11): permanently removes runs, logged models and experiments in the `deleted` lifecycle stage
/// (and, with --jobs, finalized jobs), with their artifacts. The selection rules and error messages are MLflow's; the
/// deletion is not: MLflow loads a run's metric rows into its ORM to delete them, this deletes them in bounded chunks
/// (<see cref="GarbageCollectorOptions.ChunkSize"/> rows per statement and transaction), so memory stays flat whatever
/// the run's size and a server on the same database is only ever blocked for one chunk.
/// Progress goes to <c>progress</c> (stderr), MLflow's per-entity lines to <c>output</c> (stdout).
/// </summary>
public sealed partial class GarbageCollector(SqlDatabase db, IGcArtifactDeleter artifacts, TextWriter output, TextWriter progress)
{
    private const string Deleted = "'deleted'";

    public async Task RunAsync(GarbageCollectorOptions options, CancellationToken ct = default)
    {
        var olderThanMs = options.OlderThanMillis();
        var olderThan = string.IsNullOrEmpty(options.OlderThan) ? null : options.OlderThan;
        var now = TrackingStore.NowMillis();
        var chunk = options.ChunkSize ?? db.Dialect.DeleteChunkRows;

        // Runs deleted at least --older-than ago (all deleted runs without it); MLflow compares deleted_time <= cutoff,
        // so a run without a deleted_time never qualifies on its own.
        var oldDeletedRuns = (await ReadIdsAsync($"SELECT run_uuid FROM runs WHERE lifecycle_stage = {Deleted} AND deleted_time <= @cut ORDER BY run_uuid",
            cmd => cmd.P("@cut", now - olderThanMs), ct)).ToHashSet(StringComparer.Ordinal);
        var runIds = new List<string>(options.RunIds ?? oldDeletedRuns.Order(StringComparer.Ordinal).ToList());

        var deletedModels = (await ReadIdsAsync($"SELECT model_id FROM logged_models WHERE lifecycle_stage = {Deleted}", _ => { }, ct)).ToHashSet(StringComparer.Ordinal);
        var oldDeletedModels = (await ReadIdsAsync($"SELECT model_id FROM logged_models WHERE lifecycle_stage = {Deleted} AND last_updated_timestamp_ms <= @cut ORDER BY model_id",
            cmd => cmd.P("@cut", now - olderThanMs), ct)).ToHashSet(StringComparer.Ordinal);
        var modelIds = options.LoggedModelIds ?? oldDeletedModels.Order(StringComparer.Ordinal).ToList();

        var experimentIds = await SelectExperimentsAsync(options, olderThan, TrackingStore.NowMillis() - olderThanMs, ct);
        if (experimentIds.Count > 0)
        {
            // Every deleted run of those experiments goes with them (MLflow searches them with DELETED_ONLY).
            foreach (var page in experimentIds.Chunk(500))
            {
                var ids = await ReadIdsAsync("", _ => { }, ct, build: c =>
                    $"SELECT run_uuid FROM runs WHERE lifecycle_stage = {Deleted} AND experiment_id IN ({c.InList("e", page.Select(long.Parse).ToList())}) ORDER BY run_uuid");
                runIds.AddRange(ids);
            }
        }

        var runs = await CheckRunsAsync(runIds.Distinct(StringComparer.Ordinal).ToList(), oldDeletedRuns, olderThan, options.IgnoreNotFound, ct);
        var models = await CheckModelsAsync(modelIds.Distinct(StringComparer.Ordinal).ToList(), deletedModels, oldDeletedModels, olderThan, options.IgnoreNotFound, ct);

        for (var i = 0; i < runs.Count; i++)
        {
            var (runId, artifactUri) = runs[i];
            await DeleteArtifactsAsync(artifactUri, ct);
            var rows = await HardDeleteRunAsync(runId, $"run {i + 1}/{runs.Count} {runId}", chunk, ct);
            progress.WriteLine($"gc: run {i + 1}/{runs.Count} {runId}: done, {rows:N0} rows deleted");
            output.WriteLine($"Run with ID {runId} has been permanently deleted.");
        }
        for (var i = 0; i < models.Count; i++)
        {
            var (modelId, artifactLocation) = models[i];
            await DeleteArtifactsAsync(artifactLocation, ct);
            var rows = await HardDeleteLoggedModelAsync(modelId, $"logged model {i + 1}/{models.Count} {modelId}", chunk, ct);
            progress.WriteLine($"gc: logged model {i + 1}/{models.Count} {modelId}: done, {rows:N0} rows deleted");
            output.WriteLine($"Logged model with ID {modelId} has been permanently deleted.");
        }
        for (var i = 0; i < experimentIds.Count; i++)
        {
            var rows = await HardDeleteExperimentAsync(experimentIds[i], $"experiment {i + 1}/{experimentIds.Count} {experimentIds[i]}", chunk, ct);
            progress.WriteLine($"gc: experiment {i + 1}/{experimentIds.Count} {experimentIds[i]}: done, {rows:N0} rows deleted");
            output.WriteLine($"Experiment with ID {experimentIds[i]} has been permanently deleted.");
        }
        if (options.Jobs || options.JobIds is not null)
            foreach (var jobId in await DeleteJobsAsync(olderThanMs, options.JobIds, ct))
                output.WriteLine($"Job with ID {jobId} has been permanently deleted.");
    }

    /// <summary>The experiments to remove: the named ones (which must be deleted, and old enough), else every deleted one.</summary>
    private async Task<List<string>> SelectExperimentsAsync(GarbageCollectorOptions options, string? olderThan, long threshold, CancellationToken ct)
    {
        if (options.ExperimentIds is null)
        {
            // MLflow searches deleted experiments with "last_update_time < threshold" when --older-than is given.
            var filter = olderThan is null ? "" : " AND last_update_time < @t";
            return await ReadIdsAsync($"SELECT experiment_id FROM experiments WHERE lifecycle_stage = {Deleted}{filter} ORDER BY experiment_id",
                cmd => cmd.P("@t", threshold), ct);
        }
        var found = new List<(string Id, string Stage, long? LastUpdate)>();
        foreach (var id in options.ExperimentIds)
        {
            var numeric = TrackingStore.ParseExperimentId(id);
            var row = await db.ReadAsync(async c =>
                await c.Sql("SELECT lifecycle_stage, last_update_time FROM experiments WHERE experiment_id = @id").P("@id", numeric)
                    .ListAsync(r => (Stage: r.Str(0) ?? "", LastUpdate: r.Long(1)), ct), ct);
            if (row.Count == 0)
            {
                if (options.IgnoreNotFound) continue;
                throw MlflowException.NotFound($"No Experiment with id={numeric} exists");
            }
            found.Add((numeric.ToString(System.Globalization.CultureInfo.InvariantCulture), row[0].Stage, row[0].LastUpdate));
        }
        var active = found.Where(e => e.Stage != "deleted").Select(e => e.Id).ToList();
        if (active.Count > 0)
            throw MlflowException.InvalidParameter($"Experiments {PythonRepr.StrList(active)} are not in the deleted lifecycle stage. " +
                                                   "Only experiments in the deleted lifecycle stage can be hard-deleted.");
        if (olderThan is not null)
        {
            var young = found.Where(e => e.LastUpdate is null || e.LastUpdate >= threshold).Select(e => e.Id).ToList();
            if (young.Count > 0)
                throw MlflowException.InvalidParameter($"Experiments {PythonRepr.StrList(young)} are not older than the required age. " +
                                                       $"Only experiments older than {olderThan} can be deleted.");
        }
        // MLflow goes on with the ids as given (its later lookups normalise them); the numeric form is what the tables hold.
        return found.Select(e => e.Id).ToList();
    }

    /// <summary>
    /// MLflow's per-run checks, all made before anything is deleted (MLflow checks each run just before deleting it,
    /// so a bad id in the middle of a list leaves the first half gone; the errors are the same).
    /// </summary>
    private async Task<List<(string Id, string ArtifactUri)>> CheckRunsAsync(List<string> runIds, HashSet<string> oldDeletedRuns, string? olderThan,
        bool ignoreNotFound, CancellationToken ct)
    {
        var rows = new Dictionary<string, (string Stage, string? Uri)>(StringComparer.Ordinal);
        foreach (var chunk in runIds.Chunk(500))
            foreach (var (id, stage, uri) in await db.ReadAsync(c =>
                     {
                         var cmd = c.Sql("");
                         cmd.CommandText = $"SELECT run_uuid, lifecycle_stage, artifact_uri FROM runs WHERE run_uuid IN ({cmd.InList("r", chunk)})";
                         return cmd.ListAsync(r => (r.GetString(0), r.Str(1) ?? "", r.Str(2)), ct);
                     }, ct))
                rows[id] = (stage, uri);
        var result = new List<(string, string)>();
        foreach (var id in runIds)
        {
            if (!rows.TryGetValue(id, out var row))
            {
                if (ignoreNotFound) continue;
                throw MlflowException.NotFound($"Run with id={id} not found");
            }
            if (row.Stage != "deleted")
                throw new MlflowException(ErrorCode.INTERNAL_ERROR,
                    $"Run {id} is not in `deleted` lifecycle stage. Only runs in `deleted` lifecycle stage can be deleted.");
            if (olderThan is not null && !oldDeletedRuns.Contains(id))
                throw MlflowException.InvalidParameter($"Run {id} is not older than the required age. Only runs older than {olderThan} can be deleted.");
            result.Add((id, row.Uri ?? ""));
        }
        return result;
    }

    private async Task<List<(string Id, string ArtifactLocation)>> CheckModelsAsync(List<string> modelIds, HashSet<string> deletedModels,
        HashSet<string> oldDeletedModels, string? olderThan, bool ignoreNotFound, CancellationToken ct)
    {
        var result = new List<(string, string)>();
        foreach (var id in modelIds)
        {
            var location = await db.ReadAsync(async c =>
                await c.Sql("SELECT artifact_location FROM logged_models WHERE model_id = @m").P("@m", id).ListAsync(r => r.Str(0) ?? "", ct), ct);
            if (location.Count == 0)
            {
                if (ignoreNotFound) continue;
                throw MlflowException.NotFound($"Logged model with ID '{id}' not found.");
            }
            if (!deletedModels.Contains(id))
                throw new MlflowException(ErrorCode.INTERNAL_ERROR,
                    $"Logged model {id} is not in `deleted` lifecycle stage. Only logged models in `deleted` lifecycle stage can be deleted.");
            if (olderThan is not null && !oldDeletedModels.Contains(id))
                throw MlflowException.InvalidParameter(
                    $"Logged model {id} is not older than the required age. Only logged models older than {olderThan} can be deleted.");
            result.Add((id, location[0]));
        }
        return result;
    }

    private async Task DeleteArtifactsAsync(string uri, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(uri)) return;
        try
        {
            await artifacts.DeleteAsync(uri, ct);
        }
        catch (UnresolvableArtifactUriException e)
        {
            // MLflow's InvalidUrlException branch: say so and keep collecting the database rows.
            output.WriteLine($"An exception {e.Message} was raised during the deletion of the artifacts at '{uri}'.");
            output.WriteLine($"Unable to resolve the provided artifact URL: '{uri}'. The gc process will continue and bypass artifact deletion. " +
                             "Please ensure that the artifact exists and consider manually deleting any unused artifacts.");
        }
    }

    private Task<List<string>> ReadIdsAsync(string sql, Action<DbCommand> bind, CancellationToken ct, Func<DbCommand, string>? build = null) =>
        db.ReadAsync(async c =>
        {
            var cmd = c.Sql(sql);
            if (build is not null) cmd.CommandText = build(cmd);
            bind(cmd);
            return await cmd.ListAsync(r => Convert.ToString(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!, ct);
        }, ct);
}
