using Sharpflow.Core.Python;
namespace Sharpflow.Core.Search;

/// <summary>
/// Model-version search (<c>model-versions/search</c>): <c>SearchModelVersionUtils</c> plus the
/// registry store's checks. Attributes name, version_number, run_id (which also takes an IN
/// list) and source_path; tags; numbers only for numeric attributes.
/// </summary>
public static class ModelVersionSearchGrammar
{
    public static readonly IReadOnlyList<string> SearchAttributeKeys = ["name", "version_number", "run_id", "source_path"];
    public static readonly IReadOnlyList<string> OrderByAttributeKeys = ["name", "version_number", "creation_timestamp", "last_updated_timestamp"];
    public static readonly IReadOnlyList<string> NumericAttributes = ["version_number", "creation_timestamp", "last_updated_timestamp"];
    public static readonly IReadOnlyList<string> StringAttributeComparators = ["!=", "=", "LIKE", "ILIKE", "IN"];
    public static readonly IReadOnlyList<string> NumericAttributeComparators = [">", ">=", "!=", "=", "<", "<="];
    public static readonly IReadOnlyList<string> TagComparators = ["=", "!=", "LIKE", "ILIKE"];
    public static readonly IReadOnlyList<string> DefaultOrderBy = ["last_updated_timestamp DESC", "name ASC", "version_number DESC"];

    /// <summary>Database column each order_by key sorts on (duplicates are detected per column).</summary>
    private static readonly IReadOnlyDictionary<string, string> OrderColumns = new Dictionary<string, string>
    {
        ["name"] = "name", ["version_number"] = "version",
        ["creation_timestamp"] = "creation_time", ["last_updated_timestamp"] = "last_updated_time",
    };

    public static IReadOnlyList<Comparison> ParseFilter(string? filter) => Validate(ParseClauses(filter));

    /// <summary>
    /// One order_by clause. MLflow parses it with the experiment key rule and then only checks
    /// the key, so <c>tags.name</c> sorts by the name attribute; the result is always an attribute.
    /// </summary>
    public static OrderByClause ParseOrderBy(string clause)
    {
        var (token, ascending) = OrderByParser.Split(clause);
        var (_, key) = ExperimentSearchGrammar.Identifier(token, OrderByAttributeKeys);
        if (!OrderByAttributeKeys.Contains(key))
        {
            throw SearchCommon.Invalid($"Invalid order by key '{key}' specified. Valid keys are {PythonRepr.StrSet(OrderByAttributeKeys)}");
        }
        return new OrderByClause("attribute", key, ascending);
    }

    /// <summary>
    /// A whole model-versions/search request in MLflow's error order (filter, order_by with its
    /// default, page token). Tie-breakers <c>name ASC</c>, <c>version_number DESC</c> are appended.
    /// </summary>
    public static SearchQuery ParseQuery(string? filter, IReadOnlyList<string>? orderBy, string? pageToken)
    {
        var filters = ParseFilter(filter);
        var clauses = orderBy is { Count: > 0 } ? orderBy : DefaultOrderBy;
        var order = new List<OrderByClause>();
        var columns = new HashSet<string>();
        foreach (var clause in clauses)
        {
            var parsed = ParseOrderBy(clause);
            if (!columns.Add(OrderColumns[parsed.Key]))
            {
                throw OrderByParser.Duplicate(clauses);
            }
            order.Add(parsed);
        }
        var offset = PageToken.Decode(pageToken);
        if (!columns.Contains("name"))
        {
            order.Add(new OrderByClause("attribute", "name", true));
        }
        if (!columns.Contains("version"))
        {
            order.Add(new OrderByClause("attribute", "version_number", false));
        }
        return new SearchQuery(filters, order, offset);
    }

    private static List<ParsedClause> ParseClauses(string? filter)
    {
        var result = new List<ParsedClause>();
        foreach (var c in SearchCommon.Comparisons(filter, quoteInvalid: false))
        {
            SearchCommon.RequireKeyOperatorValue(c);
            var (type, key) = RegisteredModelSearchGrammar.Identifier(c.Parts[0].Text, SearchAttributeKeys);
            result.Add(new ParsedClause(type, key, c.Parts[1].Text.ToUpperInvariant(), Value(type, key, c.Parts[2])));
        }
        return result;
    }

    private static FilterValue Value(string type, string key, SqlNode token)
    {
        if (SearchCommon.IsStringLike(token))
        {
            return SearchCommon.QuotedString(token);
        }
        if (type == "tag")
        {
            throw SearchCommon.Invalid($"Expected a quoted string value for tag (e.g. 'my-value'). Got value {token.Text}");
        }
        if (SearchCommon.IsList(token))
        {
            return key == "run_id"
                ? SearchCommon.LowerCaseList(token)
                : throw SearchCommon.Invalid("Only the 'run_id' attribute supports comparison with a list of quoted string values.");
        }
        if (SearchCommon.IsNumber(token))
        {
            return NumericAttributes.Contains(key)
                ? SearchCommon.Number(token)
                : throw SearchCommon.Invalid($"Only the '{PythonRepr.StrSet(NumericAttributes)}' attributes support comparison with numeric values.");
        }
        throw SearchCommon.Invalid($"Expected a quoted string value or a list of quoted string values for attributes. Got value {token.Text}");
    }

    private static List<Comparison> Validate(List<ParsedClause> clauses)
    {
        foreach (var c in clauses)
        {
            var op = c.Comparator;
            if (c.EntityType == "tag")
            {
                if (!TagComparators.Contains(op))
                {
                    throw SearchCommon.Invalid($"Invalid comparator for tag: {op}");
                }
            }
            else if (NumericAttributes.Contains(c.Key))
            {
                if (!NumericAttributeComparators.Contains(op))
                {
                    throw SearchCommon.Invalid($"Invalid comparator for attribute {c.Key}: {op}");
                }
            }
            else if (!StringAttributeComparators.Contains(op) || (op == "IN" && c.Key != "run_id"))
            {
                throw SearchCommon.Invalid($"Invalid comparator for attribute: {op}");
            }
        }
        return clauses.Select(c => new Comparison(c.EntityType, c.Key, c.Comparator, c.Value)).ToList();
    }
}
