using Sharpflow.Core.Python;
using System.Data.Common;
using System.Text;
using Sharpflow.Core.Entities;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Search;
using Sharpflow.Core.Validation;
using Sharpflow.Store.Sql;

namespace Sharpflow.Store.Tracking;

/// <summary>
/// search_runs and search_experiments compiled to one SQL query each (plus one query per child table
/// for the page's runs). Target SQL for runs:
///   SELECT r.* FROM runs r [LEFT JOIN latest_metrics|params|tags ob0 ON ob0.run_uuid = r.run_uuid AND ob0.key = @ob0]
///   WHERE r.experiment_id IN (...) AND r.lifecycle_stage = 'active'
///     AND EXISTS (SELECT 1 FROM params x WHERE x.run_uuid = r.run_uuid AND x.key = @k AND x.value = @v) ...
///   ORDER BY (null/NaN rank of ob0), ob0.value DESC, ..., r.start_time DESC, r.run_uuid LIMIT @n OFFSET @o
/// </summary>
public sealed partial class TrackingStore
{
    private static readonly Dictionary<string, string> RunColumnsByAttribute = new()
    {
        ["run_id"] = "run_uuid", ["run_name"] = "name", ["status"] = "status", ["user_id"] = "user_id",
        ["artifact_uri"] = "artifact_uri", ["start_time"] = "start_time", ["end_time"] = "end_time",
        ["lifecycle_stage"] = "lifecycle_stage", ["experiment_id"] = "experiment_id",
    };

    private static void CheckMaxResults(long maxResults)
    {
        if (maxResults <= 0)
            throw MlflowException.InvalidParameter($"Invalid value {maxResults} for parameter 'max_results' supplied. It must be a positive integer");
        if (maxResults > MlflowLimits.SearchMaxResultsThreshold)
            throw MlflowException.InvalidParameter($"Invalid value {maxResults} for parameter 'max_results' supplied. It must be at most {MlflowLimits.SearchMaxResultsThreshold}");
    }

    public Task<Page<Run>> SearchRunsAsync(IReadOnlyList<string> experimentIds, string? filter, ViewType view, long? maxResults,
        IReadOnlyList<string> orderBy, string? pageToken, CancellationToken ct = default)
    {
        if (maxResults is not null) CheckMaxResults(maxResults.Value);
        var query = SearchFilter.ParseRunQuery(filter, orderBy, pageToken);
        var expIds = experimentIds.Select(e => long.TryParse(e, out var v) ? v
            : throw MlflowException.InvalidParameter($"invalid literal for int() with base 10: {PythonRepr.Str(e)}")).ToList();

        return Db.ReadAsync(async c =>
        {
            if (expIds.Count == 0) return new Page<Run>([], null);
            var cmd = c.Sql("");
            var n = 0;
            var where = new List<string> { $"r.experiment_id IN ({cmd.InList("e", expIds)})" };
            where.Add(view switch
            {
                ViewType.ACTIVE_ONLY => "r.lifecycle_stage = 'active'",
                ViewType.DELETED_ONLY => "r.lifecycle_stage = 'deleted'",
                _ => "r.lifecycle_stage IN ('active', 'deleted')",
            });
            foreach (var f in query.Filters) where.Add(RunClauseSql(cmd, f, ref n));

            var joins = new StringBuilder();
            var order = new List<string>();
            var j = 0;
            foreach (var o in query.OrderBy)
            {
                string valueExpr;
                if (o.EntityType == SearchEntityTypes.Attribute)
                {
                    valueExpr = "r." + (RunColumnsByAttribute.TryGetValue(o.Key, out var col) ? col : o.Key);
                    // Only the caller's clauses rank NULLs last; MLflow's own tie-breakers sort plainly.
                    if (j < orderBy.Count) order.Add($"CASE WHEN {valueExpr} IS NULL THEN 1 ELSE 0 END");
                }
                else
                {
                    var table = o.EntityType switch
                    {
                        SearchEntityTypes.Metric => "latest_metrics",
                        SearchEntityTypes.Parameter => "params",
                        SearchEntityTypes.Tag => "tags",
                        _ => throw MlflowException.InvalidParameter($"Invalid identifier type '{o.EntityType}'"),
                    };
                    var alias = $"ob{j}";
                    cmd.P("@" + alias, o.Key);
                    joins.Append($" LEFT JOIN {table} {alias} ON {alias}.run_uuid = r.run_uuid AND {alias}.key = @{alias}");
                    valueExpr = $"{alias}.value";
                    order.Add(o.EntityType == SearchEntityTypes.Metric
                        ? $"CASE WHEN {alias}.is_nan = {Db.Dialect.True} THEN 1 WHEN {alias}.value IS NULL THEN 2 ELSE 0 END"
                        : $"CASE WHEN {valueExpr} IS NULL THEN 1 ELSE 0 END");
                }
                order.Add(valueExpr + (o.Ascending ? " ASC" : " DESC"));
                j++;
            }

            var limit = maxResults is null ? (Db.Dialect.Kind == DbKind.Sqlite ? " LIMIT -1" : "") : " LIMIT @limit";
            if (maxResults is not null) cmd.P("@limit", maxResults.Value + 1);
            cmd.P("@offset", query.Offset);
            cmd.CommandText = $"SELECT {RunColumns} FROM runs r{joins} WHERE {string.Join(" AND ", where)} " +
                              $"ORDER BY {string.Join(", ", order)}{limit} OFFSET @offset";
            var infos = await cmd.ListAsync(ReadRunInfo, ct);
            string? token = null;
            if (maxResults is not null && infos.Count == maxResults + 1)
            {
                infos.RemoveAt(infos.Count - 1);
                token = PageToken.Encode(query.Offset + maxResults.Value);
            }
            var runs = await LoadRunDataAsync(c, infos, includeModelInputs: false, ct);
            return new Page<Run>(runs, token);
        }, ct);
    }

    private string RunClauseSql(DbCommand cmd, Comparison f, ref int n)
    {
        var key = f.Key;
        switch (f.EntityType)
        {
            case SearchEntityTypes.Attribute when key == "run_name":
            {
                var kp = $"@v{n++}";
                cmd.P(kp, MlflowTags.RunName);
                return $"EXISTS (SELECT 1 FROM tags t WHERE t.run_uuid = r.run_uuid AND t.key = {kp} AND {FilterSql.Compare(Db.Dialect, cmd, "t.value", f.Comparator, FilterSql.Value(f.Value), ref n)})";
            }
            case SearchEntityTypes.Attribute:
            {
                var column = RunColumnsByAttribute.TryGetValue(key, out var col) ? col : key;
                return (column is "start_time" or "end_time"
                    ? FilterSql.CompareInteger(Db.Dialect, cmd, "r." + column, f.Comparator, f.Value, ref n)
                    : FilterSql.Compare(Db.Dialect, cmd, "r." + column, f.Comparator, FilterSql.Value(f.Value), ref n));
            }
            case SearchEntityTypes.Dataset when key == "context":
                return "EXISTS (SELECT 1 FROM inputs i JOIN datasets d ON i.source_id = d.dataset_uuid JOIN input_tags it ON it.input_uuid = i.input_uuid " +
                       $"AND it.name = 'mlflow.data.context' WHERE i.destination_id = r.run_uuid AND {FilterSql.Compare(Db.Dialect, cmd, "it.value", f.Comparator, FilterSql.Value(f.Value), ref n)})";
            case SearchEntityTypes.Dataset:
                return "EXISTS (SELECT 1 FROM inputs i JOIN datasets d ON i.source_id = d.dataset_uuid WHERE i.destination_id = r.run_uuid " +
                       $"AND {FilterSql.Compare(Db.Dialect, cmd, "d." + key, f.Comparator, FilterSql.Value(f.Value), ref n)})";
        }
        var table = f.EntityType switch
        {
            SearchEntityTypes.Metric => "latest_metrics",
            SearchEntityTypes.Parameter => "params",
            SearchEntityTypes.Tag => "tags",
            _ => throw MlflowException.InvalidParameter($"Invalid search expression type '{f.EntityType}'"),
        };
        var keyParam = $"@v{n++}";
        cmd.P(keyParam, key);
        var exists = $"EXISTS (SELECT 1 FROM {table} x WHERE x.run_uuid = r.run_uuid AND x.key = {keyParam}";
        if (f.Comparator == "IS NULL") return "NOT " + exists + ")";
        if (f.Comparator == "IS NOT NULL") return exists + ")";
        return $"{exists} AND {FilterSql.Compare(Db.Dialect, cmd, "x.value", f.Comparator, FilterSql.Value(f.Value), ref n)})";
    }

    public Task<Page<Experiment>> SearchExperimentsAsync(ViewType view, long maxResults, string? filter, IReadOnlyList<string> orderBy,
        string? pageToken, CancellationToken ct = default)
    {
        CheckMaxResults(maxResults);
        var query = SearchFilter.ParseExperimentQuery(filter, orderBy, pageToken);
        return Db.ReadAsync(async c =>
        {
            var n = 0;
            var where = new List<string> { "1 = 1" };
            var probe = c.Sql("");
            foreach (var f in query.Filters)
            {
                if (f.EntityType == SearchEntityTypes.Attribute)
                {
                    var integer = f.Key is "creation_time" or "last_update_time";
                    where.Add(integer
                        ? FilterSql.CompareInteger(Db.Dialect, probe, "e." + f.Key, f.Comparator, f.Value, ref n)
                        : FilterSql.Compare(Db.Dialect, probe, "e." + f.Key, f.Comparator, FilterSql.Value(f.Value), ref n));
                    continue;
                }
                var kp = $"@v{n++}";
                probe.P(kp, f.Key);
                var exists = $"EXISTS (SELECT 1 FROM experiment_tags t WHERE t.experiment_id = e.experiment_id AND t.key = {kp}";
                // (key, experiment_id) is the primary key, so the tag's value is a scalar lookup per experiment; this
                // form keeps PostgreSQL on that index probe even before ANALYZE has seen the table (an EXISTS semi-join
                // on fresh statistics was planned as a nested loop over every tag with that key: 40 ms for 500).
                var value = $"(SELECT t.value FROM experiment_tags t WHERE t.experiment_id = e.experiment_id AND t.key = {kp})";
                where.Add(f.Comparator switch
                {
                    "IS NULL" => "NOT " + exists + ")",
                    "IS NOT NULL" => exists + ")",
                    _ => FilterSql.Compare(Db.Dialect, probe, value, f.Comparator, FilterSql.Value(f.Value), ref n),
                });
            }
            var orderSql = query.OrderBy.Select(o => $"e.{o.Key} {(o.Ascending ? "ASC" : "DESC")}");
            var list = await LoadExperimentsAsync(c, null, string.Join(" AND ", where) + StageFilter("e", view), cmd =>
            {
                foreach (DbParameter p in probe.Parameters) cmd.P(p.ParameterName, p.Value);
                cmd.P("@limit", maxResults + 1).P("@offset", query.Offset);
            }, $"ORDER BY {string.Join(", ", orderSql)} LIMIT @limit OFFSET @offset", ct);
            await probe.DisposeAsync();
            string? token = null;
            if (list.Count == maxResults + 1)
            {
                list.RemoveAt(list.Count - 1);
                token = PageToken.Encode(query.Offset + maxResults);
            }
            return new Page<Experiment>(list, token);
        }, ct);
    }
}
