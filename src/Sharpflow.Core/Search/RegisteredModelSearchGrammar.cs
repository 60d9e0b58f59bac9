using Sharpflow.Core.Python;
namespace Sharpflow.Core.Search;

/// <summary>
/// Registered-model search (<c>registered-models/search</c>): <c>SearchModelUtils</c> plus the
/// registry store's checks. Attribute <c>name</c> and tags only; the attribute key is checked
/// before quotes are removed (so <c>`name`</c> is rejected); order_by takes bare keys only.
/// </summary>
public static class RegisteredModelSearchGrammar
{
    public static readonly IReadOnlyList<string> EntityTypes = ["attribute", "tag", "tags"];
    public static readonly IReadOnlyList<string> SearchAttributeKeys = ["name"];
    public static readonly IReadOnlyList<string> Comparators = ["=", "!=", "LIKE", "ILIKE"];

    /// <summary>Keys accepted in order_by; both timestamps sort on the last-update time.</summary>
    public static readonly IReadOnlyList<string> OrderByKeys = ["timestamp", "last_updated_timestamp", "name"];

    /// <summary>The keys MLflow names in its error (it leaves last_updated_timestamp out on purpose).</summary>
    public static readonly IReadOnlyList<string> RecommendedOrderByKeys = ["timestamp", "name"];

    public static IReadOnlyList<Comparison> ParseFilter(string? filter) => Validate(ParseClauses(filter));

    public static OrderByClause ParseOrderBy(string clause)
    {
        var (token, ascending) = OrderByParser.Split(clause);
        if (!OrderByKeys.Contains(token))
        {
            throw SearchCommon.Invalid($"Invalid order by key '{token}' specified. Valid keys are '{PythonRepr.StrSet(RecommendedOrderByKeys)}'");
        }
        return new OrderByClause("attribute", token, ascending);
    }

    /// <summary>
    /// A whole registered-models/search request in MLflow's error order (filter syntax,
    /// order_by, page token, then comparators). <c>name ASC</c> is appended unless name is ordered on.
    /// </summary>
    public static SearchQuery ParseQuery(string? filter, IReadOnlyList<string>? orderBy, string? pageToken)
    {
        var clauses = ParseClauses(filter);
        var order = new List<OrderByClause>();
        var fields = new HashSet<string>();
        foreach (var clause in orderBy ?? [])
        {
            var parsed = ParseOrderBy(clause);
            if (!fields.Add(parsed.Key == "name" ? "name" : "last_updated_time"))
            {
                throw OrderByParser.Duplicate(orderBy!);
            }
            order.Add(parsed);
        }
        var offset = PageToken.Decode(pageToken);
        var filters = Validate(clauses);
        if (!fields.Contains("name"))
        {
            order.Add(new OrderByClause("attribute", "name", true));
        }
        return new SearchQuery(filters, order, offset);
    }

    /// <summary>The registry key rule: prefix attribute/tag/tags, attribute key checked as written.</summary>
    internal static (string Type, string Key) Identifier(string identifier, IReadOnlyList<string> attributeKeys)
    {
        var dot = identifier.IndexOf('.');
        var type = "attribute";
        var key = identifier;
        if (dot >= 0)
        {
            var entity = identifier[..dot];
            key = identifier[(dot + 1)..];
            if (!EntityTypes.Contains(entity))
            {
                throw SearchCommon.Invalid($"Invalid entity type '{entity}'. Valid entity types are {PythonRepr.StrTuple(EntityTypes)}");
            }
            type = entity == "attribute" ? "attribute" : "tag";
        }
        if (type == "attribute" && !attributeKeys.Contains(key))
        {
            throw SearchCommon.Invalid($"Invalid attribute key '{key}' specified. Valid keys are '{PythonRepr.StrSet(attributeKeys)}'");
        }
        return (type, SearchCommon.CleanKey(key));
    }

    private static List<ParsedClause> ParseClauses(string? filter)
    {
        var result = new List<ParsedClause>();
        foreach (var c in SearchCommon.Comparisons(filter, quoteInvalid: false))
        {
            SearchCommon.RequireKeyOperatorValue(c);
            var (type, key) = Identifier(c.Parts[0].Text, SearchAttributeKeys);
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
        throw SearchCommon.Invalid($"Expected a quoted string value or a list of quoted string values for attributes. Got value {token.Text}");
    }

    private static List<Comparison> Validate(List<ParsedClause> clauses)
    {
        foreach (var c in clauses.Where(c => !Comparators.Contains(c.Comparator)))
        {
            throw SearchCommon.Invalid(c.EntityType == "attribute"
                ? $"Invalid comparator for attribute: {c.Comparator}"
                : $"Invalid comparator for tag: {c.Comparator}");
        }
        return clauses.Select(c => new Comparison(c.EntityType, c.Key, c.Comparator, c.Value)).ToList();
    }
}
