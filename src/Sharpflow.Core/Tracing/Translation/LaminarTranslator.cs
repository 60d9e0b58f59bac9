using static Sharpflow.Core.Tracing.Translation.SpanTypes;

namespace Sharpflow.Core.Tracing.Translation;

/// <summary>Laminar (<c>lmnr.span.*</c>, with GenAI token counts and model names); its spans render as "openai" messages.</summary>
internal sealed class LaminarTranslator() : SpanTranslator(new ConventionKeys
{
    Kind = KindKey,
    KindToSpanType = Map(("LLM", Llm), ("TOOL", Tool), ("DEFAULT", Chain), ("PIPELINE", Chain), ("EXECUTOR", Agent), ("EVALUATOR", Evaluator),
        ("HUMAN_EVALUATOR", Evaluator), ("EVALUATION", Evaluator), ("CACHED", Llm)),
    Inputs = ["lmnr.span.input"],
    Outputs = ["lmnr.span.output"],
    InputTokens = "gen_ai.usage.input_tokens",
    OutputTokens = "gen_ai.usage.output_tokens",
    ModelNames = ["gen_ai.response.model", "gen_ai.request.model"],
    Provider = "gen_ai.system",
})
{
    private const string KindKey = "lmnr.span.type";

    public override string? MessageFormat(AttributeDict attrs) => attrs.Contains(KindKey) ? "openai" : null;
}
