using static Sharpflow.Core.Tracing.Translation.SpanTypes;

namespace Sharpflow.Core.Tracing.Translation;

/// <summary>Arize OpenInference (<c>openinference.span.kind</c>, <c>input.value</c>, <c>llm.token_count.*</c>).</summary>
internal sealed class OpenInferenceTranslator() : SpanTranslator(new ConventionKeys
{
    Kind = "openinference.span.kind",
    KindToSpanType = Map(("TOOL", Tool), ("CHAIN", Chain), ("LLM", Llm), ("RETRIEVER", Retriever), ("EMBEDDING", Embedding),
        ("AGENT", Agent), ("RERANKER", Reranker), ("UNKNOWN", Unknown), ("GUARDRAIL", Guardrail), ("EVALUATOR", Evaluator)),
    InputTokens = "llm.token_count.prompt",
    OutputTokens = "llm.token_count.completion",
    TotalTokens = "llm.token_count.total",
    Inputs = ["input.value"],
    Outputs = ["output.value"],
    ModelNames = ["llm.model_name", "embedding.model_name"],
    Provider = "llm.provider",
});
