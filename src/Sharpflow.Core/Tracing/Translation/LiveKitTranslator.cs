using static Sharpflow.Core.Tracing.Translation.SpanTypes;

namespace Sharpflow.Core.Tracing.Translation;

/// <summary>
/// LiveKit Agents: GenAI conventions plus <c>lk.*</c> attributes for the conversation (inputs from the user
/// input, transcript, chat context or TTS text; outputs from the response text or function calls). The span type
/// comes from the GenAI request model (any span with <c>gen_ai.request.model</c> that no earlier convention typed
/// is an LLM span), the operation name (case-insensitive), or the first <c>lk.*</c> key that tells the span's
/// role. Any <c>lk.*</c> key makes the message format "livekit". As an event translator it reads the GenAI
/// message events, for spans of any convention.
/// </summary>
internal sealed class LiveKitTranslator() : GenAiTranslator(GenAiKeys with
{
    Inputs = ["lk.user_input", "lk.user_transcript", "lk.chat_ctx", "lk.input_text"],
    Outputs = ["lk.response.text", "lk.response.function_calls"],
}), IEventTranslator
{
    public override string? SpanType(AttributeDict attrs)
    {
        if (attrs.Contains("gen_ai.request.model")) return Llm;
        if (attrs.Get("gen_ai.operation.name") is { Length: > 0 } raw && StoredJson.Decode(raw) is string op
            && PythonLower(op) is { } lower && Keys.KindToSpanType!.GetValueOrDefault(lower) is { } type)
            return type;
        for (var i = 0; i < attrs.Count; i++)
        {
            var key = attrs.KeyAt(i);
            if (key == "lk.retry_count") return Llm;
            if (key.StartsWith("lk.function_tool", StringComparison.Ordinal)) return Tool;
            if (key is "lk.agent_name" or "lk.instructions" or "lk.generation_id") return Agent;
            if (key.StartsWith("lk.tts", StringComparison.Ordinal) || key == "lk.input_text") return Unknown;
            if (key is "lk.user_transcript" or "lk.transcript_confidence" or "lk.transcription_delay") return Unknown;
        }
        return null;
    }

    /// <summary>
    /// str.lower() as far as matching ASCII names goes: ASCII letters, and the Kelvin sign, the one non-ASCII
    /// character Python lowercases into ASCII; null when another non-ASCII character makes a match impossible.
    /// </summary>
    private static string? PythonLower(string s)
    {
        var chars = s.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            if (c is >= 'A' and <= 'Z') chars[i] = (char)(c + 32);
            else if (c == '\u212A') chars[i] = 'k';
            else if (c > 0x7f) return null;
        }
        return new string(chars);
    }

    public override string? MessageFormat(AttributeDict attrs)
    {
        for (var i = 0; i < attrs.Count; i++)
            if (attrs.KeyAt(i).StartsWith("lk.", StringComparison.Ordinal)) return "livekit";
        return null;
    }

    public EventValue? InputsFromEvents(List<OtlpEvent> events) =>
        MessagesFromEvents(events) is { } json ? new EventValue(json, IsJson: false) : null;

    public EventValue? OutputsFromEvents(List<OtlpEvent> events) =>
        ChoicesFromEvents(events) is { } json ? new EventValue(json, IsJson: false) : null;
}
