using System.Data.Common;
using Sharpflow.Core.Entities;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Validation;
using Sharpflow.Store.Sql;

namespace Sharpflow.Store.Registry;

public sealed partial class RegistryStore
{
    public async Task<RegisteredModel> CreateRegisteredModelAsync(string name, IReadOnlyList<KeyValue> tags, string? description, CancellationToken ct = default)
    {
        RegistryValidation.ModelName(name);
        foreach (var t in tags) RegistryValidation.RegisteredModelTag(t.Key, t.Value);
        try
        {
            return await Db.WriteAsync(async (c, tx) =>
            {
                var now = NowMillis();
                await c.Sql("INSERT INTO registered_models (workspace, name, creation_time, last_updated_time, description) " +
                            $"VALUES ('{Workspace}', @n, @t, @t, @d)", tx).P("@n", name).P("@t", now).P("@d", description).ExecAsync(ct);
                await UpsertRegisteredModelTagsAsync(c, tx, name, tags, ct);
                return new RegisteredModel(name, now, now, description, [], DedupeTags(tags), []);
            }, ct);
        }
        catch (DbException e) when (Db.Dialect.IsUniqueViolation(e))
        {
            var existing = await GetRegisteredModelAsync(name, ct);
            var wasPrompt = existing.Tags.Any(t => t.Key == RegistryTags.IsPrompt);
            var isPrompt = tags.Any(t => t.Key == RegistryTags.IsPrompt);
            if (wasPrompt != isPrompt)
            {
                string Entity(bool prompt) => prompt ? "prompt" : "registered model";
                throw MlflowException.AlreadyExists(
                    $"Tried to create a {Entity(isPrompt)} with name {Core.Python.PythonRepr.Str(name)}, but the name is already taken by a " +
                    $"{Entity(wasPrompt)}. MLflow does not allow creating a model and a prompt with the same name.");
            }
            throw MlflowException.AlreadyExists($"{(isPrompt ? "Prompt" : "Registered Model")} (name={name}) already exists.");
        }
    }

    private static Task UpsertRegisteredModelTagsAsync(DbConnection c, DbTransaction tx, string name, IReadOnlyList<KeyValue> tags, CancellationToken ct) =>
        UpsertTagsAsync(c, tx, "registered_model_tags", "workspace, key, name", "name", cmd => cmd.P("@name", name), "@name", tags, ct);

    public Task<RegisteredModel> GetRegisteredModelAsync(string name, CancellationToken ct = default) =>
        Db.ReadAsync(async c => (await WithChildrenAsync(c, null, [await GetModelRowAsync(c, null, name, ct)], searchOrder: false, ct))[0], ct);

    public Task<RegisteredModel> UpdateRegisteredModelAsync(string name, string? description, CancellationToken ct = default) =>
        Db.WriteAsync(async (c, tx) =>
        {
            var model = await GetModelRowAsync(c, tx, name, ct);
            var now = NowMillis();
            await c.Sql($"UPDATE registered_models SET description = @d, last_updated_time = @t WHERE workspace = '{Workspace}' AND name = @n", tx)
                .P("@d", description).P("@t", now).P("@n", name).ExecAsync(ct);
            return (await WithChildrenAsync(c, tx, [model with { Description = description, LastUpdatedTime = now }], false, ct))[0];
        }, ct);

    public async Task<RegisteredModel> RenameRegisteredModelAsync(string name, string newName, CancellationToken ct = default)
    {
        RegistryValidation.ModelRenaming(newName);
        try
        {
            return await Db.WriteAsync(async (c, tx) =>
            {
                var model = await GetModelRowAsync(c, tx, name, ct);
                var now = NowMillis();
                // The foreign keys cascade the new name to versions, tags and aliases (ON UPDATE CASCADE in MLflow's schema).
                await c.Sql($"UPDATE registered_models SET name = @new, last_updated_time = @t WHERE workspace = '{Workspace}' AND name = @n", tx)
                    .P("@new", newName).P("@t", now).P("@n", name).ExecAsync(ct);
                await c.Sql($"UPDATE model_versions SET last_updated_time = @t WHERE workspace = '{Workspace}' AND name = @new", tx)
                    .P("@t", now).P("@new", newName).ExecAsync(ct);
                return (await WithChildrenAsync(c, tx, [model with { Name = newName, LastUpdatedTime = now }], false, ct))[0];
            }, ct);
        }
        catch (DbException e) when (Db.Dialect.IsUniqueViolation(e))
        {
            throw MlflowException.AlreadyExists(
                $"Registered Model (name={newName}) already exists. Error: UNIQUE constraint failed: registered_models.workspace, registered_models.name");
        }
    }

    public Task DeleteRegisteredModelAsync(string name, CancellationToken ct = default) =>
        Db.WriteAsync(async (c, tx) =>
        {
            await GetModelRowAsync(c, tx, name, ct);
            // MLflow's ORM cascade removes the children first; only the alias foreign key cascades deletes by itself.
            foreach (var table in new[] { "model_version_tags", "model_versions", "registered_model_tags", "registered_model_aliases", "registered_models" })
                await c.Sql($"DELETE FROM {table} WHERE workspace = '{Workspace}' AND name = @n", tx).P("@n", name).ExecAsync(ct);
        }, ct);

    /// <summary>
    /// Latest version per stage, filtered to <paramref name="stages"/> (all when empty), each with its aliases.
    /// The model is looked up before the stages are checked, as MLflow does.
    /// </summary>
    public Task<List<ModelVersion>> GetLatestVersionsAsync(string name, IReadOnlyList<string> stages, CancellationToken ct = default) =>
        Db.ReadAsync(c => LatestVersionsAsync(c, name, stages, ct), ct);

    private async Task<List<ModelVersion>> LatestVersionsAsync(DbConnection c, string name, IReadOnlyList<string> stages, CancellationToken ct)
    {
        var model = (await WithChildrenAsync(c, null, [await GetModelRowAsync(c, null, name, ct)], searchOrder: false, ct))[0];
        var expected = (stages.Count == 0 ? ModelStages.All : stages).Select(RegistryValidation.CanonicalStage).ToHashSet();
        return model.LatestVersions.Where(v => v.CurrentStage is not null && expected.Contains(v.CurrentStage))
            .Select(v => v with { Aliases = model.Aliases.Where(a => a.Version == v.Version).Select(a => a.Alias).ToList() })
            .ToList();
    }

    public async Task SetRegisteredModelTagAsync(string name, string key, string? value, CancellationToken ct = default)
    {
        RegistryValidation.ModelName(name);
        RegistryValidation.RegisteredModelTag(key, value);
        await Db.WriteAsync(async (c, tx) =>
        {
            await GetModelRowAsync(c, tx, name, ct);
            await UpsertRegisteredModelTagsAsync(c, tx, name, [new KeyValue(key, value)], ct);
        }, ct);
    }

    /// <summary>A missing tag is not an error (MLflow deletes it only if present).</summary>
    public async Task DeleteRegisteredModelTagAsync(string name, string key, CancellationToken ct = default)
    {
        RegistryValidation.ModelName(name);
        TrackingValidation.TagName(key);
        await Db.WriteAsync(async (c, tx) =>
        {
            await GetModelRowAsync(c, tx, name, ct);
            await c.Sql($"DELETE FROM registered_model_tags WHERE workspace = '{Workspace}' AND name = @n AND key = @k", tx)
                .P("@n", name).P("@k", key).ExecAsync(ct);
        }, ct);
    }
}
