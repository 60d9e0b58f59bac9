using static Sharpflow.Core.Tracing.Translation.SpanTypes;

namespace Sharpflow.Core.Tracing.Translation;

/// <summary>
/// Traceloop / OpenLLMetry (<c>traceloop.span.kind</c>, <c>traceloop.entity.input</c>, the legacy
/// <c>gen_ai.usage.prompt_tokens</c> names, <c>gen_ai.system</c>). Besides the entity attributes, inputs and
/// outputs come from indexed prompt/completion attributes such as <c>gen_ai.prompt.0.content</c>: the first
/// matching attribute in the span's order with a truthy value.
/// </summary>
internal sealed class TraceloopTranslator() : SpanTranslator(new ConventionKeys
{
    Kind = "traceloop.span.kind",
    KindToSpanType = Map(("workflow", Workflow), ("task", SpanTypes.Task), ("agent", Agent), ("tool", Tool), ("unknown", Unknown)),
    InputTokens = "gen_ai.usage.prompt_tokens",
    OutputTokens = "gen_ai.usage.completion_tokens",
    TotalTokens = "llm.usage.total_tokens",
    Inputs = ["traceloop.entity.input"],
    Outputs = ["traceloop.entity.output"],
    Provider = "gen_ai.system",
})
{
    // MLflow matches these as regular expressions anchored at the start only (re.match), so a longer key such as
    // gen_ai.prompt.0.content_type matches too.
    private static readonly IndexedKeyPattern PromptContent = new("gen_ai.prompt.", ".content");
    private static readonly IndexedKeyPattern ToolCallArguments = new("gen_ai.completion.", ".tool_calls.", ".arguments");
    private static readonly IndexedKeyPattern CompletionContent = new("gen_ai.completion.", ".content");

    public override string? Inputs(AttributeDict attrs) =>
        base.Inputs(attrs) ?? FirstMatching(attrs, PromptContent) ?? FirstMatching(attrs, ToolCallArguments);

    public override string? Outputs(AttributeDict attrs) => base.Outputs(attrs) ?? FirstMatching(attrs, CompletionContent);

    private static string? FirstMatching(AttributeDict attrs, IndexedKeyPattern pattern)
    {
        for (var i = 0; i < attrs.Count; i++)
            if (pattern.Matches(attrs.KeyAt(i)) && Truthy(attrs, attrs.KeyAt(i)) is { } text) return text;
        return null;
    }
}
