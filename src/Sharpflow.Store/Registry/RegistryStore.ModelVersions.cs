using System.Data.Common;
using Sharpflow.Core.Entities;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Validation;
using Sharpflow.Store.Sql;

namespace Sharpflow.Store.Registry;

public sealed partial class RegistryStore
{
    /// <summary>
    /// A new version, numbered max(existing, deleted included) + 1 and READY at once, as MLflow's SQL store makes it.
    /// The registered model's row is updated first: that row lock queues concurrent creates for the same model on
    /// PostgreSQL (SQLite writes are serialised anyway), so two requests can never read the same maximum.
    /// <paramref name="storageLocation"/> is where a models:/ source resolved to (the download URI), else null.
    /// </summary>
    public async Task<ModelVersion> CreateModelVersionAsync(string name, string source, string? storageLocation, string? runId,
        IReadOnlyList<KeyValue> tags, string? runLink, string? description, CancellationToken ct = default)
    {
        ValidateNewVersion(name, tags);
        return await Db.WriteAsync(async (c, tx) =>
        {
            var now = NowMillis();
            var touched = await c.Sql($"UPDATE registered_models SET last_updated_time = @t WHERE workspace = '{Workspace}' AND name = @n", tx)
                .P("@t", now).P("@n", name).ExecAsync(ct);
            if (touched == 0) throw ModelNotFound(name);
            var max = await c.Sql($"SELECT MAX(version) FROM model_versions WHERE workspace = '{Workspace}' AND name = @n", tx).P("@n", name).ScalarAsync(ct);
            var version = (max is null ? 0 : Convert.ToInt64(max)) + 1;
            await c.Sql("INSERT INTO model_versions (workspace, name, version, creation_time, last_updated_time, description, user_id, current_stage, " +
                        "source, run_id, status, status_message, run_link, storage_location) " +
                        $"VALUES ('{Workspace}', @n, @v, @t, @t, @d, NULL, 'None', @s, @r, 'READY', NULL, @l, @sl)", tx)
                .P("@n", name).P("@v", version).P("@t", now).P("@d", description).P("@s", source).P("@r", runId).P("@l", runLink)
                .P("@sl", storageLocation ?? source).ExecAsync(ct);
            await UpsertVersionTagsAsync(c, tx, name, version, tags, ct);
            // A deleted version's number is never reused and its aliases went with it, so a new version has none.
            return new ModelVersion(name, version, now, now, description, null, ModelStages.None, source, runId, "READY", null, runLink,
                storageLocation ?? source, DedupeTags(tags));
        }, ct);
    }

    /// <summary>The store's own checks on a new version, which MLflow makes before resolving a models:/ source.</summary>
    public static void ValidateNewVersion(string name, IReadOnlyList<KeyValue> tags)
    {
        RegistryValidation.ModelName(name);
        foreach (var t in tags) RegistryValidation.ModelVersionTag(t.Key, t.Value);
    }

    private static Task UpsertVersionTagsAsync(DbConnection c, DbTransaction tx, string name, long version, IReadOnlyList<KeyValue> tags, CancellationToken ct) =>
        UpsertTagsAsync(c, tx, "model_version_tags", "workspace, key, name, version", "name, version",
            cmd => cmd.P("@name", name).P("@version", version), "@name, @version", tags, ct);

    public Task<ModelVersion> GetModelVersionAsync(string name, string version, CancellationToken ct = default) =>
        Db.ReadAsync(c => GetVersionAsync(c, null, name, version, ct, withAliases: true), ct);

    /// <summary>Sets the description; null (the field was not sent) clears it, as MLflow's handler passes None then.</summary>
    public Task<ModelVersion> UpdateModelVersionAsync(string name, string version, string? description, CancellationToken ct = default) =>
        Db.WriteAsync(async (c, tx) =>
        {
            var mv = await GetVersionAsync(c, tx, name, version, ct);
            var now = NowMillis();
            await c.Sql($"UPDATE model_versions SET description = @d, last_updated_time = @t WHERE workspace = '{Workspace}' AND name = @n AND version = @v", tx)
                .P("@d", description).P("@t", now).P("@n", mv.Name).P("@v", mv.Version).ExecAsync(ct);
            return await WithAliasesAsync(c, tx, mv with { Description = description, LastUpdatedTime = now }, ct);
        }, ct);

    public Task<ModelVersion> TransitionModelVersionStageAsync(string name, string version, string stage, bool archiveExisting, CancellationToken ct = default)
    {
        var canonical = RegistryValidation.CanonicalStage(stage);
        if (archiveExisting && !ModelStages.Active.Contains(canonical))
            // MLflow raises this without an error code (a 500); the stage is the client's input, so Sharpflow says 400.
            throw MlflowException.InvalidParameter(
                $"Model version transition cannot archive existing model versions because '{stage}' is not an Active stage. " +
                $"Valid stages are {Core.Python.PythonRepr.StrList(ModelStages.Active)}");
        return Db.WriteAsync(async (c, tx) =>
        {
            var mv = await GetVersionAsync(c, tx, name, version, ct);
            var now = NowMillis();
            if (archiveExisting)
                await c.Sql($"UPDATE model_versions SET current_stage = 'Archived', last_updated_time = @t WHERE workspace = '{Workspace}' " +
                            "AND name = @n AND version <> @v AND current_stage = @s", tx)
                    .P("@t", now).P("@n", mv.Name).P("@v", mv.Version).P("@s", canonical).ExecAsync(ct);
            await c.Sql($"UPDATE model_versions SET current_stage = @s, last_updated_time = @t WHERE workspace = '{Workspace}' AND name = @n AND version = @v", tx)
                .P("@s", canonical).P("@t", now).P("@n", mv.Name).P("@v", mv.Version).ExecAsync(ct);
            await TouchModelAsync(c, tx, mv.Name, now, ct);
            return await WithAliasesAsync(c, tx, mv with { CurrentStage = canonical, LastUpdatedTime = now }, ct);
        }, ct);
    }

    private static Task TouchModelAsync(DbConnection c, DbTransaction tx, string name, long now, CancellationToken ct) =>
        c.Sql($"UPDATE registered_models SET last_updated_time = @t WHERE workspace = '{Workspace}' AND name = @n", tx)
            .P("@t", now).P("@n", name).ExecAsync(ct);

    /// <summary>
    /// MLflow keeps a deleted version's row (so its number is never reused) with the stage Deleted_Internal and its
    /// source, run and description redacted; its aliases are removed, its tags kept.
    /// </summary>
    public Task DeleteModelVersionAsync(string name, string version, CancellationToken ct = default) =>
        Db.WriteAsync(async (c, tx) =>
        {
            var mv = await GetVersionAsync(c, tx, name, version, ct);
            var now = NowMillis();
            await TouchModelAsync(c, tx, mv.Name, now, ct);
            await c.Sql($"DELETE FROM registered_model_aliases WHERE workspace = '{Workspace}' AND name = @n AND version = @v", tx)
                .P("@n", mv.Name).P("@v", mv.Version).ExecAsync(ct);
            await c.Sql("UPDATE model_versions SET current_stage = 'Deleted_Internal', last_updated_time = @t, description = NULL, user_id = NULL, " +
                        "source = 'REDACTED-SOURCE-PATH', run_id = 'REDACTED-RUN-ID', run_link = 'REDACTED-RUN-LINK', status_message = NULL " +
                        $"WHERE workspace = '{Workspace}' AND name = @n AND version = @v", tx)
                .P("@t", now).P("@n", mv.Name).P("@v", mv.Version).ExecAsync(ct);
        }, ct);

    /// <summary>Where the version's files are: the resolved location of a models:/ source, else the source itself.</summary>
    public Task<string> GetModelVersionDownloadUriAsync(string name, string version, CancellationToken ct = default) =>
        Db.ReadAsync(async c =>
        {
            var mv = await GetVersionAsync(c, null, name, version, ct);
            return !string.IsNullOrEmpty(mv.StorageLocation) ? mv.StorageLocation : mv.Source ?? "";
        }, ct);

    public async Task SetModelVersionTagAsync(string name, string version, string key, string? value, CancellationToken ct = default)
    {
        RegistryValidation.ModelName(name);
        RegistryValidation.ModelVersion(version);
        RegistryValidation.ModelVersionTag(key, value);
        await Db.WriteAsync(async (c, tx) =>
        {
            var mv = await GetVersionAsync(c, tx, name, version, ct);
            await UpsertVersionTagsAsync(c, tx, mv.Name, mv.Version, [new KeyValue(key, value)], ct);
        }, ct);
    }

    public async Task DeleteModelVersionTagAsync(string name, string version, string key, CancellationToken ct = default)
    {
        RegistryValidation.ModelName(name);
        RegistryValidation.ModelVersion(version);
        TrackingValidation.TagName(key);
        await Db.WriteAsync(async (c, tx) =>
        {
            var mv = await GetVersionAsync(c, tx, name, version, ct);
            await c.Sql($"DELETE FROM model_version_tags WHERE workspace = '{Workspace}' AND name = @n AND version = @v AND key = @k", tx)
                .P("@n", mv.Name).P("@v", mv.Version).P("@k", key).ExecAsync(ct);
        }, ct);
    }

    public async Task SetRegisteredModelAliasAsync(string name, string alias, string version, CancellationToken ct = default)
    {
        RegistryValidation.ModelName(name);
        RegistryValidation.AliasName(alias);
        RegistryValidation.AliasNameNotReserved(alias);
        RegistryValidation.ModelVersion(version);
        await Db.WriteAsync(async (c, tx) =>
        {
            var mv = await GetVersionAsync(c, tx, name, version, ct);
            await c.Sql($"INSERT INTO registered_model_aliases (workspace, name, alias, version) VALUES ('{Workspace}', @n, @a, @v) " +
                        "ON CONFLICT (workspace, name, alias) DO UPDATE SET version = excluded.version", tx)
                .P("@n", mv.Name).P("@a", alias).P("@v", mv.Version).ExecAsync(ct);
        }, ct);
    }

    public async Task DeleteRegisteredModelAliasAsync(string name, string alias, CancellationToken ct = default)
    {
        RegistryValidation.ModelName(name);
        RegistryValidation.AliasName(alias);
        await Db.WriteAsync(async (c, tx) =>
        {
            await GetModelRowAsync(c, tx, name, ct);
            await c.Sql($"DELETE FROM registered_model_aliases WHERE workspace = '{Workspace}' AND name = @n AND alias = @a", tx)
                .P("@n", name).P("@a", alias).ExecAsync(ct);
        }, ct);
    }

    /// <summary>
    /// The version an alias points to. 'latest' (any case) is MLflow's built-in alias: the first of the latest versions
    /// per stage in their listing order (with a single stage in use, the newest version).
    /// </summary>
    public async Task<ModelVersion> GetModelVersionByAliasAsync(string name, string alias, CancellationToken ct = default)
    {
        RegistryValidation.ModelName(name);
        RegistryValidation.AliasName(alias);
        return await Db.ReadAsync(async c =>
        {
            if (alias.Equals("latest", StringComparison.OrdinalIgnoreCase))
            {
                var latest = await LatestVersionsAsync(c, name, [], ct);
                return latest.Count > 0 ? latest[0] : throw MlflowException.NotFound($"Latest version not found for model {name}.");
            }
            await GetModelRowAsync(c, null, name, ct);
            var versions = await c.Sql($"SELECT version FROM registered_model_aliases WHERE workspace = '{Workspace}' AND name = @n AND alias = @a")
                .P("@n", name).P("@a", alias).ListAsync(r => Convert.ToInt64(r.GetValue(0)), ct);
            if (versions.Count == 0) throw MlflowException.InvalidParameter($"Registered model alias {alias} not found.");
            return await GetVersionAsync(c, null, name, versions[0].ToString(), ct, withAliases: true);
        }, ct);
    }
}
