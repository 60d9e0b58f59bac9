using System.Text;
using Sharpflow.Core.Python;

namespace Sharpflow.Core.Tracing;

/// <summary>
/// The storage-time attribute translation MLflow applies to every span it stores. Implemented: the model name
/// taken from a <c>"model"</c> field of the span's inputs or outputs (what MLflow-instrumented LLM calls rely on).
/// Not implemented yet: the per-framework OTel translators (OpenInference, GenAI semconv, Traceloop, ...) that fill
/// span type, inputs/outputs, token usage, message format, tools and provider from their own attribute names,
/// and cost computed from model pricing tables (MLflow needs an optional pricing package for it).
/// </summary>
public static class SpanTranslation
{
    public static void Apply(AttributeDict attrs)
    {
        if (!attrs.Contains(SpanKeys.Model) && ModelName(attrs) is { } model)
        {
            var sb = new StringBuilder(model.Length + 2);
            PyValueDumper.WriteString(sb, model, ensureAscii: false);
            attrs.Set(SpanKeys.Model, sb.ToString());
        }
    }

    /// <summary>
    /// A truthy "model" of the inputs dict, else of the outputs dict; a non-string model ends the search with none.
    /// Only JSON objects that mention "model" are parsed (the common case has no such key and costs a scan).
    /// </summary>
    private static string? ModelName(AttributeDict attrs)
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
}

/// <summary>Python truthiness and dict access over PyJson's decoded shapes.</summary>
public static class PyObjects
{
    public static object? Get(List<KeyValuePair<string, object?>> dict, string key)
    {
        for (var i = dict.Count - 1; i >= 0; i--)
            if (dict[i].Key == key) return dict[i].Value;
        return null;
    }

    public static bool Has(List<KeyValuePair<string, object?>> dict, string key)
    {
        foreach (var kv in dict)
            if (kv.Key == key) return true;
        return false;
    }

    public static bool Truthy(object? v) => v switch
    {
        null => false,
        bool b => b,
        string s => s.Length > 0,
        System.Numerics.BigInteger i => !i.IsZero,
        double d => d != 0,
        System.Collections.ICollection c => c.Count > 0,
        _ => true,
    };
}
