using Sharpflow.Core.Python;
using static Sharpflow.Core.Tracing.Translation.SpanTypes;

namespace Sharpflow.Core.Tracing.Translation;

/// <summary>
/// The OpenTelemetry GenAI semantic conventions (<c>gen_ai.*</c>). They define no total-token attribute (MLflow
/// adds input + output). Their message events (<c>gen_ai.user.message</c>, <c>gen_ai.choice</c>, ...) are read
/// through <see cref="LiveKitTranslator"/>, the one MLflow lists among its event translators.
/// </summary>
internal class GenAiTranslator : SpanTranslator
{
    public static readonly ConventionKeys GenAiKeys = new()
    {
        Kind = "gen_ai.operation.name",
        KindToSpanType = Map(("chat", ChatModel), ("create_agent", Agent), ("embeddings", Embedding), ("execute_tool", Tool),
            ("generate_content", Llm), ("invoke_agent", Agent), ("text_completion", Llm), ("response", Llm)),
        InputTokens = "gen_ai.usage.input_tokens",
        OutputTokens = "gen_ai.usage.output_tokens",
        CacheReadInputTokens = "gen_ai.usage.cache_read.input_tokens",
        CacheCreationInputTokens = "gen_ai.usage.cache_creation.input_tokens",
        Inputs = ["gen_ai.input.messages", "gen_ai.tool.call.arguments"],
        Outputs = ["gen_ai.output.messages", "gen_ai.tool.call.result"],
        ModelNames = ["gen_ai.response.model", "gen_ai.request.model"],
        Provider = "gen_ai.provider.name",
        ToolDefinitions = ["gen_ai.tool.definitions"],
    };

    public GenAiTranslator() : base(GenAiKeys)
    {
    }

    protected GenAiTranslator(ConventionKeys keys) : base(keys)
    {
    }

    /// <summary>
    /// JSON list of {"role", "content"} for the system/user/assistant message events with a truthy content (a
    /// string content is JSON-decoded when it parses), in event order; null when there are none.
    /// </summary>
    public static string? MessagesFromEvents(List<OtlpEvent> events)
    {
        List<object?>? messages = null;
        foreach (var ev in events)
        {
            var role = ev.Name switch
            {
                "gen_ai.system.message" => "system",
                "gen_ai.user.message" => "user",
                "gen_ai.assistant.message" => "assistant",
                _ => null,
            };
            if (role is null || !EventAttributes.TryGetTruthy(ev, "content", out var content)) continue;
            (messages ??= []).Add(Message(role, DecodeEventValue(content)));
        }
        return messages is null ? null : PyObjectJson.Dumps(messages, ensureAscii: true);
    }

    /// <summary>The same for <c>gen_ai.choice</c> events, whose role defaults to "assistant".</summary>
    public static string? ChoicesFromEvents(List<OtlpEvent> events)
    {
        List<object?>? messages = null;
        foreach (var ev in events)
        {
            if (ev.Name != "gen_ai.choice" || !EventAttributes.TryGetTruthy(ev, "content", out var content)) continue;
            var role = EventAttributes.TryGet(ev, "role", out var r) ? DecodeEventValue(r) : "assistant";
            (messages ??= []).Add(Message(role, DecodeEventValue(content)));
        }
        return messages is null ? null : PyObjectJson.Dumps(messages, ensureAscii: true);
    }

    private static List<KeyValuePair<string, object?>> Message(object? role, object? content) => [new("role", role), new("content", content)];

    private static object? DecodeEventValue(in OtlpValue v) =>
        v.Kind == OtlpValueKind.String ? StoredJson.Decode(v.String) : PyObjectJson.FromOtlp(v);
}
