using Sharpflow.Core.Python;
namespace Sharpflow.Core.Search;

/// <summary>
/// Experiment search (<c>experiments/search</c>): MLflow's <c>SearchExperimentsUtils</c> plus its
/// SQL store's checks. Only attributes and tags; the entity prefix is not aliased beyond
/// <c>tag</c>/<c>tags</c>/<c>attribute</c>, and comparators are case-sensitive (a lower-case
/// <c>like</c> is rejected, unlike for runs).
/// </summary>
public static class ExperimentSearchGrammar
{
    public static readonly IReadOnlyList<string> EntityTypes = ["attribute", "tag", "tags"];
    public static readonly IReadOnlyList<string> SearchAttributeKeys = ["name", "creation_time", "last_update_time"];
    public static readonly IReadOnlyList<string> OrderByAttributeKeys = ["name", "last_update_time", "creation_time", "experiment_id"];
    public static readonly IReadOnlyList<string> NumericAttributes = ["creation_time", "last_update_time"];
    public static readonly IReadOnlyList<string> StringAttributeComparators = ["!=", "=", "LIKE", "ILIKE", "IN", "NOT IN"];
    public static readonly IReadOnlyList<string> NumericAttributeComparators = [">", ">=", "!=", "=", "<", "<="];
    public static readonly IReadOnlyList<string> SqlStringComparators = ["=", "!=", "LIKE", "ILIKE"];
    public static readonly IReadOnlyList<string> TagComparators = ["=", "!=", "LIKE", "ILIKE"];
    public static readonly IReadOnlyList<string> DefaultOrderBy = ["creation_time DESC", "experiment_id ASC"];

    public static IReadOnlyList<Comparison> ParseFilter(string? filter) => Validate(ParseClauses(filter));

    public static OrderByClause ParseOrderBy(string clause)
    {
        var (token, ascending) = OrderByParser.Split(clause);
        var (type, key) = Identifier(token, OrderByAttributeKeys);
        if (type != "attribute")
        {
            throw SearchCommon.Invalid($"Invalid order_by entity: {type}");
        }
        return new OrderByClause(type, key, ascending);
    }

    /// <summary>
    /// A whole experiments/search request in MLflow's error order (filter, order_by, page token).
    /// Without order_by the default is <c>creation_time DESC, experiment_id ASC</c>;
    /// <c>experiment_id DESC</c> is appended as tie-breaker when experiment_id is not ordered on.
    /// </summary>
    public static SearchQuery ParseQuery(string? filter, IReadOnlyList<string>? orderBy, string? pageToken)
    {
        var filters = ParseFilter(filter);
        var order = (orderBy is { Count: > 0 } ? orderBy : DefaultOrderBy).Select(ParseOrderBy).ToList();
        var offset = PageToken.Decode(pageToken);
        if (!order.Any(o => o.Key == "experiment_id"))
        {
            order.Add(new OrderByClause("attribute", "experiment_id", false));
        }
        return new SearchQuery(filters, order, offset);
    }

    /// <summary>
    /// The experiment-style key rule, also used by model-version order_by: the entity must be
    /// one of <c>attribute</c>, <c>tag</c>, <c>tags</c> exactly (no backquotes, no other aliases).
    /// </summary>
    internal static (string Type, string Key) Identifier(string identifier, IReadOnlyList<string> attributeKeys)
    {
        var dot = identifier.IndexOf('.');
        var type = "attribute";
        if (dot >= 0)
        {
            var entity = identifier[..dot];
            if (!EntityTypes.Contains(entity))
            {
                throw SearchCommon.Invalid($"Invalid entity type '{entity}'. Valid entity types are {PythonRepr.StrTuple(EntityTypes)}");
            }
            type = entity == "attribute" ? "attribute" : "tag";
        }
        var key = SearchCommon.CleanKey(dot < 0 ? identifier : identifier[(dot + 1)..]);
        if (type == "attribute" && !attributeKeys.Contains(key))
        {
            throw SearchCommon.Invalid($"Invalid attribute key '{key}' specified. Valid keys are '{PythonRepr.StrSet(attributeKeys)}'");
        }
        return (type, key);
    }

    private static List<ParsedClause> ParseClauses(string? filter)
    {
        var result = new List<ParsedClause>();
        foreach (var c in SearchCommon.Comparisons(filter, quoteInvalid: false))
        {
            SearchCommon.RequireKeyOperatorValue(c);
            var (type, key) = Identifier(c.Parts[0].Text, SearchAttributeKeys);
            result.Add(new ParsedClause(type, key, c.Parts[1].Text, Value(type, key, c.Parts[2])));
        }
        return result;
    }

    private static FilterValue Value(string type, string key, SqlNode token)
    {
        if (type == "tag")
        {
            return SearchCommon.IsStringLike(token)
                ? SearchCommon.QuotedString(token)
                : throw SearchCommon.Invalid($"Expected a quoted string value for tag (e.g. 'my-value'). Got value {token.Text}");
        }
        if (NumericAttributes.Contains(key))
        {
            return SearchCommon.IsNumber(token)
                ? SearchCommon.Number(token)
                : throw SearchCommon.Invalid($"Expected numeric value type for numeric attribute: {key}. Found {token.Text}");
        }
        if (SearchCommon.IsStringLike(token))
        {
            return SearchCommon.QuotedString(token);
        }
        if (SearchCommon.IsList(token))
        {
            // Only runs' run_id takes a list, and experiments have no run_id attribute.
            throw SearchCommon.Invalid("Only the 'run_id' attribute supports comparison with a list of quoted string values.");
        }
        throw SearchCommon.Invalid($"Expected a quoted string value for attributes. Got value {token.Text}");
    }

    /// <summary>Store checks; comparators are compared as written (not upper-cased).</summary>
    private static List<Comparison> Validate(List<ParsedClause> clauses)
    {
        var result = new List<Comparison>();
        foreach (var c in clauses)
        {
            var op = c.Comparator;
            if (c.EntityType == "attribute" && !NumericAttributes.Contains(c.Key))
            {
                if (!StringAttributeComparators.Contains(op))
                {
                    throw SearchCommon.Invalid($"Invalid comparator '{op}' not one of '{PythonRepr.StrSet(StringAttributeComparators)}'");
                }
                if (!SqlStringComparators.Contains(op))
                {
                    throw SearchCommon.Invalid($"Invalid comparator for string attribute: {op}");
                }
            }
            else if (c.EntityType == "attribute")
            {
                if (!NumericAttributeComparators.Contains(op))
                {
                    throw SearchCommon.Invalid($"Invalid comparator '{op}' not one of '{PythonRepr.StrSet(StringAttributeComparators)}");
                }
            }
            else if (!TagComparators.Contains(op))
            {
                throw SearchCommon.Invalid($"Invalid comparator for tag: {op}");
            }
            result.Add(new Comparison(c.EntityType, c.Key, op.ToUpperInvariant(), c.Value));
        }
        return result;
    }
}
