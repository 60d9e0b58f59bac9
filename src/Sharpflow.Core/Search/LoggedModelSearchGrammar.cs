using Sharpflow.Core.Python;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Sharpflow.Core.Search;

/// <summary>One logged-model sort key: the clause plus the dataset its metric is restricted to.</summary>
public sealed record LoggedModelSort(OrderByClause Clause, string? DatasetName, string? DatasetDigest);

/// <summary>The validated parts of a logged-models/search request.</summary>
public sealed record LoggedModelQuery(IReadOnlyList<Comparison> Filters, IReadOnlyList<LoggedModelSort> OrderBy, long Offset);

/// <summary>
/// Logged-model search (<c>logged-models/search</c>). MLflow's server does not use
/// <c>SearchLoggedModelsUtils</c> here but a smaller parser of its own: plural entity prefixes
/// (<c>metrics.</c>, <c>params.</c>, <c>tags.</c>, <c>attributes.</c>), case-sensitive
/// operators, and - because every top-level token must be a comparison or AND - no whitespace
/// between clauses is accepted, which in practice allows a single comparison only.
/// </summary>
public static class LoggedModelSearchGrammar
{
    public static readonly IReadOnlyList<string> EntityTypes = ["attributes", "metrics", "params", "tags"];

    private static readonly IReadOnlyDictionary<string, string> NormalizedTypes = new Dictionary<string, string>
    {
        ["attributes"] = "attribute", ["metrics"] = "metric", ["params"] = "parameter", ["tags"] = "tag",
    };

    public static readonly IReadOnlyDictionary<string, string> AttributeAliases = new Dictionary<string, string>
    {
        ["creation_time"] = "creation_timestamp_ms",
        ["creation_timestamp"] = "creation_timestamp_ms",
        ["last_updated_timestamp"] = "last_updated_timestamp_ms",
    };

    /// <summary>Columns of the logged-model table; other attribute names crash MLflow's query builder.</summary>
    public static readonly IReadOnlyList<string> Columns =
        ["model_id", "experiment_id", "name", "artifact_location", "creation_timestamp_ms", "last_updated_timestamp_ms", "status",
         "lifecycle_stage", "model_type", "source_run_id", "status_message"];

    public static readonly IReadOnlyList<string> NumericOperators = ["<", "<=", ">", ">=", "=", "!="];
    public static readonly IReadOnlyList<string> StringOperators = ["=", "!=", "LIKE", "ILIKE", "IN", "NOT IN"];

    private static readonly Regex Prefixed = new(@"^([a-z]+)\.(.+)$", RegexOptions.CultureInvariant);

    public static IReadOnlyList<Comparison> ParseFilter(string? filter)
    {
        if (string.IsNullOrEmpty(filter))
        {
            return [];
        }
        IReadOnlyList<SqlGroup> statements;
        try
        {
            statements = FilterParser.Parse(filter).Statements;
        }
        catch (FilterParser.TooDeepException)
        {
            throw SearchCommon.Invalid($"Invalid filter string: {PythonRepr.Str(filter)}. RecursionError('maximum recursion depth exceeded')");
        }
        if (statements.Count != 1)
        {
            throw SearchCommon.Invalid($"Invalid filter string: {PythonRepr.Str(filter)}. Expected a single SQL expression.");
        }
        var result = new List<Comparison>();
        foreach (var node in statements[0].Children)
        {
            if (node is SqlGroup { Kind: GroupKind.Comparison } comparison)
            {
                result.Add(Clause(comparison));
            }
            else if (node.Text.Trim().ToUpperInvariant() != "AND")
            {
                throw SearchCommon.Invalid($"Invalid filter string: {PythonRepr.Str(filter)}. Expected a list of comparisons "
                    + "separated by 'AND' (e.g. 'metrics.loss > 0.1 AND params.lr = 0.01').");
            }
        }
        // MLflow looks the attribute columns up only when building the query, after parsing everything.
        foreach (var c in result.Where(c => c.EntityType == "attribute" && !Columns.Contains(c.Key)))
        {
            throw SearchCommon.Crash($"type object 'SqlLoggedModel' has no attribute {PythonRepr.Str(c.Key)}");
        }
        return result;
    }

    /// <summary>One order_by entry: a column (aliases allowed) or <c>metrics.&lt;name&gt;</c>.</summary>
    public static LoggedModelSort ParseOrderBy(LoggedModelOrderBy orderBy)
    {
        var field = orderBy.FieldName ?? throw SearchCommon.Crash("argument of type 'NoneType' is not iterable");
        var dot = field.IndexOf('.');
        if (dot < 0)
        {
            var column = AttributeAliases.TryGetValue(field, out var c) ? c : field;
            if (!Columns.Contains(column))
            {
                throw SearchCommon.Invalid($"Invalid order by field name: {field}");
            }
            return new LoggedModelSort(new OrderByClause("attribute", column, orderBy.Ascending), orderBy.DatasetName, orderBy.DatasetDigest);
        }
        if (field[..dot] != "metrics")
        {
            throw SearchCommon.Invalid($"Invalid order by field name: {field}. Only metrics are supported.");
        }
        return new LoggedModelSort(new OrderByClause("metric", field[(dot + 1)..], orderBy.Ascending), orderBy.DatasetName, orderBy.DatasetDigest);
    }

    /// <summary>
    /// A whole logged-models/search request in MLflow's error order: page token (decoded and
    /// checked against the request), filter, order_by. <c>creation_timestamp_ms DESC</c> is
    /// appended unless ordered on.
    /// </summary>
    public static LoggedModelQuery ParseQuery(IReadOnlyList<string> experimentIds, string? filter, IReadOnlyList<LoggedModelOrderBy>? orderBy, string? pageToken)
    {
        long offset = 0;
        if (!string.IsNullOrEmpty(pageToken))
        {
            var token = LoggedModelPageToken.Decode(pageToken);
            token.Validate(experimentIds, filter, orderBy);
            offset = token.Offset;
        }
        var filters = ParseFilter(filter);
        var order = (orderBy ?? []).Select(ParseOrderBy).ToList();
        if (!order.Any(o => o.Clause.EntityType == "attribute" && o.Clause.Key == "creation_timestamp_ms"))
        {
            order.Add(new LoggedModelSort(new OrderByClause("attribute", "creation_timestamp_ms", false), null, null));
        }
        return new LoggedModelQuery(filters, order, offset);
    }

    private static Comparison Clause(SqlGroup comparison)
    {
        var parts = comparison.NonWhitespaceChildren().Select(p => p.Text).ToList();
        if (parts.Count != 3)
        {
            throw SearchCommon.Invalid($"Invalid comparison: {comparison.Text}. Expected a comparison with 3 tokens.");
        }
        var (identifier, op, valueText) = (parts[0], parts[1], parts[2]);
        var (plural, key) = Entity(identifier);
        var numeric = plural == "metrics" || (plural == "attributes" && IsNumericColumn(key));
        if (!(numeric ? NumericOperators : StringOperators).Contains(op))
        {
            throw SearchCommon.Invalid($"Invalid comparison operator for {plural}.{key}: {PythonRepr.Str(op)}. Expected one of {PythonRepr.StrTuple(StringOperators)}.");
        }
        var type = NormalizedTypes[plural];
        if (numeric)
        {
            return new Comparison(type, key, op, new FilterValue.NumberValue(valueText, PythonFloat(valueText)));
        }
        var stripped = valueText.Trim('\'');
        if (!(stripped.StartsWith('(') && stripped.EndsWith(')')))
        {
            return new Comparison(type, key, op, new FilterValue.StringValue(stripped));
        }
        object? parsed;
        try
        {
            parsed = PythonLiteral.Eval(stripped);
        }
        catch (Exception e) when (e is PythonLiteral.SyntaxErrorException or PythonLiteral.NotLiteralException)
        {
            throw SearchCommon.Crash(e.Message);
        }
        // MLflow hands the evaluated tuple to SQL as is; non-string items are kept as their
        // text (how SQLite compares them with the string columns anyway).
        return parsed switch
        {
            PythonLiteral.Tuple t => new Comparison(type, key, op, FilterValue.List(t.Items.Select(Text))),
            string s => new Comparison(type, key, op, FilterValue.List([s])),
            _ => new Comparison(type, key, op, new FilterValue.StringValue(Text(parsed))),
        };
    }

    private static string Text(object? item) => item is string s ? s : PythonLiteral.Repr(item);

    /// <summary><c>[a-z]+.rest</c> names an entity; anything else is an attribute (after aliasing).</summary>
    private static (string Plural, string Key) Entity(string identifier)
    {
        var m = Prefixed.Match(identifier);
        if (m.Success)
        {
            var entity = m.Groups[1].Value;
            if (!EntityTypes.Contains(entity))
            {
                throw SearchCommon.Invalid($"Invalid entity type: {PythonRepr.Str(entity)}. Expected one of {PythonRepr.StrList(EntityTypes)}.");
            }
            return (entity, m.Groups[2].Value.Trim('`'));
        }
        return ("attributes", (AttributeAliases.TryGetValue(identifier, out var a) ? a : identifier).Trim('`'));
    }

    private static bool IsNumericColumn(string key) =>
        (AttributeAliases.TryGetValue(key, out var a) ? a : key) is "creation_timestamp_ms" or "last_updated_timestamp_ms";

    /// <summary>Python's float() of a token's text; MLflow crashes (HTTP 500) when it is not a number.</summary>
    private static double PythonFloat(string text)
    {
        var s = text.Trim();
        var lower = s.ToLowerInvariant().TrimStart('+', '-');
        var negative = s.StartsWith('-');
        if (lower is "inf" or "infinity")
        {
            return negative ? double.NegativeInfinity : double.PositiveInfinity;
        }
        if (lower == "nan")
        {
            return double.NaN;
        }
        if (Regex.IsMatch(s, @"^[+-]?(\d(_?\d)*(\.(\d(_?\d)*)?)?|\.\d(_?\d)*)([eE][+-]?\d(_?\d)*)?$")
            && double.TryParse(s.Replace("_", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return d;
        }
        throw SearchCommon.Crash($"could not convert string to float: {PythonRepr.Str(text)}");
    }
}
