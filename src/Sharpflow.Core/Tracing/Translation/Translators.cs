namespace Sharpflow.Core.Tracing.Translation;

/// <summary>
/// The conventions in the order MLflow 3.11 consults them: for each thing it stores, the first convention with
/// an answer wins (so a span carrying two conventions' attributes takes each fact from the earlier one).
/// </summary>
internal static class Translators
{
    private static readonly SpringAiTranslator SpringAi = new();
    private static readonly LiveKitTranslator LiveKit = new();

    public static readonly SpanTranslator[] All =
    [
        new OpenInferenceTranslator(),
        new GeminiCliTranslator(),
        new GenAiTranslator(),
        SpringAi,
        new TraceloopTranslator(),
        new GoogleAdkTranslator(),
        new VercelAiTranslator(),
        new VoltAgentTranslator(),
        LiveKit,
        new LaminarTranslator(),
        new LangfuseTranslator(),
    ];

    /// <summary>Consulted for inputs/outputs only when no attribute of any convention gave them, in this order.</summary>
    public static readonly IEventTranslator[] EventBased = [SpringAi, LiveKit];
}
