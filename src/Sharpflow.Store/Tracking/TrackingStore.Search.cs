using System.Data.Common;
using System.Text;
using Sharpflow.Core.Entities;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Validation;
using Sharpflow.Store.Sql;

namespace Sharpflow.Store.Tracking;

/// <summary>
/// search_runs and search_experiments compiled to one SQL query each. Target SQL for runs:
///   SELECT r.* FROM runs r [LEFT JOIN latest_metrics|params|tags ob1 ON ob1.run_uuid = r.run_uuid AND ob1.key = @o1]
///   WHERE r.experiment_id IN (...) AND r.lifecycle_stage IN (...)
///     AND EXISTS (SELECT 1 FROM params p WHERE p.run_uuid = r.run_uuid AND p.key = @k AND p.value = @v) ...
///   ORDER BY (ob1.value IS NULL), ob1.value DESC, ..., r.start_time DESC, r.run_uuid LIMIT @n OFFSET @o
/// </summary>
public sealed partial class TrackingStore
{
    public Func<string?, IReadOnlyList<FilterClause>> ParseRunFilter { get; set; } = _ => [];
    public Func<string, OrderClause> ParseRunOrderBy { get; set; } = s => new OrderClause("attribute", s, true);
    public Func<string?, IReadOnlyList<FilterClause>> ParseExperimentFilter { get; set; } = _ => [];
    public Func<string, OrderClause> ParseExperimentOrderBy { get; set; } = s => new OrderClause("attribute", s, true);

    private static readonly Dictionary<string, string> RunColumnsByAttribute = new()
    {
        ["run_id"] = "run_uuid", ["run_name"] = "name", ["status"] = "status", ["user_id"] = "user_id",
        ["artifact_uri"] = "artifact_uri", ["start_time"] = "start_time", ["end_time"] = "end_time",
        ["lifecycle_stage"] = "lifecycle_stage", ["experiment_id"] = "experiment_id", ["created"] = "start_time",
    };

    private string Compare(DbCommand cmd, string column, string comparator, object? value, ref int n)
    {
        if (comparator is "IN" or "NOT IN")
        {
            var list = value as IReadOnlyList<string> ?? [];
            var names = cmd.InList($"v{n++}_", list);
            return $"{column} {comparator} ({names})";
        }
        var p = $"@v{n++}";
        cmd.P(p, value);
        return comparator switch
        {
            "LIKE" => Db.Dialect.Like(column, p),
            "ILIKE" => Db.Dialect.ILike(column, p),
            "RLIKE" => Db.Dialect.RegexMatch(column, p),
            "=" or "!=" or ">" or ">=" or "<" or "<=" => $"{column} {comparator} {p}",
            _ => throw MlflowException.InvalidParameter($"Invalid comparator '{comparator}'"),
        };
    }

    public Task<Page<Run>> SearchRunsAsync(IReadOnlyList<string> experimentIds, string? filter, ViewType view, long? maxResults,
        IReadOnlyList<string> orderBy, string? pageToken, CancellationToken ct = default)
    {
        if (maxResults is not null && maxResults <= 0)
            throw MlflowException.InvalidParameter($"Invalid value {maxResults} for parameter 'max_results' supplied. It must be a positive integer");
        if (maxResults > MlflowLimits.SearchMaxResultsThreshold)
            throw MlflowException.InvalidParameter($"Invalid value {maxResults} for parameter 'max_results' supplied. It must be at most {MlflowLimits.SearchMaxResultsThreshold}");
        var clauses = ParseRunFilter(filter);
        var orders = orderBy.Select(ParseRunOrderBy).ToList();
        var offset = PageTokens.ParseOffset(pageToken);
        var expIds = experimentIds.Select(e => long.TryParse(e, out var v) ? v
            : throw MlflowException.InvalidParameter($"invalid literal for int() with base 10: {PyRepr.Str(e)}")).ToList();

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
            foreach (var f in clauses) where.Add(RunClauseSql(cmd, f, ref n));

            var joins = new StringBuilder();
            var order = new List<string>();
            var seen = new HashSet<(string, string)>();
            var j = 0;
            foreach (var o in orders)
            {
                var key = o.Type == "attribute" && RunColumnsByAttribute.ContainsKey(o.Key) ? RunColumnsByAttribute[o.Key] : o.Key;
                if (!seen.Add((o.Type, key)))
                    throw MlflowException.InvalidParameter($"`order_by` contains duplicate fields: {PyRepr.StrList(orderBy)}");
                string valueExpr;
                if (o.Type == "attribute")
                {
                    valueExpr = "r." + key;
                    order.Add($"CASE WHEN {valueExpr} IS NULL THEN 1 ELSE 0 END");
                }
                else
                {
                    var table = o.Type switch { "metric" => "latest_metrics", "parameter" => "params", "tag" => "tags",
                        _ => throw MlflowException.InvalidParameter($"Invalid identifier type '{o.Type}'") };
                    var alias = $"ob{j++}";
                    var p = $"@ob{j}";
                    cmd.P(p, o.Key);
                    joins.Append($" LEFT JOIN {table} {alias} ON {alias}.run_uuid = r.run_uuid AND {alias}.key = {p}");
                    valueExpr = $"{alias}.value";
                    order.Add(o.Type == "metric"
                        ? $"CASE WHEN {alias}.is_nan = {Db.Dialect.True} THEN 1 WHEN {alias}.value IS NULL THEN 2 ELSE 0 END"
                        : $"CASE WHEN {valueExpr} IS NULL THEN 1 ELSE 0 END");
                }
                order.Add(valueExpr + (o.Ascending ? " ASC" : " DESC"));
            }
            if (!seen.Contains(("attribute", "start_time"))) order.Add("r.start_time DESC");
            order.Add("r.run_uuid");

            var limit = maxResults is null ? "" : " LIMIT @limit";
            if (maxResults is not null) cmd.P("@limit", maxResults.Value + 1);
            cmd.P("@offset", offset);
            cmd.CommandText = $"SELECT {RunColumns} FROM runs r{joins} WHERE {string.Join(" AND ", where)} " +
                              $"ORDER BY {string.Join(", ", order)}{limit}{(maxResults is null && Db.Dialect.Kind == DbKind.Sqlite ? " LIMIT -1" : "")} OFFSET @offset";
            var infos = await cmd.ListAsync(ReadRunInfo, ct);
            string? token = null;
            if (maxResults is not null && infos.Count == maxResults + 1)
            {
                infos.RemoveAt(infos.Count - 1);
                token = PageTokens.Create(offset + maxResults.Value);
            }
            var runs = await LoadRunDataAsync(c, infos, includeModelInputs: false, ct);
            return new Page<Run>(runs, token);
        }, ct);
    }

    private string RunClauseSql(DbCommand cmd, FilterClause f, ref int n)
    {
        var key = f.Key;
        if (f.Type == "attribute")
        {
            if (key is "run_name" or "run name")
            {
                var kp = $"@v{n++}";
                cmd.P(kp, MlflowTags.RunName);
                return $"EXISTS (SELECT 1 FROM tags t WHERE t.run_uuid = r.run_uuid AND t.key = {kp} AND {Compare(cmd, "t.value", f.Comparator, f.Value, ref n)})";
            }
            var column = RunColumnsByAttribute.TryGetValue(key, out var col) ? col : key;
            var value = f.Value;
            if (column is "start_time" or "end_time" && value is double d) value = (long)d;
            return Compare(cmd, "r." + column, f.Comparator, value, ref n);
        }
        if (f.Type == "dataset")
        {
            var inner = key == "context"
                ? $"EXISTS (SELECT 1 FROM inputs i JOIN datasets d ON i.source_id = d.dataset_uuid JOIN input_tags it ON it.input_uuid = i.input_uuid " +
                  $"AND it.name = 'mlflow.data.context' WHERE i.destination_id = r.run_uuid AND {Compare(cmd, "it.value", f.Comparator, f.Value, ref n)})"
                : $"EXISTS (SELECT 1 FROM inputs i JOIN datasets d ON i.source_id = d.dataset_uuid WHERE i.destination_id = r.run_uuid " +
                  $"AND {Compare(cmd, "d." + key, f.Comparator, f.Value, ref n)})";
            return inner;
        }
        var table = f.Type switch
        {
            "metric" => "latest_metrics",
            "parameter" => "params",
            "tag" => "tags",
            _ => throw MlflowException.InvalidParameter($"Invalid search expression type '{f.Type}'"),
        };
        var keyParam = $"@v{n++}";
        cmd.P(keyParam, key);
        var exists = $"EXISTS (SELECT 1 FROM {table} x WHERE x.run_uuid = r.run_uuid AND x.key = {keyParam}";
        if (f.Comparator == "IS NULL") return "NOT " + exists + ")";
        if (f.Comparator == "IS NOT NULL") return exists + ")";
        var v = f.Type == "metric" && f.Value is not double && double.TryParse(f.Value?.ToString(), System.Globalization.CultureInfo.InvariantCulture, out var dv) ? dv : f.Value;
        return $"{exists} AND {Compare(cmd, "x.value", f.Comparator, v, ref n)})";
    }

    public Task<Page<Experiment>> SearchExperimentsAsync(ViewType view, long maxResults, string? filter, IReadOnlyList<string> orderBy,
        string? pageToken, CancellationToken ct = default)
    {
        if (maxResults <= 0)
            throw MlflowException.InvalidParameter($"Invalid value {maxResults} for parameter 'max_results' supplied. It must be a positive integer");
        if (maxResults > MlflowLimits.SearchMaxResultsThreshold)
            throw MlflowException.InvalidParameter($"Invalid value {maxResults} for parameter 'max_results' supplied. It must be at most {MlflowLimits.SearchMaxResultsThreshold}");
        var clauses = ParseExperimentFilter(filter);
        var orders = (orderBy.Count == 0 ? ["creation_time DESC", "experiment_id ASC"] : orderBy).Select(ParseExperimentOrderBy).ToList();
        var offset = PageTokens.ParseOffset(pageToken);
        return Db.ReadAsync(async c =>
        {
            var n = 0;
            var where = new List<string> { "1 = 1" };
            Action<DbCommand> bind = _ => { };
            var probe = c.Sql("");
            foreach (var f in clauses)
            {
                if (f.Type == "attribute")
                {
                    var value = f.Value;
                    if (f.Key is "creation_time" or "last_update_time" && value is double d) value = (long)d;
                    where.Add(Compare(probe, "e." + f.Key, f.Comparator, value, ref n));
                }
                else
                {
                    var kp = $"@v{n++}";
                    probe.P(kp, f.Key);
                    var exists = $"EXISTS (SELECT 1 FROM experiment_tags t WHERE t.experiment_id = e.experiment_id AND t.key = {kp}";
                    where.Add(f.Comparator switch
                    {
                        "IS NULL" => "NOT " + exists + ")",
                        "IS NOT NULL" => exists + ")",
                        _ => $"{exists} AND {Compare(probe, "t.value", f.Comparator, f.Value, ref n)})",
                    });
                }
            }
            var orderSql = orders.Select(o => $"e.{o.Key} {(o.Ascending ? "ASC" : "DESC")}").ToList();
            if (!orders.Any(o => o.Key == "experiment_id")) orderSql.Add("e.experiment_id DESC");
            var list = await LoadExperimentsAsync(c, null, string.Join(" AND ", where) + StageFilter("e", view), cmd =>
            {
                foreach (DbParameter p in probe.Parameters) cmd.P(p.ParameterName, p.Value);
                cmd.P("@limit", maxResults + 1).P("@offset", offset);
            }, $"ORDER BY {string.Join(", ", orderSql)} LIMIT @limit OFFSET @offset", ct);
            await probe.DisposeAsync();
            string? token = null;
            if (list.Count == maxResults + 1)
            {
                list.RemoveAt(list.Count - 1);
                token = PageTokens.Create(offset + maxResults);
            }
            return new Page<Experiment>(list, token);
        }, ct);
    }
}
