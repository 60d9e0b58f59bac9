using System.Data.Common;
using System.Globalization;
using System.Text;
using Sharpflow.Core.Entities;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Python;
using Sharpflow.Core.Search;
using Sharpflow.Core.Validation;
using Sharpflow.Store.Sql;

namespace Sharpflow.Store.Tracing;

/// <summary>
/// search_traces compiled to one SQL query over trace_info (plus one query per child table for the page):
///   SELECT t.* FROM trace_info t [LEFT JOIN trace_tags|trace_request_metadata ob0 ON ob0.request_id = t.request_id AND ob0.key = @ob0]
///   WHERE t.experiment_id IN (...) AND t.status = @v0
///     AND EXISTS (SELECT 1 FROM trace_tags x WHERE x.request_id = t.request_id AND x.key = @k AND x.value LIKE @v) ...
///     AND EXISTS (SELECT 1 FROM spans s WHERE s.trace_id = t.request_id AND <every span clause on the same span>)
///   ORDER BY t.timestamp_ms DESC, t.request_id LIMIT @n OFFSET @o
/// With the default order the (experiment_id, timestamp_ms) index delivers rows in order and the scan stops after
/// the page. Tag, metadata and span filters are primary-key probes per candidate row (fast when matches are common,
/// a scan of the experiment when rare: MLflow's schema has no index on their values). Filters whose matches are few by
/// nature (run_id, prompt, issue, feedback/expectation) are IN lists read through their tables' own indexes
/// (entity_associations' reverse lookup, assessments by type). Spans are only read by span/text filters.
/// </summary>
public sealed partial class TraceStore
{
    /// <summary>MLflow's SEARCH_MAX_RESULTS_THRESHOLD (the store's own bound; the handlers cap traces at 500 first).</summary>
    public const int SearchMaxResultsThreshold = 50000;

    public Task<Page<TraceInfo>> SearchTracesAsync(IReadOnlyList<string> locations, string? filter, long maxResults,
        IReadOnlyList<string> orderBy, string? pageToken, CancellationToken ct)
    {
        var invalid = locations.Where(l => l.Contains('.')).ToList();
        if (invalid.Count > 0)
        {
            var listed = string.Join(", ", invalid);
            if (listed.Length > 20) listed = listed[..20] + "...";
            throw MlflowException.InvalidParameter($"Locations must be a list of experiment IDs. Found invalid experiment IDs: {listed}.");
        }
        if (maxResults < 1)
            throw MlflowException.InvalidParameter($"Invalid value {maxResults} for parameter 'max_results' supplied. It must be a positive integer");
        if (maxResults > SearchMaxResultsThreshold)
            throw MlflowException.InvalidParameter($"Invalid value {maxResults} for parameter 'max_results' supplied. It must be at most {SearchMaxResultsThreshold}");
        var query = SearchFilter.ParseTraceQuery(filter, orderBy, pageToken);
        var expIds = locations.Select(e => long.TryParse(e.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v
            : throw MlflowException.InvalidParameter($"invalid literal for int() with base 10: {PythonRepr.Str(e)}")).Distinct().ToList();

        var regexes = query.Filters.Where(f => f.Comparator == "RLIKE").Select(f => SpanRegexPattern(f) ?? (FilterSql.Value(f.Value) as string ?? "")).ToList();
        foreach (var pattern in regexes) SqlRegex.Check(pattern);
        return Db.ReadAsync(async c =>
        {
            if (expIds.Count == 0) return new Page<TraceInfo>([], null);
            if (regexes.Count > 0) SqlRegex.Register(c);
            var cmd = c.Sql("");
            var n = 0;
            var where = new List<string>
            {
                expIds.Count == 1 ? $"t.experiment_id = {Bind(cmd, expIds[0], ref n)}" : $"t.experiment_id IN ({cmd.InList("e", expIds)})",
            };
            where.AddRange(FilterClauses(cmd, query.Filters, ref n));
            var (joins, order) = OrderClauses(cmd, query.OrderBy, orderBy.Count);
            cmd.CommandText = $"SELECT {TraceColumns} FROM trace_info t{joins} WHERE {string.Join(" AND ", where)} " +
                              $"ORDER BY {order} LIMIT @limit OFFSET @offset";
            cmd.P("@limit", maxResults).P("@offset", query.Offset);
            var rows = await cmd.ListAsync(ReadTraceRow, ct);
            var infos = await WithChildrenAsync(c, null, rows, ct);
            // MLflow hands out a token whenever the page is full, even when nothing follows.
            var token = rows.Count == maxResults ? PageToken.Encode(query.Offset + maxResults) : null;
            return new Page<TraceInfo>(infos, token);
        }, ct);
    }

    private static string Bind(DbCommand cmd, object? value, ref int n)
    {
        var name = $"@v{n++}";
        cmd.P(name, value);
        return name;
    }

    /// <summary>end_time is not a column: MLflow computes it as timestamp_ms + coalesce(execution_time_ms, 0).</summary>
    private static string AttributeColumn(string key) => key switch
    {
        "end_time_ms" => "(t.timestamp_ms + COALESCE(t.execution_time_ms, 0))",
        "timestamp_ms" or "execution_time_ms" or "status" or "request_id" or "client_request_id" or "experiment_id" => "t." + key,
        _ => throw MlflowException.InvalidParameter($"Invalid attribute key '{key}'"),
    };

    private List<string> FilterClauses(DbCommand cmd, IReadOnlyList<Comparison> filters, ref int n)
    {
        var clauses = new List<string>();
        var spanConditions = new List<string>();
        string? runIdFilter = null;
        var d = Db.Dialect;
        foreach (var f in filters)
        {
            var value = FilterSql.Value(f.Value);
            switch (f.EntityType)
            {
                case SearchEntityTypes.Issue:
                    clauses.Add("t.request_id IN (SELECT a.trace_id FROM assessments a WHERE a.assessment_type = 'issue' " +
                                $"AND a.name = {Bind(cmd, value, ref n)})");
                    break;
                case SearchEntityTypes.Attribute when f.Key is "timestamp_ms" or "execution_time_ms" or "end_time_ms":
                    clauses.Add(FilterSql.CompareInteger(d, cmd, AttributeColumn(f.Key), f.Comparator, f.Value, ref n));
                    break;
                case SearchEntityTypes.Attribute:
                    clauses.Add(FilterSql.Compare(d, cmd, AttributeColumn(f.Key), f.Comparator, value, ref n));
                    break;
                case SearchEntityTypes.RequestMetadata when f.Key == TraceKeys.SourceRun && f.Comparator == "=":
                    // MLflow keeps only the last run_id filter and also matches traces linked to the run.
                    runIdFilter = value as string;
                    break;
                case SearchEntityTypes.Tag when f.Key == TraceKeys.LinkedPrompts:
                    clauses.Add("t.request_id IN (SELECT ea.source_id FROM entity_associations ea WHERE ea.destination_type = 'PROMPT_VERSION' " +
                                $"AND ea.destination_id = {Bind(cmd, value, ref n)} AND ea.source_type = 'TRACE')");
                    break;
                case SearchEntityTypes.Tag or SearchEntityTypes.RequestMetadata:
                {
                    var table = f.EntityType == SearchEntityTypes.Tag ? "trace_tags" : "trace_request_metadata";
                    var exists = $"EXISTS (SELECT 1 FROM {table} x WHERE x.request_id = t.request_id AND x.key = {Bind(cmd, f.Key, ref n)}";
                    clauses.Add(f.Comparator switch
                    {
                        "IS NULL" => "NOT " + exists + ")",
                        "IS NOT NULL" => exists + ")",
                        _ => $"{exists} AND {FilterSql.Compare(d, cmd, "x.value", f.Comparator, value, ref n)})",
                    });
                    break;
                }
                case SearchEntityTypes.Span:
                    spanConditions.Add(SpanCondition(cmd, f, ref n));
                    break;
                case SearchEntityTypes.Feedback or SearchEntityTypes.Expectation:
                    clauses.Add(AssessmentClause(cmd, f, ref n));
                    break;
                default:
                    throw MlflowException.InvalidParameter($"Invalid search expression type '{f.EntityType}'");
            }
        }
        if (runIdFilter is not null)
        {
            var p = Bind(cmd, runIdFilter, ref n);
            clauses.Add($"(t.request_id IN (SELECT ea.source_id FROM entity_associations ea WHERE ea.destination_type = 'RUN' " +
                        $"AND ea.destination_id = {p} AND ea.source_type = 'TRACE') OR t.request_id IN (SELECT m.request_id " +
                        $"FROM trace_request_metadata m WHERE m.key = '{TraceKeys.SourceRun}' AND m.value = {p}))");
        }
        // All span clauses must hold for one and the same span (MLflow filters one spans subquery with all of them). Clauses
        // on name/type/status probe each candidate trace's spans by primary key, which stops early when matches are common.
        // Text search (content LIKE) reads the span JSON anyway, and its matches are usually rare: one sequential pass
        // over the spans table then beats a random-access probe per trace (0.8 s instead of 2 s for 1M spans).
        if (spanConditions.Count > 0)
        {
            var all = string.Join(" AND ", spanConditions);
            clauses.Add(spanConditions.Any(x => x.Contains("s.content", StringComparison.Ordinal))
                ? $"t.request_id IN (SELECT s.trace_id FROM spans s WHERE {all})"
                : $"EXISTS (SELECT 1 FROM spans s WHERE s.trace_id = t.request_id AND {all})");
        }
        return clauses;
    }

    private string SpanCondition(DbCommand cmd, Comparison f, ref int n)
    {
        var d = Db.Dialect;
        if (!f.Key.StartsWith("attributes.", StringComparison.Ordinal))
            return FilterSql.Compare(d, cmd, "s." + f.Key, f.Comparator, FilterSql.Value(f.Value), ref n);
        // span.attributes.<name>: MLflow matches inside the span's JSON content, where attribute values are JSON-encoded
        // strings ("model": "\"gpt-4\"").
        var name = SearchCommonKeys.TrimBackticks(f.Key["attributes.".Length..]);
        var raw = f.Value switch
        {
            FilterValue.StringValue s => s.Value,
            FilterValue.ListValue l => PythonRepr.StrList(l.Values),
            FilterValue.NumberValue num => num.Raw,
            _ => "",
        };
        if (f.Comparator == "RLIKE") return FilterSql.Compare(d, cmd, "s.content", "RLIKE", SpanRegexPattern(f)!, ref n);
        var text = $"%\"{name}\"{raw}%";
        return FilterSql.Compare(d, cmd, "s.content", f.Comparator, f.Comparator is "IN" or "NOT IN" ? new[] { text } : text, ref n);
    }

    /// <summary>
    /// The regular expression MLflow runs over span content for span.attributes.&lt;name&gt; RLIKE: the value's ^ and $
    /// anchors become the JSON-encoded string's quotes; null for other filters.
    /// </summary>
    private static string? SpanRegexPattern(Comparison f)
    {
        if (f.EntityType != SearchEntityTypes.Span || f.Comparator != "RLIKE" || !f.Key.StartsWith("attributes.", StringComparison.Ordinal)) return null;
        var name = SearchCommonKeys.TrimBackticks(f.Key["attributes.".Length..]);
        var pattern = FilterSql.Value(f.Value) as string ?? "";
        var prefix = "\"\\\\\".*";
        var suffix = "";
        if (pattern.StartsWith('^'))
        {
            pattern = pattern[1..];
            prefix = "\"\\\\\"";
        }
        if (pattern.EndsWith('$'))
        {
            pattern = pattern[..^1];
            suffix = "\\\\\"";
        }
        return $"\"{name}\": {prefix}{pattern}{suffix}";
    }

    /// <summary>
    /// feedback.&lt;name&gt; / expectation.&lt;name&gt;: valid assessments of that kind and name whose value matches. Values are
    /// stored as JSON, so = and != match either the raw text (numbers, booleans) or the JSON string. A match on an
    /// assessment scoped to a session (its metadata names mlflow.trace.session) covers every trace of that session.
    /// </summary>
    private string AssessmentClause(DbCommand cmd, Comparison f, ref int n)
    {
        var d = Db.Dialect;
        var conditions = new StringBuilder($"a.assessment_type = {Bind(cmd, f.EntityType, ref n)} AND a.name = {Bind(cmd, f.Key, ref n)} " +
                                           $"AND a.valid = {d.True}");
        var value = FilterSql.Value(f.Value);
        var isNull = f.Comparator == "IS NULL";
        if (f.Comparator is "=" or "!=")
        {
            var text = value as string ?? Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
            var match = $"(a.value = {Bind(cmd, text, ref n)} OR a.value = {Bind(cmd, PyJson.Dumps(text), ref n)})";
            conditions.Append(" AND ").Append(f.Comparator == "=" ? match : "NOT " + match);
        }
        else if (f.Comparator is not ("IS NULL" or "IS NOT NULL"))
            conditions.Append(" AND ").Append(FilterSql.Compare(d, cmd, "a.value", f.Comparator, value, ref n));
        var session = $"'{TraceKeys.Session}'";
        var sessionScoped = "t.request_id IN (SELECT sm.request_id FROM trace_request_metadata sm WHERE sm.key = " + session +
                            " AND sm.value IN (SELECT m.value FROM trace_request_metadata m JOIN assessments a ON a.trace_id = m.request_id " +
                            $"WHERE m.key = {session} AND {conditions} AND a.assessment_metadata IS NOT NULL " +
                            $"AND a.assessment_metadata LIKE '%\"{TraceKeys.Session}\":%'))";
        var direct = $"t.request_id IN (SELECT a.trace_id FROM assessments a WHERE {conditions})";
        return isNull ? $"(NOT {direct} AND NOT {sessionScoped})" : $"({direct} OR {sessionScoped})";
    }

    /// <summary>ORDER BY: the caller's keys (NULLs last), then MLflow's timestamp_ms DESC and request_id tie-breakers.</summary>
    private (string Joins, string Order) OrderClauses(DbCommand cmd, IReadOnlyList<OrderByClause> orderBy, int requested)
    {
        var joins = new StringBuilder();
        var order = new List<string>();
        for (var j = 0; j < orderBy.Count; j++)
        {
            var o = orderBy[j];
            string value;
            if (o.EntityType == SearchEntityTypes.Attribute) value = AttributeColumn(o.Key);
            else
            {
                var table = o.EntityType == SearchEntityTypes.Tag ? "trace_tags" : "trace_request_metadata";
                var alias = $"ob{j}";
                cmd.P("@" + alias, o.Key);
                joins.Append($" LEFT JOIN {table} {alias} ON {alias}.request_id = t.request_id AND {alias}.key = @{alias}");
                value = alias + ".value";
            }
            // Only the caller's clauses rank NULLs last (MLflow's CASE column); its own tie-breakers sort plainly.
            if (j < requested && !(o.EntityType == SearchEntityTypes.Attribute && o.Key is "timestamp_ms" or "request_id" or "status" or "experiment_id"))
                order.Add($"CASE WHEN {value} IS NULL THEN 1 ELSE 0 END");
            order.Add(value + (o.Ascending ? "" : " DESC"));
        }
        return (joins.ToString(), string.Join(", ", order));
    }
}

/// <summary>Key helpers the store needs from the search grammar.</summary>
internal static class SearchCommonKeys
{
    public static string TrimBackticks(string s) => s.Length >= 2 && s[0] == '`' && s[^1] == '`' ? s[1..^1] : s;
}

/// <summary>
/// RLIKE on SQLite: MLflow registers Python's re.search as SQLite's REGEXP function; Microsoft.Data.Sqlite has none, so
/// searches that use RLIKE register one (.NET regular expressions, with a time limit against runaway patterns) on their
/// connection. PostgreSQL has its own ~ operator. Patterns are checked before the query so a bad one is the client's error.
/// </summary>
internal static class SqlRegex
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(2);

    public static void Check(string pattern)
    {
        try
        {
            _ = new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.None, Limit);
        }
        catch (ArgumentException e)
        {
            throw MlflowException.InvalidParameter($"Invalid regular expression '{pattern}': {e.Message}");
        }
    }

    public static void Register(DbConnection c)
    {
        if (c is Microsoft.Data.Sqlite.SqliteConnection sqlite)
            sqlite.CreateFunction("regexp", (string pattern, string? input) =>
                input is not null && System.Text.RegularExpressions.Regex.IsMatch(input, pattern, System.Text.RegularExpressions.RegexOptions.None, Limit));
    }
}
