using System.Data.Common;
using Sharpflow.Core.Entities;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Search;
using Sharpflow.Store.Sql;

namespace Sharpflow.Store.Registry;

/// <summary>
/// registered-models/search and model-versions/search, each compiled to one query (then one per child table for the
/// page). Target SQL for versions:
///   SELECT mv.* FROM model_versions mv WHERE mv.workspace = 'default' AND mv.current_stage &lt;&gt; 'Deleted_Internal'
///     AND mv.name LIKE @v0 ...                                         -- attribute clauses
///     AND mv.name NOT IN (names with a version tagged as prompt)       -- unless the filter asks for prompts
///   JOIN (SELECT name, version FROM model_version_tags WHERE (key = @k AND value = @v) OR ...
///         GROUP BY name, version HAVING COUNT(*) = &lt;keys&gt;) tf ON ...  -- tag clauses
///   ORDER BY mv.last_updated_time DESC, mv.name ASC, mv.version DESC LIMIT @n OFFSET @o
/// Prompts live in the same tables, marked by the mlflow.prompt.is_prompt tag: a search returns models only, or
/// prompts only when its filter says tags.`mlflow.prompt.is_prompt` = 'true' (MLflow's _is_querying_prompt).
/// </summary>
public sealed partial class RegistryStore
{
    public const int SearchRegisteredModelsMaxResults = 1000;

    private static readonly Dictionary<string, string> VersionColumnsByKey = new()
    {
        ["name"] = "name", ["run_id"] = "run_id", ["source_path"] = "source", ["version_number"] = "version",
        ["creation_timestamp"] = "creation_time", ["last_updated_timestamp"] = "last_updated_time",
    };

    public Task<Page<RegisteredModel>> SearchRegisteredModelsAsync(string? filter, long maxResults, IReadOnlyList<string> orderBy, string? pageToken,
        CancellationToken ct = default)
    {
        if (maxResults > SearchRegisteredModelsMaxResults)
            throw MlflowException.InvalidParameter(
                $"Invalid value for request parameter max_results. It must be at most {SearchRegisteredModelsMaxResults}, but got value {maxResults}");
        var query = SearchFilter.ParseRegisteredModelQuery(filter, orderBy, pageToken);
        return Db.ReadAsync(async c =>
        {
            var cmd = c.Sql("");
            var n = 0;
            var where = new List<string> { $"rm.workspace = '{Workspace}'" };
            foreach (var f in query.Filters.Where(f => f.EntityType == SearchEntityTypes.Attribute))
                where.Add(FilterSql.Compare(Db.Dialect, cmd, "rm.name", f.Comparator, FilterSql.Value(f.Value), ref n));
            var join = TagClauses(cmd, query.Filters, "registered_model_tags", "rm", ["name"], where, ref n);
            var order = query.OrderBy.Select(o => (o.Key == "name" ? "rm.name" : "rm.last_updated_time") + (o.Ascending ? " ASC" : " DESC"));
            cmd.CommandText = $"SELECT rm.name, rm.creation_time, rm.last_updated_time, rm.description FROM registered_models rm{join} " +
                              $"WHERE {string.Join(" AND ", where)} ORDER BY {string.Join(", ", order)}{Limit(cmd, maxResults, query.Offset)}";
            var rows = await cmd.ListAsync(r => new RegisteredModel(r.GetString(0), r.Long(1), r.Long(2), r.Str(3), [], [], []), ct);
            var (page, token) = Paginate(rows, maxResults, query.Offset);
            return new Page<RegisteredModel>(await WithChildrenAsync(c, null, page, searchOrder: true, ct), token);
        }, ct);
    }

    public Task<Page<ModelVersion>> SearchModelVersionsAsync(string? filter, long maxResults, IReadOnlyList<string> orderBy, string? pageToken,
        CancellationToken ct = default)
    {
        if (maxResults < 1)
            throw MlflowException.InvalidParameter($"Invalid value for max_results. It must be a positive integer, but got {maxResults}");
        var query = SearchFilter.ParseModelVersionQuery(filter, orderBy, pageToken);
        return Db.ReadAsync(async c =>
        {
            var cmd = c.Sql("");
            var n = 0;
            var where = new List<string> { $"mv.workspace = '{Workspace}'", "mv.current_stage <> 'Deleted_Internal'" };
            foreach (var f in query.Filters.Where(f => f.EntityType == SearchEntityTypes.Attribute))
            {
                var column = "mv." + VersionColumnsByKey[f.Key];
                where.Add(f.Key == "version_number"
                    ? FilterSql.CompareInteger(Db.Dialect, cmd, column, f.Comparator, f.Value, ref n)
                    : FilterSql.Compare(Db.Dialect, cmd, column, f.Comparator, FilterSql.Value(f.Value), ref n));
            }
            var join = TagClauses(cmd, query.Filters, "model_version_tags", "mv", ["name", "version"], where, ref n);
            var order = query.OrderBy.Select(o => "mv." + VersionColumnsByKey[o.Key] + (o.Ascending ? " ASC" : " DESC"));
            cmd.CommandText = $"SELECT {VersionColumns} FROM model_versions mv{join} WHERE {string.Join(" AND ", where)} " +
                              $"ORDER BY {string.Join(", ", order)}{Limit(cmd, maxResults, query.Offset)}";
            var rows = await cmd.ListAsync(ReadVersion, ct);
            var (page, token) = Paginate(rows, maxResults, query.Offset);
            return new Page<ModelVersion>(await WithTagsAsync(c, null, page, ct), token);
        }, ct);
    }

    /// <summary>
    /// Tag filters and the prompt/model separation, as MLflow builds them: the entities having every filtered tag key
    /// come from one grouped subquery over the tag table (all of a key's comparisons on the same row; HAVING counts the
    /// keys), joined on the entity's key. When the search is not for prompts, MLflow drops the clauses on the prompt tag
    /// itself and excludes every name whose entity carries mlflow.prompt.is_prompt = 'true'. Returns the JOIN text.
    /// </summary>
    private string TagClauses(DbCommand cmd, IReadOnlyList<Comparison> filters, string table, string owner, string[] keyColumns,
        List<string> where, ref int n)
    {
        var tagFilters = filters.Where(f => f.EntityType == SearchEntityTypes.Tag).ToList();
        var forPrompts = IsQueryingPrompts(tagFilters);
        if (!forPrompts)
        {
            tagFilters.RemoveAll(f => f.Key == RegistryTags.IsPrompt);
            where.Add($"{owner}.name NOT IN (SELECT p.name FROM {table} p WHERE p.workspace = '{Workspace}' " +
                      $"AND p.key = '{RegistryTags.IsPrompt}' AND p.value = 'true')");
        }
        if (tagFilters.Count == 0) return "";
        var groups = new List<string>();
        foreach (var group in tagFilters.GroupBy(f => f.Key))
        {
            var kp = $"@v{n++}";
            cmd.P(kp, group.Key);
            var conditions = new List<string> { $"t.key = {kp}" };
            foreach (var f in group) conditions.Add(FilterSql.Compare(Db.Dialect, cmd, "t.value", f.Comparator, FilterSql.Value(f.Value), ref n));
            groups.Add("(" + string.Join(" AND ", conditions) + ")");
        }
        var columns = string.Join(", ", keyColumns.Select(c => "t." + c));
        var on = string.Join(" AND ", keyColumns.Select(c => $"tf.{c} = {owner}.{c}"));
        return $" JOIN (SELECT {columns} FROM {table} t WHERE t.workspace = '{Workspace}' AND ({string.Join(" OR ", groups)}) " +
               $"GROUP BY {columns} HAVING COUNT(*) = {groups.Count}) tf ON {on}";
    }

    /// <summary>MLflow decides by the first clause on the prompt tag: = 'true' or != 'false' (any case) asks for prompts.</summary>
    private static bool IsQueryingPrompts(IEnumerable<Comparison> tagFilters)
    {
        var first = tagFilters.FirstOrDefault(f => f.Key == RegistryTags.IsPrompt);
        if (first?.Value is not FilterValue.StringValue s) return false;
        return (first.Comparator == "=" && s.Value.Equals("true", StringComparison.OrdinalIgnoreCase))
               || (first.Comparator == "!=" && s.Value.Equals("false", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>One row more than the page, to know whether another page follows (negative sizes read everything, as SQLite's LIMIT does).</summary>
    private string Limit(DbCommand cmd, long maxResults, long offset)
    {
        cmd.P("@offset", offset);
        if (maxResults + 1 > 0)
        {
            cmd.P("@limit", maxResults + 1);
            return " LIMIT @limit OFFSET @offset";
        }
        return (Db.Dialect.Kind == DbKind.Sqlite ? " LIMIT -1" : "") + " OFFSET @offset";
    }

    /// <summary>MLflow's page arithmetic: a token when the extra row came back, then Python's rows[:max_results].</summary>
    private static (List<T> Page, string? Token) Paginate<T>(List<T> rows, long maxResults, long offset)
    {
        var token = rows.Count == maxResults + 1 ? PageToken.Encode(offset + maxResults) : null;
        var keep = maxResults >= 0 ? (int)Math.Min(maxResults, rows.Count) : Math.Max(0, rows.Count + (int)Math.Max(maxResults, -rows.Count));
        return (rows.Take(keep).ToList(), token);
    }
}
