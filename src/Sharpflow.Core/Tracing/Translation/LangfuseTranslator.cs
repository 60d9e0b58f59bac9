using static Sharpflow.Core.Tracing.Translation.SpanTypes;

namespace Sharpflow.Core.Tracing.Translation;

/// <summary>Langfuse observations forwarded over OTLP (<c>langfuse.observation.type</c>, <c>.input</c>, <c>.output</c>).</summary>
internal sealed class LangfuseTranslator() : SpanTranslator(new ConventionKeys
{
    Kind = "langfuse.observation.type",
    KindToSpanType = Map(("generation", Llm), ("embedding", Embedding), ("tool", Tool), ("retriever", Retriever), ("agent", Agent),
        ("chain", Chain), ("evaluator", Evaluator), ("guardrail", Guardrail), ("span", Unknown)),
    Inputs = ["langfuse.observation.input"],
    Outputs = ["langfuse.observation.output"],
});
