using System.Data.Common;
using Sharpflow.Core.Entities;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Python;
using Sharpflow.Core.Search;
using Sharpflow.Store.Sql;

namespace Sharpflow.Store.Tracking;

/// <summary>A datasets entry of logged-models/search; a missing digest means "digest IS NULL", as MLflow's query says.</summary>
public sealed record LoggedModelDatasetFilter(string? Name, string? Digest);

/// <summary>
/// logged-models/search compiled to one query (then one per child table for the page). Target SQL:
///   SELECT m.* FROM logged_models m
///   WHERE m.lifecycle_stage &lt;&gt; 'deleted' AND m.experiment_id IN (...) AND m.name = @v0 ...
///     AND EXISTS (SELECT 1 FROM logged_model_metrics x WHERE x.model_id = m.model_id AND x.metric_name = @k
///                 AND x.metric_value &gt; @v [AND (dataset filters)])             -- also params and tags
///   ORDER BY (NULLs last), m.name ASC, ..., m.creation_timestamp_ms DESC LIMIT @n OFFSET @o
/// A metrics.&lt;name&gt; sort key is the model's latest value of that metric (by timestamp, then step).
/// </summary>
public sealed partial class TrackingStore
{
    public const int SearchLoggedModelsDefaultMaxResults = 100;

    private static readonly HashSet<string> IntegerModelColumns = ["experiment_id", "status"];

    public Task<Page<LoggedModel>> SearchLoggedModelsAsync(IReadOnlyList<string> experimentIds, string? filter,
        IReadOnlyList<LoggedModelDatasetFilter>? datasets, long? maxResults, IReadOnlyList<LoggedModelOrderBy>? orderBy, string? pageToken,
        CancellationToken ct = default)
    {
        if (datasets is not null && datasets.Any(d => string.IsNullOrEmpty(d.Name)))
            throw MlflowException.InvalidParameter("`dataset_name` in the `datasets` clause must be specified.");
        var query = SearchFilter.ParseLoggedModelQuery(experimentIds, filter, orderBy, pageToken);
        var limit = maxResults is null or 0 ? SearchLoggedModelsDefaultMaxResults : maxResults.Value;
        var expIds = experimentIds.Select(e => long.TryParse(e, out var v) ? v
            : throw MlflowException.InvalidParameter($"invalid literal for int() with base 10: {PythonRepr.Str(e)}")).ToList();

        return Db.ReadAsync(async c =>
        {
            var cmd = c.Sql("");
            var n = 0;
            var where = new List<string> { "m.lifecycle_stage <> 'deleted'", $"m.experiment_id IN ({cmd.InList("e", expIds)})" };
            var datasetSql = datasets is { Count: > 0 } ? DatasetFilterSql(cmd, datasets, "x", ref n) : null;
            foreach (var f in query.Filters)
            {
                switch (f.EntityType)
                {
                    case SearchEntityTypes.Attribute:
                        where.Add(IntegerModelColumns.Contains(f.Key)
                            ? FilterSql.CompareInteger(Db.Dialect, cmd, "m." + f.Key, f.Comparator, f.Value, ref n)
                            : FilterSql.Compare(Db.Dialect, cmd, "m." + f.Key, f.Comparator, FilterSql.Value(f.Value), ref n));
                        break;
                    case SearchEntityTypes.Metric:
                        where.Add(ChildExists(cmd, "logged_model_metrics", "metric_name", "metric_value", f, ref n, datasetSql));
                        break;
                    case SearchEntityTypes.Parameter:
                        where.Add(ChildExists(cmd, "logged_model_params", "param_key", "param_value", f, ref n, null));
                        break;
                    default:
                        where.Add(ChildExists(cmd, "logged_model_tags", "tag_key", "tag_value", f, ref n, null));
                        break;
                }
            }
            // Datasets without a metric clause keep the models that have any metric on those datasets.
            if (datasetSql is not null && !query.Filters.Any(f => f.EntityType == SearchEntityTypes.Metric))
                where.Add($"EXISTS (SELECT 1 FROM logged_model_metrics x WHERE x.model_id = m.model_id AND ({datasetSql}))");

            var order = new List<string>();
            foreach (var sort in query.OrderBy)
            {
                var dir = sort.Clause.Ascending ? "ASC" : "DESC";
                var value = sort.Clause.EntityType == "metric" ? LatestMetricSql(cmd, sort, ref n) : "m." + sort.Clause.Key;
                order.Add($"CASE WHEN {value} IS NULL THEN 1 ELSE 0 END");
                order.Add($"{value} {dir}");
            }
            // MLflow stops at creation time; newest-written first keeps models created in the same millisecond stable.
            if (Db.Dialect.InsertionOrder("m") is { } written) order.Add(written + " DESC");
            order.Add("m.model_id");
            cmd.P("@limit", limit + 1).P("@offset", query.Offset);
            cmd.CommandText = $"SELECT {LoggedModelColumns} FROM logged_models m WHERE {string.Join(" AND ", where)} " +
                              $"ORDER BY {string.Join(", ", order)} LIMIT @limit OFFSET @offset";
            var rows = await cmd.ListAsync(ReadLoggedModel, ct);
            string? token = null;
            if (rows.Count > limit)
            {
                rows.RemoveRange((int)limit, rows.Count - (int)limit);
                token = new LoggedModelPageToken(experimentIds, filter, orderBy, query.Offset + limit).Encode();
            }
            return new Page<LoggedModel>(await LoadLoggedModelDataAsync(c, null, rows, ct), token);
        }, ct);
    }

    private string ChildExists(DbCommand cmd, string table, string keyColumn, string valueColumn, Comparison f, ref int n, string? datasetSql)
    {
        var kp = $"@v{n++}";
        cmd.P(kp, f.Key);
        var compare = FilterSql.Compare(Db.Dialect, cmd, "x." + valueColumn, f.Comparator, FilterSql.Value(f.Value), ref n);
        return $"EXISTS (SELECT 1 FROM {table} x WHERE x.model_id = m.model_id AND x.{keyColumn} = {kp} AND {compare}" +
               (datasetSql is null ? ")" : $" AND ({datasetSql}))");
    }

    private static string DatasetFilterSql(DbCommand cmd, IReadOnlyList<LoggedModelDatasetFilter> datasets, string alias, ref int n)
    {
        var parts = new List<string>();
        foreach (var d in datasets)
        {
            var np = $"@v{n++}";
            cmd.P(np, d.Name);
            if (d.Digest is null) parts.Add($"({alias}.dataset_name = {np} AND {alias}.dataset_digest IS NULL)");
            else
            {
                var dp = $"@v{n++}";
                cmd.P(dp, d.Digest);
                parts.Add($"({alias}.dataset_name = {np} AND {alias}.dataset_digest = {dp})");
            }
        }
        return string.Join(" OR ", parts);
    }

    /// <summary>
    /// The model's latest value of a metric (greatest timestamp, then step), optionally on one dataset. When several
    /// rows tie, MLflow's join yields all of them and the sort puts the smallest (ascending) or largest first.
    /// </summary>
    private static string LatestMetricSql(DbCommand cmd, LoggedModelSort sort, ref int n)
    {
        var kp = $"@v{n++}";
        cmd.P(kp, sort.Clause.Key);
        var filter = "";
        if (!string.IsNullOrEmpty(sort.DatasetName))
        {
            var p = $"@v{n++}";
            cmd.P(p, sort.DatasetName);
            filter += $" AND lm.dataset_name = {p}";
        }
        if (!string.IsNullOrEmpty(sort.DatasetDigest))
        {
            var p = $"@v{n++}";
            cmd.P(p, sort.DatasetDigest);
            filter += $" AND lm.dataset_digest = {p}";
        }
        return $"(SELECT lm.metric_value FROM logged_model_metrics lm WHERE lm.model_id = m.model_id AND lm.metric_name = {kp}{filter} " +
               $"ORDER BY lm.metric_timestamp_ms DESC, lm.metric_step DESC, lm.metric_value {(sort.Clause.Ascending ? "ASC" : "DESC")} LIMIT 1)";
    }
}
