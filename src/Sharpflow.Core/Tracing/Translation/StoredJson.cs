using System.Globalization;
using Sharpflow.Core.Python;

namespace Sharpflow.Core.Tracing.Translation;

/// <summary>
/// How the translators read a stored attribute value. Every value an OTLP span brings is JSON text (json.dumps of
/// the decoded value, or a client string that already was JSON), so MLflow's json.loads of it always succeeds;
/// the truthiness test relies on that and reads only the first token instead of building the value, because it
/// runs on inputs and outputs that can be large.
/// </summary>
internal static class StoredJson
{
    /// <summary>bool(json.loads(text)) for valid JSON text; text Python cannot parse counts as truthy (MLflow then keeps the raw string).</summary>
    public static bool IsTruthy(string text)
    {
        var i = SkipWs(text, 0);
        if (i >= text.Length) return text.Length > 0;
        switch (text[i])
        {
            case '"':
                return !(i + 1 < text.Length && text[i + 1] == '"');
            case '{':
            case '[':
                var close = text[i] == '{' ? '}' : ']';
                var j = SkipWs(text, i + 1);
                return !(j < text.Length && text[j] == close);
            case 'f':
                return !text.AsSpan(i).StartsWith("false");
            case 'n':
                return !text.AsSpan(i).StartsWith("null");
            case '-' or (>= '0' and <= '9'):
                return NonZeroNumber(text, i);
            default:
                return true; // true, NaN, Infinity
        }
    }

    // A JSON number token: an int is zero when all its digits are; a float is parsed (1e-400 is 0.0 in Python too).
    private static bool NonZeroNumber(string text, int start)
    {
        var end = start;
        var isFloat = false;
        var nonZeroDigit = false;
        if (end < text.Length && text[end] == '-') end++;
        if (end < text.Length && text[end] == 'I') return true; // -Infinity
        for (; end < text.Length; end++)
        {
            var c = text[end];
            if (c is >= '0' and <= '9') nonZeroDigit |= c != '0';
            else if (c is '.' or 'e' or 'E' or '+' or '-') isFloat = true;
            else break;
        }
        if (!isFloat) return nonZeroDigit;
        return double.TryParse(text.AsSpan(start, end - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d != 0 : nonZeroDigit;
    }

    /// <summary>json.loads(text), or the text itself when it is not JSON (MLflow's try-decode helpers).</summary>
    public static object? Decode(string text)
    {
        // Most values read this way are short plain strings ("LLM", "gpt-4o"): no need for the full decoder.
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"' && IsPlainStringBody(text.AsSpan(1, text.Length - 2)))
            return text.Substring(1, text.Length - 2);
        try
        {
            return PyJson.Loads(text);
        }
        catch (PyJson.DecodeException)
        {
            return text;
        }
    }

    private static bool IsPlainStringBody(ReadOnlySpan<char> body)
    {
        foreach (var c in body)
            if (c < 0x20 || c == '"' || c == '\\') return false;
        return true;
    }

    private static int SkipWs(string s, int i)
    {
        while (i < s.Length && s[i] is ' ' or '\t' or '\n' or '\r') i++;
        return i;
    }
}
