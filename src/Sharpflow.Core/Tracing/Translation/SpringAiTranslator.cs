using static Sharpflow.Core.Tracing.Translation.SpanTypes;

namespace Sharpflow.Core.Tracing.Translation;

/// <summary>
/// Spring AI: GenAI operation names and token counts, with the prompt and completion carried by events
/// (<c>gen_ai.content.prompt</c> / <c>gen_ai.prompt</c>, <c>gen_ai.content.completion</c> / <c>gen_ai.completion</c>).
/// The event value is stored as it is, not JSON-encoded (so a string prompt is stored as that plain string).
/// </summary>
internal sealed class SpringAiTranslator() : SpanTranslator(new ConventionKeys
{
    Kind = "gen_ai.operation.name",
    KindToSpanType = Map(("chat", ChatModel), ("embeddings", Embedding)),
    InputTokens = "gen_ai.usage.input_tokens",
    OutputTokens = "gen_ai.usage.output_tokens",
}), IEventTranslator
{
    public EventValue? InputsFromEvents(List<OtlpEvent> events) => FromEvent(events, "gen_ai.content.prompt", "gen_ai.prompt");

    public EventValue? OutputsFromEvents(List<OtlpEvent> events) => FromEvent(events, "gen_ai.content.completion", "gen_ai.completion");

    /// <summary>The first event of that name whose attribute is truthy.</summary>
    private static EventValue? FromEvent(List<OtlpEvent> events, string eventName, string attribute)
    {
        foreach (var ev in events)
        {
            if (ev.Name != eventName || !EventAttributes.TryGetTruthy(ev, attribute, out var value)) continue;
            return value.Kind == OtlpValueKind.String
                ? new EventValue(value.String, IsJson: false)
                : new EventValue(PyValueDumper.Dumps(value, ensureAscii: true), IsJson: true);
        }
        return null;
    }
}
