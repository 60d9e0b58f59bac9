using System.Data.Common;
using System.Text;
using Sharpflow.Core.Entities;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Validation;
using Sharpflow.Store.Sql;

namespace Sharpflow.Store.Registry;

/// <summary>
/// The model registry on MLflow's tables (registered_models, model_versions, their tags, registered_model_aliases),
/// always in the 'default' workspace as a single-tenant MLflow server. Split into partial files by entity; every
/// method is one transaction. Child rows (tags, aliases, latest versions) load with one query per table per page.
/// </summary>
public sealed partial class RegistryStore(SqlDatabase db)
{
    /// <summary>MLflow 3.11 keeps every registry row in a workspace; without workspaces enabled it is this one.</summary>
    internal const string Workspace = "default";

    private const string VersionColumns =
        "mv.name, mv.version, mv.creation_time, mv.last_updated_time, mv.description, mv.user_id, mv.current_stage, " +
        "mv.source, mv.run_id, mv.status, mv.status_message, mv.run_link, mv.storage_location";

    public SqlDatabase Db { get; } = db;

    internal static long NowMillis() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private static ModelVersion ReadVersion(DbDataReader r) => new(
        r.GetString(0), Convert.ToInt64(r.GetValue(1)), r.Long(2), r.Long(3), r.Str(4), r.Str(5), r.Str(6), r.Str(7), r.Str(8),
        r.Str(9), r.Str(10), r.Str(11), r.Str(12), []);

    private static MlflowException ModelNotFound(string name) => MlflowException.NotFound($"Registered Model with name={name} not found");

    private static MlflowException VersionNotFound(string name, string version) =>
        MlflowException.NotFound($"Model Version (name={name}, version={version}) not found");

    /// <summary>The registered model row (no children); 404 as MLflow's _get_registered_model.</summary>
    private static async Task<RegisteredModel> GetModelRowAsync(DbConnection c, DbTransaction? tx, string name, CancellationToken ct)
    {
        RegistryValidation.ModelName(name);
        var rows = await c.Sql("SELECT name, creation_time, last_updated_time, description FROM registered_models " +
                               $"WHERE workspace = '{Workspace}' AND name = @n", tx).P("@n", name)
            .ListAsync(r => new RegisteredModel(r.GetString(0), r.Long(1), r.Long(2), r.Str(3), [], [], []), ct);
        return rows.Count == 0 ? throw ModelNotFound(name) : rows[0];
    }

    /// <summary>A version that is not deleted, with its tags; 404 otherwise. Name and version are checked first, as MLflow does.</summary>
    private async Task<ModelVersion> GetVersionAsync(DbConnection c, DbTransaction? tx, string name, string version, CancellationToken ct,
        bool withAliases = false)
    {
        RegistryValidation.ModelName(name);
        var number = RegistryValidation.ModelVersion(version) ?? throw VersionNotFound(name, version);
        var rows = await c.Sql($"SELECT {VersionColumns} FROM model_versions mv WHERE mv.workspace = '{Workspace}' AND mv.name = @n " +
                               "AND mv.version = @v AND mv.current_stage <> 'Deleted_Internal'", tx)
            .P("@n", name).P("@v", number).ListAsync(ReadVersion, ct);
        if (rows.Count == 0) throw VersionNotFound(name, version);
        var mv = (await WithTagsAsync(c, tx, rows, ct))[0];
        return withAliases ? await WithAliasesAsync(c, tx, mv, ct) : mv;
    }

    private static async Task<ModelVersion> WithAliasesAsync(DbConnection c, DbTransaction? tx, ModelVersion mv, CancellationToken ct)
    {
        var aliases = await c.Sql($"SELECT alias FROM registered_model_aliases WHERE workspace = '{Workspace}' AND name = @n AND version = @v " +
                                  "ORDER BY alias", tx).P("@n", mv.Name).P("@v", mv.Version).ListAsync(r => r.GetString(0), ct);
        return mv with { Aliases = aliases };
    }

    /// <summary>
    /// Fills the tags of many versions, tags in the order they were written: one query per 500 versions, asking for
    /// their names and their numbers (a superset of the pairs, filtered here; never all tags of a large model).
    /// </summary>
    private async Task<List<ModelVersion>> WithTagsAsync(DbConnection c, DbTransaction? tx, IReadOnlyList<ModelVersion> versions, CancellationToken ct)
    {
        if (versions.Count == 0) return [];
        var wanted = versions.Select(v => (v.Name, v.Version)).ToHashSet();
        var tags = new Dictionary<(string, long), List<KeyValue>>();
        var order = Db.Dialect.InsertionOrder("t");
        foreach (var chunk in versions.Chunk(500))
        {
            var cmd = c.Sql("", tx);
            var names = cmd.InList("n", chunk.Select(v => v.Name).Distinct().ToList());
            var numbers = cmd.InList("v", chunk.Select(v => v.Version).Distinct().ToList());
            cmd.CommandText = $"SELECT t.name, t.version, t.key, t.value FROM model_version_tags t WHERE t.workspace = '{Workspace}' " +
                              $"AND t.name IN ({names}) AND t.version IN ({numbers})" + (order is null ? "" : $" ORDER BY {order}");
            foreach (var (n, v, tag) in await cmd.ListAsync(r => (r.GetString(0), Convert.ToInt64(r.GetValue(1)), new KeyValue(r.GetString(2), r.Str(3))), ct))
            {
                if (!wanted.Contains((n, v))) continue;
                if (!tags.TryGetValue((n, v), out var list)) tags[(n, v)] = list = [];
                list.Add(tag);
            }
        }
        return versions.Select(v => v with { Tags = tags.GetValueOrDefault((v.Name, v.Version)) ?? [] }).ToList();
    }

    /// <summary>
    /// Tags, aliases and latest version per stage of many registered models. <paramref name="searchOrder"/> orders the
    /// latest versions as MLflow's search query returns them (by stage name); a single get lists them in the order the
    /// stages first occur among the versions (by their lowest version), as its Python loop builds the dictionary.
    /// </summary>
    private async Task<List<RegisteredModel>> WithChildrenAsync(DbConnection c, DbTransaction? tx, IReadOnlyList<RegisteredModel> models,
        bool searchOrder, CancellationToken ct)
    {
        if (models.Count == 0) return [];
        var tags = new Dictionary<string, List<KeyValue>>();
        var aliases = new Dictionary<string, List<RegisteredModelAlias>>();
        var latest = new List<ModelVersion>();
        var tagOrder = Db.Dialect.InsertionOrder("t");
        foreach (var chunk in models.Select(m => m.Name).Chunk(500))
        {
            var cmd = c.Sql("", tx);
            var names = cmd.InList("n", chunk);
            cmd.CommandText = $"SELECT t.name, t.key, t.value FROM registered_model_tags t WHERE t.workspace = '{Workspace}' AND t.name IN ({names})" +
                              (tagOrder is null ? "" : $" ORDER BY {tagOrder}");
            foreach (var (n, tag) in await cmd.ListAsync(r => (r.GetString(0), new KeyValue(r.GetString(1), r.Str(2))), ct)) Add(tags, n, tag);

            cmd = c.Sql("", tx);
            names = cmd.InList("n", chunk);
            cmd.CommandText = $"SELECT a.name, a.alias, a.version FROM registered_model_aliases a WHERE a.workspace = '{Workspace}' " +
                              $"AND a.name IN ({names}) ORDER BY a.name, a.alias";
            foreach (var (n, alias) in await cmd.ListAsync(r => (r.GetString(0), new RegisteredModelAlias(r.GetString(1), Convert.ToInt64(r.GetValue(2)))), ct))
                Add(aliases, n, alias);

            cmd = c.Sql("", tx);
            names = cmd.InList("n", chunk);
            var stageOrder = searchOrder ? "mv.current_stage"
                : "(SELECT MIN(f.version) FROM model_versions f WHERE f.workspace = mv.workspace AND f.name = mv.name AND f.current_stage = mv.current_stage)";
            cmd.CommandText = $"SELECT {VersionColumns} FROM model_versions mv JOIN (SELECT name, current_stage, MAX(version) AS latest " +
                              $"FROM model_versions WHERE workspace = '{Workspace}' AND name IN ({names}) AND current_stage <> 'Deleted_Internal' " +
                              $"GROUP BY name, current_stage) l ON mv.workspace = '{Workspace}' AND mv.name = l.name AND mv.version = l.latest " +
                              $"ORDER BY mv.name, {stageOrder}";
            latest.AddRange(await cmd.ListAsync(ReadVersion, ct));
        }
        var byName = (await WithTagsAsync(c, tx, latest, ct)).GroupBy(v => v.Name).ToDictionary(g => g.Key, g => g.ToList());
        return models.Select(m => m with
        {
            LatestVersions = byName.GetValueOrDefault(m.Name) ?? [],
            Tags = tags.GetValueOrDefault(m.Name) ?? [],
            Aliases = aliases.GetValueOrDefault(m.Name) ?? [],
        }).ToList();
    }

    private static void Add<T>(Dictionary<string, List<T>> dict, string key, T value)
    {
        if (!dict.TryGetValue(key, out var list)) dict[key] = list = [];
        list.Add(value);
    }

    /// <summary>Python's dict built from a tag list: first position of a key, last value written for it.</summary>
    internal static List<KeyValue> DedupeTags(IReadOnlyList<KeyValue> tags)
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

    /// <summary>One multi-row upsert of tags into a registry tag table (keys by <paramref name="keyColumns"/>).</summary>
    private static async Task UpsertTagsAsync(DbConnection c, DbTransaction tx, string table, string keyColumns, string extraColumns,
        Action<DbCommand> bindExtra, string extraValues, IReadOnlyList<KeyValue> tags, CancellationToken ct)
    {
        if (tags.Count == 0) return;
        var cmd = c.Sql("", tx);
        var sb = new StringBuilder($"INSERT INTO {table} (workspace, key, value, {extraColumns}) VALUES ");
        var list = DedupeTags(tags);
        for (var i = 0; i < list.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append($"('{Workspace}', @k{i}, @v{i}, {extraValues})");
            cmd.P($"@k{i}", list[i].Key).P($"@v{i}", list[i].Value);
        }
        sb.Append($" ON CONFLICT ({keyColumns}) DO UPDATE SET value = excluded.value");
        cmd.CommandText = sb.ToString();
        bindExtra(cmd);
        await cmd.ExecAsync(ct);
    }
}
