using static Sharpflow.Core.Tracing.Translation.SpanTypes;

namespace Sharpflow.Core.Tracing.Translation;

/// <summary>
/// Gemini CLI: GenAI attributes, but with its own operation names and only for spans whose
/// <c>gen_ai.agent.name</c> is "gemini-cli". Its messages are wrapped into the Gemini SDK shapes the chat UI
/// renders ({"contents": ...} and {"candidates": [{"content": ...}]}), and the message format is "gemini".
/// Token counts, model, provider and tools are GenAI's, for every span (as in MLflow).
/// </summary>
internal sealed class GeminiCliTranslator() : GenAiTranslator(GenAiKeys with
{
    KindToSpanType = Map(("llm_call", Llm), ("tool_call", Tool), ("agent_call", Agent)),
})
{
    private static bool IsGeminiCli(AttributeDict attrs) =>
        attrs.Get("gen_ai.agent.name") is { } raw && StoredJson.Decode(raw) is "gemini-cli";

    public override string? SpanType(AttributeDict attrs) => IsGeminiCli(attrs) ? base.SpanType(attrs) : null;

    public override string? MessageFormat(AttributeDict attrs) => IsGeminiCli(attrs) ? "gemini" : null;

    // MLflow also renames the "user" role to "system" on system_prompt spans, but it compares the operation's
    // stored (JSON-quoted) text with the bare name, so that never happens to a stored span; not reproduced.
    public override string? Inputs(AttributeDict attrs)
    {
        if (!IsGeminiCli(attrs) || base.Inputs(attrs) is not { } value) return null;
        var decoded = StoredJson.Decode(value);
        if (decoded is List<KeyValuePair<string, object?>> dict && PyObjects.Has(dict, "contents")) return value;
        if (decoded is List<object?> or string)
            return PyObjectJson.Dumps(new List<KeyValuePair<string, object?>> { new("contents", decoded) }, ensureAscii: true);
        return value;
    }

    /// <summary>A list of contents becomes one candidate holding all their parts (Gemini CLI emits one content per chunk).</summary>
    public override string? Outputs(AttributeDict attrs)
    {
        if (!IsGeminiCli(attrs) || base.Outputs(attrs) is not { } value) return null;
        var decoded = StoredJson.Decode(value);
        if (decoded is List<KeyValuePair<string, object?>> dict && PyObjects.Has(dict, "candidates")) return value;
        if (decoded is not List<object?> items) return value;
        var parts = new List<object?>();
        foreach (var item in items)
            if (item is List<KeyValuePair<string, object?>> content && PyObjects.Get(content, "parts") is List<object?> itemParts)
                parts.AddRange(itemParts);
        if (parts.Count == 0) return value;
        List<KeyValuePair<string, object?>> candidate = [new("content", new List<KeyValuePair<string, object?>> { new("role", "model"), new("parts", parts) })];
        return PyObjectJson.Dumps(new List<KeyValuePair<string, object?>> { new("candidates", new List<object?> { candidate }) }, ensureAscii: true);
    }
}
