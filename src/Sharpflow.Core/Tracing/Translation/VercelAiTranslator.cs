using Sharpflow.Core.Python;
using static Sharpflow.Core.Tracing.Translation.SpanTypes;

namespace Sharpflow.Core.Tracing.Translation;

/// <summary>
/// Vercel AI SDK (<c>ai.operationId</c>, <c>ai.prompt</c>, <c>ai.response.text</c>, ...). Its chat spans
/// (ai.generateText.doGenerate, ai.streamText.doStream) spread the request and response over
/// <c>ai.prompt.*</c> and <c>ai.response.*</c>: the inputs/outputs are those attributes gathered into one object,
/// keyed by the rest of the name, each value JSON-decoded up to three times (the SDK nests encodings).
/// Reading a chat span's inputs also sets <c>mlflow.message.format</c> to the plain string "vercel_ai" (not
/// JSON-encoded, and even over an existing value) as MLflow does.
/// </summary>
internal sealed class VercelAiTranslator() : SpanTranslator(new ConventionKeys
{
    Kind = KindKey,
    KindToSpanType = Map(("ai.generateText", Llm), ("ai.generateText.doGenerate", Llm), ("ai.toolCall", Tool), ("ai.streamText", Llm),
        ("ai.streamText.doStream", Llm), ("ai.generateObject", Llm), ("ai.generateObject.doGenerate", Llm), ("ai.streamObject", Llm),
        ("ai.streamObject.doStream", Llm), ("ai.embed", Embedding), ("ai.embed.doEmbed", Embedding), ("ai.embedMany", Embedding)),
    Inputs = ["ai.prompt", "ai.toolCall.args", "ai.value", "ai.values"],
    Outputs = ["ai.response.text", "ai.toolCall.result", "ai.response.object", "ai.embedding", "ai.embeddings"],
})
{
    private const string KindKey = "ai.operationId";

    public override string? Inputs(AttributeDict attrs)
    {
        if (!IsChatSpan(attrs)) return base.Inputs(attrs);
        var inputs = Unpack(attrs, "ai.prompt.");
        for (var i = 0; i < inputs.Count; i++)
            if (inputs[i].Key == "tools") inputs[i] = new("tools", DecodeEach(inputs[i].Value));
        attrs.Set(SpanKeys.MessageFormat, "vercel_ai");
        return inputs.Count > 0 ? PyObjectJson.Dumps(inputs, ensureAscii: true) : null;
    }

    public override string? Outputs(AttributeDict attrs)
    {
        if (!IsChatSpan(attrs)) return base.Outputs(attrs);
        var outputs = Unpack(attrs, "ai.response.");
        return outputs.Count > 0 ? PyObjectJson.Dumps(outputs, ensureAscii: true) : null;
    }

    private static bool IsChatSpan(AttributeDict attrs) =>
        attrs.Get(KindKey) is { } raw && DecodeNested(raw) is "ai.generateText.doGenerate" or "ai.streamText.doStream";

    private static List<KeyValuePair<string, object?>> Unpack(AttributeDict attrs, string prefix)
    {
        var result = new List<KeyValuePair<string, object?>>();
        for (var i = 0; i < attrs.Count; i++)
        {
            var key = attrs.KeyAt(i);
            if (key.StartsWith(prefix, StringComparison.Ordinal)) result.Add(new(key[prefix.Length..], DecodeNested(attrs.ValueAt(i))));
        }
        return result;
    }

    /// <summary>[decode(tool) for tool in tools]: iterating a string gives its characters, a dict its keys; anything else cannot be iterated and MLflow fails.</summary>
    private static List<object?> DecodeEach(object? tools)
    {
        var result = new List<object?>();
        switch (tools)
        {
            case List<object?> list:
                foreach (var tool in list) result.Add(DecodeNested(tool));
                break;
            case string s:
                foreach (var rune in s.EnumerateRunes()) result.Add(DecodeNested(rune.ToString()));
                break;
            case List<KeyValuePair<string, object?>> dict:
                foreach (var kv in dict) result.Add(DecodeNested(kv.Key));
                break;
            default:
                throw new SpanStoreException("ai.prompt.tools is not iterable");
        }
        return result;
    }

    /// <summary>A string is JSON-decoded, and a decoded string again, at most three times; non-JSON stays as it is.</summary>
    private static object? DecodeNested(object? value)
    {
        for (var depth = 0; depth < 3 && value is string s; depth++)
        {
            try
            {
                value = PyJson.Loads(s);
            }
            catch (PyJson.DecodeException)
            {
                return s;
            }
        }
        return value;
    }
}
