using Sharpflow.Core.Python;
namespace Sharpflow.Core.Search;

/// <summary>
/// Run search (<c>runs/search</c>): MLflow's <c>SearchUtils</c> rules plus the checks its SQL
/// store applies while building the query. Five entity types with aliases, attribute keys
/// with the <c>created</c> / <c>run name</c> aliases, comparators per kind, numeric metrics.
/// </summary>
public static class RunSearchGrammar
{
    /// <summary>Canonical entity types, in the order MLflow lists them in its error.</summary>
    public static readonly IReadOnlyList<string> EntityTypes = ["metric", "parameter", "tag", "attribute", "dataset"];

    public static readonly IReadOnlyDictionary<string, string> EntityAliases = new Dictionary<string, string>
    {
        ["metric"] = "metric", ["metrics"] = "metric",
        ["parameter"] = "parameter", ["parameters"] = "parameter", ["param"] = "parameter", ["params"] = "parameter",
        ["tag"] = "tag", ["tags"] = "tag",
        ["attribute"] = "attribute", ["attr"] = "attribute", ["attributes"] = "attribute", ["run"] = "attribute",
        ["dataset"] = "dataset", ["datasets"] = "dataset",
    };

    public static readonly IReadOnlyList<string> SearchAttributeKeys =
        ["artifact_uri", "end_time", "run_id", "run_name", "start_time", "status", "user_id", "created", "Created", "run name", "Run name", "Run Name"];

    public static readonly IReadOnlyList<string> OrderByAttributeKeys =
        ["artifact_uri", "end_time", "run_id", "run_name", "start_time", "status", "user_id", "created", "Created"];

    public static readonly IReadOnlyList<string> NumericAttributes = ["start_time", "end_time", "created", "Created"];

    public static readonly IReadOnlyList<string> DatasetKeys = ["name", "digest", "context"];

    public static readonly IReadOnlyDictionary<string, string> KeyAliases = new Dictionary<string, string>
    {
        ["created"] = "start_time", ["Created"] = "start_time",
        ["run name"] = "run_name", ["Run name"] = "run_name", ["Run Name"] = "run_name",
    };

    // IS NULL / IS NOT NULL are listed because MLflow lists them in its messages; the recorded
    // server's tokenizer never forms such a clause, so "tags.x IS NULL" is an invalid clause.
    public static readonly IReadOnlyList<string> MetricComparators = [">", ">=", "!=", "=", "<", "<="];
    public static readonly IReadOnlyList<string> ParamComparators = ["!=", "LIKE", "ILIKE", "=", "IS NOT NULL", "IS NULL"];
    public static readonly IReadOnlyList<string> TagComparators = ParamComparators;
    public static readonly IReadOnlyList<string> StringAttributeComparators = ["!=", "=", "LIKE", "ILIKE", "IN", "NOT IN"];
    public static readonly IReadOnlyList<string> NumericAttributeComparators = MetricComparators;
    public static readonly IReadOnlyList<string> DatasetComparators = StringAttributeComparators;

    public static string TranslateKey(string key) => KeyAliases.TryGetValue(key, out var k) ? k : key;

    /// <summary>Parses and fully validates a filter (syntax, keys, values, comparators).</summary>
    public static IReadOnlyList<Comparison> ParseFilter(string? filter) => Validate(ParseClauses(filter));

    /// <summary>Parses one order_by clause, with the entity checks MLflow's store adds.</summary>
    public static OrderByClause ParseOrderBy(string clause)
    {
        var (token, ascending) = OrderByParser.Split(clause);
        var (type, key) = Identifier(token, OrderByAttributeKeys);
        key = TranslateKey(key);
        if (type == "dataset")
        {
            throw SearchCommon.Invalid("Invalid identifier type 'dataset'");
        }
        return new OrderByClause(type, key, ascending);
    }

    /// <summary>
    /// All of a runs/search request, with errors in MLflow's order (filter syntax, order_by,
    /// filter comparators, page token). The order ends with MLflow's tie-breakers
    /// (<c>start_time DESC</c> unless given, then <c>run_id ASC</c>).
    /// </summary>
    public static SearchQuery ParseQuery(string? filter, IReadOnlyList<string>? orderBy, string? pageToken)
    {
        var clauses = ParseClauses(filter);
        var order = new List<OrderByClause>();
        var seen = new HashSet<(string, string)>();
        foreach (var clause in orderBy ?? [])
        {
            var parsed = ParseOrderBy(clause);
            if (!seen.Add((parsed.EntityType, parsed.Key)))
            {
                throw OrderByParser.Duplicate(orderBy!);
            }
            order.Add(parsed);
        }
        var filters = Validate(clauses);
        var offset = PageToken.Decode(pageToken);
        if (!seen.Contains(("attribute", "start_time")))
        {
            order.Add(new OrderByClause("attribute", "start_time", false));
        }
        order.Add(new OrderByClause("attribute", "run_id", true));
        return new SearchQuery(filters, order, offset);
    }

    internal static List<ParsedClause> ParseClauses(string? filter)
    {
        var result = new List<ParsedClause>();
        foreach (var c in SearchCommon.Comparisons(filter, quoteInvalid: true))
        {
            SearchCommon.RequireKeyOperatorValue(c);
            var (type, key) = Identifier(c.Parts[0].Text, SearchAttributeKeys);
            result.Add(new ParsedClause(type, key, c.Parts[1].Text, Value(type, key, c.Parts[2])));
        }
        return result;
    }

    /// <summary><c>entity.key</c> or a bare attribute key; the entity may be backquoted, the key quoted or backquoted.</summary>
    internal static (string Type, string Key) Identifier(string identifier, IReadOnlyList<string> attributeKeys)
    {
        var dot = identifier.IndexOf('.');
        var entity = SearchCommon.TrimBackticks(dot < 0 ? "attribute" : identifier[..dot]);
        if (!EntityAliases.TryGetValue(entity, out var type))
        {
            throw SearchCommon.Invalid($"Invalid entity type '{entity}'. Valid values are {PythonRepr.StrList(EntityTypes)}");
        }
        var key = SearchCommon.CleanKey(dot < 0 ? identifier : identifier[(dot + 1)..]);
        if (type == "attribute" && !attributeKeys.Contains(key))
        {
            throw SearchCommon.Invalid($"Invalid attribute key '{key}' specified. Valid keys are '{PythonRepr.StrSet(attributeKeys)}'");
        }
        if (type == "dataset" && !DatasetKeys.Contains(key))
        {
            throw SearchCommon.Invalid($"Invalid dataset key '{key}' specified. Valid keys are '{PythonRepr.StrSet(DatasetKeys)}'");
        }
        return (type, key);
    }

    private static FilterValue Value(string type, string key, SqlNode token)
    {
        switch (type)
        {
            case "metric":
                return SearchCommon.IsNumber(token)
                    ? SearchCommon.Number(token)
                    : throw SearchCommon.Invalid($"Expected numeric value type for metric. Found {token.Text}");
            case "parameter" or "tag":
                return SearchCommon.IsStringLike(token)
                    ? SearchCommon.QuotedString(token)
                    : throw SearchCommon.Invalid($"Expected a quoted string value for {type} (e.g. 'my-value'). Got value {token.Text}");
            case "attribute" when NumericAttributes.Contains(key):
                return SearchCommon.IsNumber(token)
                    ? SearchCommon.Number(token)
                    : throw SearchCommon.Invalid($"Expected numeric value type for numeric attribute: {key}. Found {token.Text}");
            case "attribute":
                if (SearchCommon.IsStringLike(token))
                {
                    return SearchCommon.QuotedString(token);
                }
                if (SearchCommon.IsList(token))
                {
                    return key == "run_id"
                        ? SearchCommon.LowerCaseList(token)
                        : throw SearchCommon.Invalid("Only the 'run_id' attribute supports comparison with a list of quoted string values.");
                }
                throw SearchCommon.Invalid($"Expected a quoted string value for attributes. Got value {token.Text}");
            default: // dataset
                if (SearchCommon.IsStringLike(token))
                {
                    return SearchCommon.QuotedString(token);
                }
                return SearchCommon.IsList(token)
                    ? SearchCommon.LowerCaseList(token)
                    : throw SearchCommon.Invalid($"Expected a quoted string value for dataset attributes. Got value {token.Text}");
        }
    }

    /// <summary>The comparator checks MLflow's SQL store makes (note the quirky quoting of some messages).</summary>
    private static List<Comparison> Validate(List<ParsedClause> clauses)
    {
        var result = new List<Comparison>();
        foreach (var c in clauses)
        {
            var comparator = c.Comparator.ToUpperInvariant();
            var key = TranslateKey(c.Key);
            var numericAttribute = NumericAttributes.Contains(key);
            var (allowed, shown, closingQuote) = c.EntityType switch
            {
                "attribute" when !numericAttribute => (StringAttributeComparators, StringAttributeComparators, true),
                "attribute" => (NumericAttributeComparators, StringAttributeComparators, false),
                "metric" => (MetricComparators, MetricComparators, false),
                "parameter" => (ParamComparators, ParamComparators, true),
                "tag" => (TagComparators, TagComparators, false),
                _ => (DatasetComparators, DatasetComparators, false),
            };
            if (!allowed.Contains(comparator))
            {
                throw SearchCommon.Invalid($"Invalid comparator '{comparator}' not one of '{PythonRepr.StrSet(shown)}" + (closingQuote ? "'" : ""));
            }
            result.Add(new Comparison(c.EntityType, key, comparator, c.Value));
        }
        return result;
    }
}
