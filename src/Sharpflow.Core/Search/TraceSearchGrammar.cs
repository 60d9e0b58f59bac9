using Sharpflow.Core.Python;
namespace Sharpflow.Core.Search;

/// <summary>
/// Trace search (<c>traces/search</c>): <c>SearchTraceUtils</c> plus the tracking store's checks.
/// Besides attributes and tags there are request metadata, spans, assessments (feedback,
/// expectation) and issues; some attribute keys are really tags or metadata
/// (<c>name</c>, <c>prompt</c>, <c>run_id</c>) or span content (<c>text</c>).
/// </summary>
public static class TraceSearchGrammar
{
    public static readonly IReadOnlyDictionary<string, string> EntityAliases = new Dictionary<string, string>
    {
        ["tag"] = "tag", ["tags"] = "tag", ["attribute"] = "attribute", ["attributes"] = "attribute", ["trace"] = "attribute",
        ["request_metadata"] = "request_metadata", ["metadata"] = "request_metadata", ["span"] = "span",
        ["feedback"] = "feedback", ["expectation"] = "expectation", ["issue"] = "issue",
    };

    public static readonly IReadOnlyList<string> SearchAttributeKeys =
        ["request_id", "timestamp", "timestamp_ms", "execution_time", "execution_time_ms", "end_time", "end_time_ms", "status",
         "client_request_id", "name", "run_id", "prompt", "text"];

    public static readonly IReadOnlyList<string> OrderByAttributeKeys =
        ["experiment_id", "execution_time_ms", "end_time_ms", "execution_time", "status", "request_id", "timestamp_ms", "name",
         "end_time", "run_id", "timestamp"];

    public static readonly IReadOnlyList<string> NumericAttributes =
        ["timestamp_ms", "timestamp", "execution_time_ms", "execution_time", "end_time_ms", "end_time"];

    public static readonly IReadOnlyList<string> ListAttributeKeys = ["name", "status", "request_id", "run_id", "client_request_id"];
    public static readonly IReadOnlyList<string> TagComparators = ["!=", "=", "LIKE", "ILIKE", "RLIKE", "IS NULL", "IS NOT NULL"];
    public static readonly IReadOnlyList<string> StringAttributeComparators = ["!=", "=", "IN", "NOT IN", "LIKE", "ILIKE", "RLIKE"];
    public static readonly IReadOnlyList<string> NumericAttributeComparators = [">", ">=", "!=", "=", "<", "<="];
    public static readonly IReadOnlyList<string> SpanAttributeComparators = StringAttributeComparators;
    public static readonly IReadOnlyList<string> SpanContentComparators = ["LIKE", "ILIKE"];
    public static readonly IReadOnlyList<string> SpanAttributes = ["name", "status", "type"];
    public static readonly IReadOnlyList<string> MetadataComparators = TagComparators;
    public static readonly IReadOnlyList<string> AssessmentComparators = TagComparators;

    /// <summary>Search keys that are stored elsewhere: (entity type, key) they become.</summary>
    public static readonly IReadOnlyDictionary<string, (string Type, string Key)> KeyRedirects = new Dictionary<string, (string, string)>
    {
        ["name"] = ("tag", "mlflow.traceName"),
        ["prompt"] = ("tag", "mlflow.linkedPrompts"),
        ["run_id"] = ("request_metadata", "mlflow.sourceRun"),
        ["text"] = ("span", "content"),
    };

    public static readonly IReadOnlyDictionary<string, string> AttributeAliases = new Dictionary<string, string>
    {
        ["timestamp"] = "timestamp_ms", ["execution_time"] = "execution_time_ms", ["end_time"] = "end_time_ms",
    };

    private static readonly IReadOnlyList<string> ValidEntities =
        ["tags", "request_metadata", "trace", "tag", "metadata", "span", "expectation", "feedback", "attribute", "attributes", "issue"];

    public static IReadOnlyList<Comparison> ParseFilter(string? filter) => Validate(ParseClauses(filter));

    public static OrderByClause ParseOrderBy(string clause)
    {
        var (token, ascending) = OrderByParser.Split(clause);
        var (type, key) = Redirect(Identifier(token, OrderByAttributeKeys));
        if (type is not ("attribute" or "tag" or "request_metadata"))
        {
            throw SearchCommon.Invalid($"Invalid identifier type '{type}'");
        }
        return new OrderByClause(type, key, ascending);
    }

    /// <summary>
    /// A whole traces/search request in MLflow's error order (order_by, filter, page token).
    /// Tie-breakers <c>timestamp_ms DESC</c> and <c>request_id ASC</c> are appended unless given.
    /// </summary>
    public static SearchQuery ParseQuery(string? filter, IReadOnlyList<string>? orderBy, string? pageToken)
    {
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
        var filters = ParseFilter(filter);
        var offset = PageToken.Decode(pageToken);
        if (!seen.Contains(("attribute", "timestamp_ms")))
        {
            order.Add(new OrderByClause("attribute", "timestamp_ms", false));
        }
        if (!seen.Contains(("attribute", "request_id")))
        {
            order.Add(new OrderByClause("attribute", "request_id", true));
        }
        return new SearchQuery(filters, order, offset);
    }

    private static (string Type, string Key) Identifier(string identifier, IReadOnlyList<string> attributeKeys)
    {
        var dot = identifier.IndexOf('.');
        var entity = SearchCommon.TrimBackticks(dot < 0 ? "attribute" : identifier[..dot]);
        if (!EntityAliases.TryGetValue(entity, out var type))
        {
            throw SearchCommon.Invalid($"Invalid entity type '{entity}'. Valid values are {PythonRepr.StrSet(ValidEntities)}");
        }
        var key = SearchCommon.CleanKey(dot < 0 ? identifier : identifier[(dot + 1)..]);
        if (type == "attribute" && !attributeKeys.Contains(key))
        {
            throw SearchCommon.Invalid($"Invalid attribute key '{key}' specified. Valid keys are '{PythonRepr.StrSet(attributeKeys)}'");
        }
        return (type, key);
    }

    /// <summary>Maps <c>name</c>, <c>prompt</c>, <c>run_id</c>, <c>text</c> and time aliases, whatever the entity (except spans).</summary>
    private static (string Type, string Key) Redirect((string Type, string Key) id)
    {
        if (id.Type == "span")
        {
            return id;
        }
        var lower = id.Key.ToLowerInvariant();
        if (KeyRedirects.TryGetValue(lower, out var target))
        {
            return target;
        }
        return AttributeAliases.TryGetValue(lower, out var alias) ? (id.Type, alias) : id;
    }

    private static List<ParsedClause> ParseClauses(string? filter)
    {
        var result = new List<ParsedClause>();
        foreach (var c in SearchCommon.Comparisons(filter, quoteInvalid: true))
        {
            SearchCommon.RequireKeyOperatorValue(c);
            var (type, key) = Identifier(c.Parts[0].Text, SearchAttributeKeys);
            var op = c.Parts[1].Text;
            var value = Value(type, key, c.Parts[2]);
            if (type == "span")
            {
                CheckSpan(key, op);
            }
            (type, key) = Redirect((type, key));
            result.Add(new ParsedClause(type, key, op, value));
        }
        return result;
    }

    private static FilterValue Value(string type, string key, SqlNode token)
    {
        if (SearchCommon.IsStringLike(token))
        {
            return SearchCommon.QuotedString(token);
        }
        if (type == "attribute")
        {
            if (SearchCommon.IsList(token))
            {
                return ListAttributeKeys.Contains(key)
                    ? FilterValue.List(SearchCommon.StringList(token))
                    : throw SearchCommon.Invalid($"Only attributes in {PythonRepr.StrSet(ListAttributeKeys)} supports comparison with a list of quoted string values.");
            }
            if (SearchCommon.IsNumber(token))
            {
                return NumericAttributes.Contains(key)
                    ? SearchCommon.Number(token)
                    : throw SearchCommon.Invalid($"Only the '{PythonRepr.StrSet(NumericAttributes)}' attributes support comparison with numeric values.");
            }
            throw SearchCommon.Invalid($"Expected a quoted string value or a list of quoted string values for attributes. Got value {token.Text}");
        }
        if (type is "tag" or "span" && SearchCommon.IsList(token))
        {
            return FilterValue.List(SearchCommon.StringList(token));
        }
        throw SearchCommon.Invalid($"Expected a quoted string value for {type} (e.g. 'my-value'). Got value {token.Text}");
    }

    private static void CheckSpan(string key, string op)
    {
        if (key.StartsWith("attributes.", StringComparison.Ordinal))
        {
            if (key.Length == "attributes.".Length)
            {
                throw SearchCommon.Invalid("Span attribute name cannot be empty after 'attributes.'");
            }
            Require(SpanAttributeComparators, op, $"span.{key} comparator '{op}' not one of '{PythonRepr.StrSet(SpanAttributeComparators)}'");
        }
        else if (SpanAttributes.Contains(key))
        {
            Require(SpanAttributeComparators, op, $"span.{key} comparator '{op}' not one of '{PythonRepr.StrSet(SpanAttributeComparators)}'");
        }
        else if (key == "content")
        {
            Require(SpanContentComparators, op, $"span.{key} comparator '{op}' not one of '{PythonRepr.StrSet(SpanContentComparators)}'");
        }
        else
        {
            throw SearchCommon.Invalid($"Invalid span attribute '{key}'. Supported attributes: {string.Join(", ", SpanAttributes.Order(StringComparer.Ordinal))}, attributes.<attribute_name>.");
        }
    }

    private static void Require(IReadOnlyList<string> allowed, string op, string message)
    {
        if (!allowed.Contains(op))
        {
            throw SearchCommon.Invalid(message);
        }
    }

    /// <summary>The store's per-kind comparator checks, made on the upper-cased comparator.</summary>
    private static List<Comparison> Validate(List<ParsedClause> clauses)
    {
        var result = new List<Comparison>();
        foreach (var c in clauses)
        {
            var op = c.Comparator.ToUpperInvariant();
            var key = c.Key;
            switch (c.EntityType)
            {
                case "issue":
                    if (key != "id")
                    {
                        throw SearchCommon.Invalid($"Invalid issue attribute '{key}'. Supported attributes: id");
                    }
                    Require(["="], op, $"issue.{key} comparator '{op}' not one of '{{'='}}'");
                    break;
                case "attribute" when NumericAttributes.Contains(key):
                    Require(NumericAttributeComparators, op, $"Invalid comparator '{op}' not one of '{PythonRepr.StrSet(StringAttributeComparators)}");
                    break;
                case "attribute":
                    Require(StringAttributeComparators, op, $"Invalid comparator '{op}' not one of '{PythonRepr.StrSet(StringAttributeComparators)}'");
                    break;
                case "request_metadata":
                    Require(MetadataComparators, op, $"Invalid comparator '{op}' not one of '{PythonRepr.StrSet(MetadataComparators)}'");
                    break;
                case "tag":
                    Require(TagComparators, op, $"Invalid comparator '{op}' not one of '{PythonRepr.StrSet(TagComparators)}");
                    if (key == "mlflow.linkedPrompts")
                    {
                        Require(["="], op, $"Invalid comparator '{op}' for prompts filter. Only '=' is supported with format: prompt = \"name/version\"");
                        if (c.Value is FilterValue.StringValue s && s.Value.Count(ch => ch == '/') != 1)
                        {
                            throw SearchCommon.Invalid($"Invalid prompts filter value '{s.Value}'. Expected format: prompt = \"name/version\"");
                        }
                    }
                    break;
                case "span":
                    CheckSpan(key, op);
                    break;
                default: // feedback, expectation
                    if (key.Length == 0)
                    {
                        throw SearchCommon.Invalid("Assessment field name cannot be empty");
                    }
                    Require(AssessmentComparators, op, $"assessment.{key} comparator '{op}' not one of '{PythonRepr.StrSet(AssessmentComparators)}'");
                    break;
            }
            result.Add(new Comparison(c.EntityType, key, op, c.Value));
        }
        return result;
    }
}
