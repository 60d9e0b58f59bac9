using System.Collections.Frozen;

namespace Sharpflow.Core.Tracing.Translation;

/// <summary>MLflow's span type names (SpanType), the values the translators map a convention's span kinds to.</summary>
internal static class SpanTypes
{
    public const string Llm = "LLM";
    public const string Chain = "CHAIN";
    public const string Agent = "AGENT";
    public const string Tool = "TOOL";
    public const string ChatModel = "CHAT_MODEL";
    public const string Retriever = "RETRIEVER";
    public const string Embedding = "EMBEDDING";
    public const string Reranker = "RERANKER";
    public const string Memory = "MEMORY";
    public const string Unknown = "UNKNOWN";
    public const string Workflow = "WORKFLOW";
    public const string Task = "TASK";
    public const string Guardrail = "GUARDRAIL";
    public const string Evaluator = "EVALUATOR";

    /// <summary>A convention's kind → span type table (exact, case-sensitive keys, as MLflow's dict lookups).</summary>
    public static FrozenDictionary<string, string> Map(params (string Kind, string SpanType)[] pairs) =>
        pairs.ToFrozenDictionary(p => p.Kind, p => p.SpanType, StringComparer.Ordinal);
}
