using Sharpflow.Core.Python;

namespace Sharpflow.Core.Search;

/// <summary>One parsed trace-metrics filter: <c>view.entity[.key] = 'value'</c>.</summary>
public sealed record TraceMetricsFilter(string ViewType, string Entity, string? Key, string Value);

/// <summary>
/// The filter grammar of query_trace_metrics (MLflow's SearchTraceMetricsUtils): each filter string is exactly one
/// equality clause on <c>trace.status</c>, <c>trace.tag.&lt;key&gt;</c>, <c>trace.metadata.&lt;key&gt;</c>,
/// <c>span.name|status|type</c> or <c>assessment.name|type</c>, with a quoted value. Several conditions are several
/// filter strings (AND is rejected as an invalid clause).
/// </summary>
public static class TraceMetricsFilterGrammar
{
    // View type -> entity -> whether the entity needs a key; insertion order is the order MLflow lists them in.
    private static readonly (string View, (string Entity, bool NeedsKey)[] Entities)[] Views =
    [
        ("trace", [("status", false), ("tag", true), ("metadata", true)]),
        ("span", [("name", false), ("status", false), ("type", false)]),
        ("assessment", [("name", false), ("type", false)]),
    ];

    public static TraceMetricsFilter Parse(string filter)
    {
        var statement = SearchCommon.SingleStatement(filter);
        var comparisons = new List<RawComparison>();
        if (statement is not null)
        {
            var invalid = statement.Children.Where(n => !n.IsWhitespace && !n.IsGroupOf(GroupKind.Comparison)).ToList();
            if (invalid.Count > 0)
                throw SearchCommon.Invalid($"Invalid clause(s) in filter string: {string.Join(", ", invalid.Select(n => n.Text))}");
            comparisons.AddRange(statement.Children.OfType<SqlGroup>().Where(g => g.Kind == GroupKind.Comparison)
                .Select(g => new RawComparison(g, g.NonWhitespaceChildren())));
        }
        var parsed = comparisons.Select(Comparison).ToList();
        if (parsed.Count != 1) throw SearchCommon.Invalid($"Invalid filter: '{filter}'. Expected one filter clause.");
        return parsed[0];
    }

    private static TraceMetricsFilter Comparison(RawComparison c)
    {
        SearchCommon.RequireKeyOperatorValue(c);
        var (view, entity, key) = Identifier(c.Parts[0].Text);
        var comparator = c.Parts[1].Text;
        if (comparator != "=") throw SearchCommon.Invalid($"Invalid comparator: '{comparator}', only '=' operator is supported");
        var token = c.Parts[2];
        if (!SearchCommon.IsStringLike(token))
            throw SearchCommon.Invalid($"Expected a quoted string value for {entity} value (e.g. 'my-value'). Got value {token.Text}");
        return new TraceMetricsFilter(view, entity, key, SearchCommon.StripQuotes(token.Text, expectQuoted: true));
    }

    private static (string View, string Entity, string? Key) Identifier(string identifier)
    {
        var parts = identifier.Split('.', 3);
        if (parts.Length < 2)
            throw SearchCommon.Invalid($"Invalid identifier {PythonRepr.Str(identifier)}. Columns should be specified as " +
                                       "'trace.<key>', 'span.<key>', 'assessment.<key>'.");
        var view = SearchCommon.TrimBackticks(parts[0]);
        var entity = parts[1];
        var key = parts.Length == 3 ? parts[2] : null;
        var entities = Views.FirstOrDefault(v => v.View == view).Entities
            ?? throw SearchCommon.Invalid($"Invalid view type '{view}'. Valid values are dict_keys(['trace', 'span', 'assessment'])");
        var match = entities.FirstOrDefault(e => e.Entity == entity);
        if (match.Entity is null)
            throw SearchCommon.Invalid($"Invalid entity '{entity}' specified for view type '{view}'. " +
                                       $"Valid entities are {PythonRepr.StrList(entities.Select(e => e.Entity))}");
        if (match.NeedsKey && key is null)
            throw SearchCommon.Invalid($"Filtering by {entity} requires a key, e.g. '{view}.{entity}.<key> = <value>'");
        if (!match.NeedsKey && key is not null)
            throw SearchCommon.Invalid($"Filtering by {entity} does not require a key, use '{view}.{entity}' instead");
        return (view, entity, string.IsNullOrEmpty(key) ? null : SearchCommon.TrimBackticks(SearchCommon.StripQuotes(key)));
    }
}
