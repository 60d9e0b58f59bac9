using System.Globalization;
using System.Numerics;
using System.Text;
using Sharpflow.Core.Python;

namespace Sharpflow.Core.Tracing;

/// <summary>
/// What log_spans derives for a trace from its spans, with MLflow's Python semantics: token usage and cost sums
/// (JSON dicts, int + int stays int), and the request/response previews taken from the root span.
/// </summary>
public static class TraceDerivations
{
    public const int PreviewMaxLength = 1000;

    /// <summary>
    /// MLflow's update_token_usage: for each usage key present on either side, current[key] = current.get(key, 0) +
    /// new.get(key, 0). A value that cannot be added stops the update where it is (MLflow logs and keeps the partial dict).
    /// </summary>
    public static List<KeyValuePair<string, object?>> AddTokenUsage(List<KeyValuePair<string, object?>> current, object? addition)
    {
        if (addition is string text) addition = LoadsOrNull(text);
        if (!PyObjects.Truthy(addition)) return current;
        if (addition is not List<KeyValuePair<string, object?>> add) return current; // .get on a non-dict raises
        foreach (var key in SpanKeys.TokenUsageKeys)
        {
            if (!PyObjects.Has(add, key) && !PyObjects.Has(current, key)) continue;
            var sum = PyAdd(PyObjects.Has(current, key) ? PyObjects.Get(current, key) : BigInteger.Zero,
                PyObjects.Has(add, key) ? PyObjects.Get(add, key) : BigInteger.Zero);
            if (sum is null) return current;
            Put(current, key, sum);
        }
        return current;
    }

    /// <summary>MLflow's update_cost: all three cost keys, current.get(key, 0.0) + new.get(key, 0.0).</summary>
    public static List<KeyValuePair<string, object?>> AddCost(List<KeyValuePair<string, object?>> current, object? addition)
    {
        if (addition is string text) addition = LoadsOrNull(text);
        if (!PyObjects.Truthy(addition)) return current;
        if (addition is not List<KeyValuePair<string, object?>> add) return current;
        foreach (var key in SpanKeys.CostKeys)
        {
            var sum = PyAdd(PyObjects.Has(current, key) ? PyObjects.Get(current, key) : 0.0,
                PyObjects.Has(add, key) ? PyObjects.Get(add, key) : 0.0);
            if (sum is null) return current;
            Put(current, key, sum);
        }
        return current;
    }

    /// <summary>Parses a stored dict (metadata value); anything else counts as empty, as MLflow's `or {}`.</summary>
    public static List<KeyValuePair<string, object?>> LoadDict(string? text) =>
        text is not null && LoadsOrNull(text) is List<KeyValuePair<string, object?>> d ? d : [];

    private static object? LoadsOrNull(string text)
    {
        try
        {
            return PyJson.Loads(text);
        }
        catch (Exception e) when (e is PyJson.DecodeException or PyJson.TooDeepException)
        {
            return null;
        }
    }

    private static void Put(List<KeyValuePair<string, object?>> dict, string key, object? value)
    {
        for (var i = dict.Count - 1; i >= 0; i--)
        {
            if (dict[i].Key != key) continue;
            dict[i] = new(key, value);
            return;
        }
        dict.Add(new(key, value));
    }

    /// <summary>Python's a + b for JSON numbers and bools; null when Python would raise.</summary>
    private static object? PyAdd(object? a, object? b)
    {
        static bool AsInt(object? v, out BigInteger i)
        {
            switch (v)
            {
                case BigInteger x: i = x; return true;
                case bool t: i = t ? BigInteger.One : BigInteger.Zero; return true;
                default: i = default; return false;
            }
        }
        if (AsInt(a, out var ia) && AsInt(b, out var ib)) return ia + ib;
        double da, db;
        if (a is double x1) da = x1;
        else if (AsInt(a, out ia)) da = (double)ia;
        else return null;
        if (b is double y1) db = y1;
        else if (AsInt(b, out ib)) db = (double)ib;
        else return null;
        return da + db;
    }

    /// <summary>Python's float(value) for a metric row; null when it would raise.</summary>
    public static double? ToFloat(object? v) => v switch
    {
        double d => d,
        BigInteger i => (double)i,
        bool b => b ? 1 : 0,
        string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    /// <summary>
    /// MLflow's _get_truncated_preview of a stored inputs/outputs attribute: for chat-shaped JSON the text of the
    /// last message of <paramref name="role"/> (else the last message), otherwise the JSON text itself; cut to
    /// 1000 characters (code points) ending in "...".
    /// </summary>
    public static string? Preview(string stored, string role)
    {
        string? content = null;
        object? obj = null;
        try
        {
            obj = PyJson.Loads(stored);
        }
        catch (PyJson.DecodeException)
        {
        }
        catch (PyJson.TooDeepException)
        {
            return null; // Python's RecursionError: MLflow skips the preview
        }
        if (obj is not null && ExtractMessages(obj) is { Count: > 0 } messages)
            content = TextContent(LastMessage(messages, role)) as string;
        if (string.IsNullOrEmpty(content)) content = stored;
        return Truncate(content, PreviewMaxLength);
    }

    public static string Truncate(string s, int max)
    {
        // Python counts code points; only strings with surrogate pairs differ from .NET's length.
        if (s.Length <= max) return s;
        var points = 0;
        foreach (var _ in s.EnumerateRunes()) points++;
        if (points <= max) return s;
        var sb = new StringBuilder();
        var n = 0;
        foreach (var r in s.EnumerateRunes())
        {
            if (n++ == max - 3) break;
            sb.Append(r.ToString());
        }
        return sb.Append("...").ToString();
    }

    private static List<object?>? ExtractMessages(object? obj)
    {
        if (obj is not List<KeyValuePair<string, object?>> d) return null;
        if (PyObjects.Get(d, "messages") is List<object?> { Count: > 0 } messages) return messages.Where(IsMessage).ToList();
        if (PyObjects.Get(d, "choices") is List<object?> { Count: > 0 } choices && choices[0] is List<KeyValuePair<string, object?>> c0
            && PyObjects.Get(c0, "message") is var msg && PyObjects.Truthy(msg) && IsMessage(msg))
            return [msg];
        if (PyObjects.Get(d, "input") is List<object?> { Count: > 0 } input) return input.Where(IsMessage).ToList();
        if (PyObjects.Get(d, "output") is List<object?> { Count: > 0 } output) return output.Where(IsMessage).ToList();
        if (PyObjects.Has(d, "request")) return ExtractMessages(PyObjects.Get(d, "request"));
        return null;
    }

    private static bool IsMessage(object? item) =>
        item is List<KeyValuePair<string, object?>> d && PyObjects.Has(d, "role") && PyObjects.Has(d, "content");

    private static List<KeyValuePair<string, object?>> LastMessage(List<object?> messages, string role)
    {
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            var m = (List<KeyValuePair<string, object?>>)messages[i]!;
            if (PyObjects.Get(m, "role") is string r && r == role) return m;
        }
        return (List<KeyValuePair<string, object?>>)messages[^1]!;
    }

    private static object? TextContent(List<KeyValuePair<string, object?>> message)
    {
        var content = PyObjects.Get(message, "content");
        if (content is List<object?> parts)
        {
            foreach (var part in parts)
            {
                if (part is string s) return s;
                if (part is List<KeyValuePair<string, object?>> p && PyObjects.Get(p, "type") is "text" or "output_text")
                    return PyObjects.Get(p, "text");
            }
            return null;
        }
        return content is string text ? text : "";
    }
}
