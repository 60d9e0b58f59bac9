using System.Numerics;
using Sharpflow.Core.Python;

namespace Sharpflow.Core.Tracing.Translation;

/// <summary>
/// The storage-time attribute translation MLflow 3.11 applies to every span it stores (after its sanitising of
/// double-encoded string values, which <see cref="SpanConverter.StoredValue"/> already does). From the attributes
/// of the OpenTelemetry conventions in <see cref="Translators"/> it fills, in this order and each only where the
/// span lacks it:
/// <list type="number">
/// <item><c>mlflow.spanType</c>, overriding an absent, null or "UNKNOWN" type;</item>
/// <item><c>mlflow.spanInputs</c> / <c>mlflow.spanOutputs</c>, from attributes, else from Spring AI or GenAI message events;</item>
/// <item><c>mlflow.chat.tokenUsage</c>: input, output, total (input + output when the convention has none), cache read and creation;</item>
/// <item><c>mlflow.message.format</c>, <c>mlflow.chat.tools</c>;</item>
/// <item><c>mlflow.llm.model</c>: a convention's model attribute, else a string "model" of the inputs dict, else of the outputs dict;</item>
/// <item><c>mlflow.llm.provider</c>.</item>
/// </list>
/// The trace's token usage and previews then follow from the translated attributes, as in MLflow.
/// Not done: <c>mlflow.llm.cost</c>. MLflow prices a span with model name and token usage through LiteLLM's price
/// list when that optional package is installed, else through per-provider catalogue files it downloads from its
/// GitHub releases or ships in its wheel. Sharpflow has none of that data, so it stores no cost, as an MLflow
/// server without LiteLLM and without a catalogue for the model does.
/// </summary>
public static class SpanTranslation
{
    public static void Apply(AttributeDict attrs, List<OtlpEvent> events)
    {
        if (!MayCarryConvention(attrs, events))
        {
            // The usual MLflow-native span: no convention can answer, only the model from inputs/outputs applies.
            if (!attrs.Contains(SpanKeys.Model) && ModelFromInputsOrOutputs(attrs) is { } model)
                attrs.Set(SpanKeys.Model, PyObjectJson.Quote(model));
            return;
        }
        try
        {
            Translate(attrs, events);
        }
        catch (PyJson.TooDeepException)
        {
            // Python's json.loads hits its recursion limit; MLflow's log_spans fails with it.
            throw new SpanStoreException("attribute value nested too deeply");
        }
    }

    private static void Translate(AttributeDict attrs, List<OtlpEvent> events)
    {
        var all = Translators.All;

        string? type = null;
        foreach (var t in all)
            if ((type = t.SpanType(attrs)) is not null) break;
        if (type is not null && TypeIsUnset(attrs)) attrs.Set(SpanKeys.SpanType, PyObjectJson.Quote(type));

        if (!attrs.Contains(SpanKeys.Inputs)) SetInputsOrOutputs(attrs, events, SpanKeys.Inputs);
        if (!attrs.Contains(SpanKeys.Outputs)) SetInputsOrOutputs(attrs, events, SpanKeys.Outputs);

        if (!attrs.Contains(SpanKeys.ChatUsage) && TokenUsage(attrs) is { } usage) attrs.Set(SpanKeys.ChatUsage, usage);

        if (!attrs.Contains(SpanKeys.MessageFormat))
        {
            foreach (var t in all)
            {
                if (t.MessageFormat(attrs) is not { } format) continue;
                attrs.Set(SpanKeys.MessageFormat, PyObjectJson.Quote(format));
                break;
            }
        }

        if (!attrs.Contains(SpanKeys.ChatTools))
        {
            foreach (var t in all)
            {
                if (t.ToolDefinitions(attrs) is not { } tools) continue;
                attrs.Set(SpanKeys.ChatTools, tools);
                break;
            }
        }

        if (!attrs.Contains(SpanKeys.Model))
        {
            object? model = null;
            foreach (var t in all)
                if ((model = t.ModelName(attrs)) is not null) break;
            model ??= ModelFromInputsOrOutputs(attrs);
            if (model is not null) attrs.Set(SpanKeys.Model, PyObjectJson.Dumps(model, ensureAscii: false));
        }

        if (!attrs.Contains(SpanKeys.ModelProvider))
        {
            foreach (var t in all)
            {
                if (t.Provider(attrs) is not { } provider) continue;
                attrs.Set(SpanKeys.ModelProvider, PyObjectJson.Dumps(provider, ensureAscii: false));
                break;
            }
        }
    }

    /// <summary>MLflow overrides a type that is absent or decodes to null or "UNKNOWN" (the default of its live spans).</summary>
    private static bool TypeIsUnset(AttributeDict attrs) =>
        attrs.Get(SpanKeys.SpanType) is not { Length: > 0 } raw || StoredJson.Decode(raw) is null or SpanTypes.Unknown;

    private static void SetInputsOrOutputs(AttributeDict attrs, List<OtlpEvent> events, string key)
    {
        var inputs = key == SpanKeys.Inputs;
        foreach (var t in Translators.All)
        {
            if ((inputs ? t.Inputs(attrs) : t.Outputs(attrs)) is not { Length: > 0 } text) continue;
            attrs.Set(key, text);
            return;
        }
        if (events.Count == 0) return;
        foreach (var t in Translators.EventBased)
        {
            if ((inputs ? t.InputsFromEvents(events) : t.OutputsFromEvents(events)) is not { } value) continue;
            if (value.IsJson) attrs.SetJson(key, value.Text);
            else attrs.Set(key, value.Text);
            return;
        }
    }

    /// <summary>The first convention with any of input, output or total tokens gives the whole usage dict, as dumped JSON.</summary>
    private static string? TokenUsage(AttributeDict attrs)
    {
        foreach (var t in Translators.All)
        {
            var input = TokenCount.Parse(t.InputTokens(attrs));
            var output = TokenCount.Parse(t.OutputTokens(attrs));
            var total = TokenCount.Parse(t.TotalTokens(attrs));
            if (total is null && input is not null && output is not null) total = AsInt(input) + AsInt(output);
            if (input is null && output is null && total is null) continue;

            var usage = new List<KeyValuePair<string, object?>>(5);
            if (input is not null) usage.Add(new("input_tokens", input));
            if (output is not null) usage.Add(new("output_tokens", output));
            if (total is not null) usage.Add(new("total_tokens", total));
            if (TokenCount.Parse(t.CacheReadInputTokens(attrs)) is { } cacheRead) usage.Add(new("cache_read_input_tokens", cacheRead));
            if (TokenCount.Parse(t.CacheCreationInputTokens(attrs)) is { } cacheCreation) usage.Add(new("cache_creation_input_tokens", cacheCreation));
            return PyObjectJson.Dumps(usage, ensureAscii: false);
        }
        return null;
    }

    // A count is an int or a bool (Python adds them as ints).
    private static BigInteger AsInt(object count) => count is bool b ? (b ? BigInteger.One : BigInteger.Zero) : (BigInteger)count;

    /// <summary>
    /// A truthy "model" of the inputs dict, else of the outputs dict; a non-string model ends the search with none.
    /// Only JSON objects that mention "model" are parsed (the common case has no such key and costs a scan). A value
    /// stored as JSON of a non-string (from an event) reads the same way: a dict is a dict either way.
    /// </summary>
    private static string? ModelFromInputsOrOutputs(AttributeDict attrs)
    {
        foreach (var key in (ReadOnlySpan<string>)[SpanKeys.Inputs, SpanKeys.Outputs])
        {
            var text = attrs.Get(key);
            if (text is null || !text.Contains("\"model\"", StringComparison.Ordinal) || !text.AsSpan().TrimStart().StartsWith("{")) continue;
            object? parsed;
            try
            {
                parsed = PyJson.Loads(text);
            }
            catch (Exception e) when (e is PyJson.DecodeException or PyJson.TooDeepException)
            {
                continue;
            }
            if (parsed is not List<KeyValuePair<string, object?>> dict) continue;
            var model = PyObjects.Get(dict, "model");
            if (!PyObjects.Truthy(model)) continue;
            return model as string;
        }
        return null;
    }

    /// <summary>
    /// Whether any attribute name belongs to a convention (or, with inputs or outputs missing, any event is a GenAI
    /// one). Checked once per span before any other work, so a span without foreign attributes costs a scan of its
    /// keys' first characters.
    /// </summary>
    internal static bool MayCarryConvention(AttributeDict attrs, List<OtlpEvent> events)
    {
        for (var i = 0; i < attrs.Count; i++)
            if (IsConventionKey(attrs.KeyAt(i))) return true;
        if (events.Count == 0 || (attrs.Contains(SpanKeys.Inputs) && attrs.Contains(SpanKeys.Outputs))) return false;
        foreach (var ev in events)
            if (ev.Name.StartsWith("gen_ai.", StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>A name some convention reads (MLflow's own mlflow.* names never are).</summary>
    internal static bool IsConventionKey(string key) => key.Length > 0 && key[0] switch
    {
        'a' => key.StartsWith("ai.", StringComparison.Ordinal) || key == "agent.messages",
        'e' => key is "entity.type" or "embedding.model_name",
        'g' => key.StartsWith("gen_ai.", StringComparison.Ordinal) || key.StartsWith("gcp.vertex.agent.", StringComparison.Ordinal),
        'i' => key is "input" or "input.value",
        'l' => key.StartsWith("llm.", StringComparison.Ordinal) || key.StartsWith("lk.", StringComparison.Ordinal)
            || key.StartsWith("lmnr.", StringComparison.Ordinal) || key.StartsWith("langfuse.", StringComparison.Ordinal),
        'o' => key is "output" or "output.value" || key.StartsWith("openinference.", StringComparison.Ordinal),
        's' => key == "span.type",
        't' => key.StartsWith("traceloop.", StringComparison.Ordinal),
        'u' => key.StartsWith("usage.", StringComparison.Ordinal),
        'v' => key.StartsWith("voltagent.", StringComparison.Ordinal),
        _ => false,
    };
}
