namespace Sharpflow.Core.Search;

/// <summary>The right-hand side of a comparison.</summary>
public abstract record FilterValue
{
    private FilterValue()
    {
    }

    /// <summary>A string value with its quotes removed.</summary>
    public sealed record StringValue(string Value) : FilterValue;

    /// <summary>A numeric literal: the text as written (MLflow compares some columns textually) and its value.</summary>
    public sealed record NumberValue(string Raw, double Value) : FilterValue;

    /// <summary>The strings of an <c>IN</c> / <c>NOT IN</c> list, after MLflow's per-entity filtering.</summary>
    public sealed record ListValue(IReadOnlyList<string> Values) : FilterValue
    {
        public bool Equals(ListValue? other) => other is not null && Values.SequenceEqual(other.Values);

        public override int GetHashCode() => Values.Aggregate(17, (h, v) => (h * 31) + v.GetHashCode(StringComparison.Ordinal));

        public override string ToString() => "ListValue [" + string.Join(", ", Values) + "]";
    }

    public static FilterValue String(string value) => new StringValue(value);

    public static FilterValue List(IEnumerable<string> values) => new ListValue(values.ToList());
}

/// <summary>
/// One AND-ed clause of a filter. <see cref="EntityType"/> is normalized per entity (runs:
/// metric, parameter, tag, attribute, dataset; experiments and the registry: attribute, tag;
/// traces: attribute, tag, request_metadata, span, feedback, expectation, issue; logged models:
/// attribute, metric, parameter, tag). <see cref="Key"/> has quotes/backticks removed and
/// MLflow's aliases applied. <see cref="Comparator"/> is upper case; IS NULL / IS NOT NULL never
/// occur, because the recorded MLflow 3.11 server (sqlparse older than 0.4.4) rejects them.
/// </summary>
public sealed record Comparison(string EntityType, string Key, string Comparator, FilterValue Value);

/// <summary>The validated parts of one search request.</summary>
public sealed record SearchQuery(IReadOnlyList<Comparison> Filters, IReadOnlyList<OrderByClause> OrderBy, long Offset);

/// <summary>Normalized entity-type names used in <see cref="Comparison"/> and <see cref="OrderByClause"/>.</summary>
public static class SearchEntityTypes
{
    public const string Metric = "metric";
    public const string Parameter = "parameter";
    public const string Tag = "tag";
    public const string Attribute = "attribute";
    public const string Dataset = "dataset";
    public const string RequestMetadata = "request_metadata";
    public const string Span = "span";
    public const string Feedback = "feedback";
    public const string Expectation = "expectation";
    public const string Issue = "issue";
}
