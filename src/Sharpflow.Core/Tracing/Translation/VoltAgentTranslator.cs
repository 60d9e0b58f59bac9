using static Sharpflow.Core.Tracing.Translation.SpanTypes;

namespace Sharpflow.Core.Tracing.Translation;

/// <summary>
/// VoltAgent: chat messages in <c>agent.messages</c>/<c>llm.messages</c>, plain <c>input</c>/<c>output</c> for
/// tools, the kind in <c>span.type</c> and, for root agent spans only, <c>entity.type</c> (children inherit their
/// agent's entity.type, so span.type is tried first). Token counts under two spellings each.
/// </summary>
internal sealed class VoltAgentTranslator() : SpanTranslator(new ConventionKeys
{
    KindToSpanType = Map(("agent", Agent), ("llm", Llm), ("tool", Tool), ("memory", Memory)),
    Inputs = ["agent.messages", "llm.messages", "input"],
    Outputs = ["output"],
})
{
    public override string? SpanType(AttributeDict attrs)
    {
        foreach (var key in (ReadOnlySpan<string>)["span.type", "entity.type"])
        {
            // A falsy kind is skipped before the lookup (so an empty list does not fail as a non-empty one does).
            if (attrs.Get(key) is { } raw && StoredJson.IsTruthy(raw) && Lookup(Keys.KindToSpanType!, StoredJson.Decode(raw)) is { } type)
                return type;
        }
        return null;
    }

    public override string? MessageFormat(AttributeDict attrs) =>
        attrs.Contains("voltagent.operation_id") || attrs.Contains("voltagent.conversation_id") ? "voltagent" : null;

    public override string? InputTokens(AttributeDict attrs) => Either(attrs, "usage.prompt_tokens", "llm.usage.prompt_tokens");
    public override string? OutputTokens(AttributeDict attrs) => Either(attrs, "usage.completion_tokens", "llm.usage.completion_tokens");
    public override string? TotalTokens(AttributeDict attrs) => Either(attrs, "usage.total_tokens", "llm.usage.total_tokens");

    // `a or b` on the stored texts: the first one present (a stored text is never empty).
    private static string? Either(AttributeDict attrs, string first, string second) =>
        attrs.Get(first) is { Length: > 0 } text ? text : attrs.Get(second);
}
