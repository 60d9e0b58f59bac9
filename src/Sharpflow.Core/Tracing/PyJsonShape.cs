namespace Sharpflow.Core.Tracing;

public enum JsonTopLevel { Invalid, String, Object, Array, Scalar }

/// <summary>
/// Tells whether a string is a document Python's <c>json.loads</c> accepts, and what its top-level value is,
/// without building it. MLflow decides how to store an OTLP string attribute by exactly this (a string that is
/// already JSON of a str/dict/list is stored as is, anything else is JSON-encoded once more), so it runs for
/// every string attribute that starts like JSON; it is an allocation-free scanner with Python's grammar
/// (NaN, Infinity and -Infinity accepted, raw control characters in strings refused).
/// </summary>
public static class PyJsonShape
{
    public static JsonTopLevel Classify(string s)
    {
        var i = SkipWs(s, 0);
        if (i >= s.Length) return JsonTopLevel.Invalid;
        var top = s[i] switch
        {
            '"' => JsonTopLevel.String,
            '{' => JsonTopLevel.Object,
            '[' => JsonTopLevel.Array,
            _ => JsonTopLevel.Scalar,
        };
        if (!Value(s, ref i)) return JsonTopLevel.Invalid;
        return SkipWs(s, i) == s.Length ? top : JsonTopLevel.Invalid;
    }

    /// <summary>True when the text starts (after whitespace) like a JSON string, object or array: the only shapes worth scanning.</summary>
    public static bool MayBeContainerOrString(string s)
    {
        var i = SkipWs(s, 0);
        return i < s.Length && s[i] is '"' or '{' or '[';
    }

    private static int SkipWs(string s, int i)
    {
        while (i < s.Length && s[i] is ' ' or '\t' or '\n' or '\r') i++;
        return i;
    }

    // Iterative over an explicit stack of open containers ('{' or '['), so deep nesting cannot overflow ours.
    private static bool Value(string s, ref int i)
    {
        var stack = new Stack<char>();
        while (true)
        {
            i = SkipWs(s, i);
            if (i >= s.Length) return false;
            var c = s[i];
            if (c == '{' || c == '[')
            {
                if (stack.Count >= 990) return false; // Python's recursion limit
                i++;
                i = SkipWs(s, i);
                if (i < s.Length && s[i] == (c == '{' ? '}' : ']'))
                {
                    i++;
                }
                else
                {
                    stack.Push(c);
                    if (c == '{' && !Key(s, ref i)) return false;
                    continue;
                }
            }
            else if (!Scalar(s, ref i)) return false;

            // after a value: close containers or move to the next member
            while (true)
            {
                if (stack.Count == 0) return true;
                i = SkipWs(s, i);
                if (i >= s.Length) return false;
                var open = stack.Peek();
                if (s[i] == ',')
                {
                    i++;
                    if (open == '{' && !Key(s, ref i)) return false;
                    break;
                }
                if (s[i] != (open == '{' ? '}' : ']')) return false;
                i++;
                stack.Pop();
            }
        }
    }

    private static bool Key(string s, ref int i)
    {
        i = SkipWs(s, i);
        if (i >= s.Length || s[i] != '"' || !String(s, ref i)) return false;
        i = SkipWs(s, i);
        if (i >= s.Length || s[i] != ':') return false;
        i++;
        return true;
    }

    private static bool Scalar(string s, ref int i)
    {
        var c = s[i];
        if (c == '"') return String(s, ref i);
        foreach (var lit in Literals)
        {
            if (string.CompareOrdinal(s, i, lit, 0, lit.Length) == 0)
            {
                i += lit.Length;
                return true;
            }
        }
        return Number(s, ref i);
    }

    private static readonly string[] Literals = ["true", "false", "null", "NaN", "Infinity", "-Infinity"];

    private static bool String(string s, ref int i)
    {
        i++; // opening quote
        while (i < s.Length)
        {
            var c = s[i++];
            if (c == '"') return true;
            if (c < 0x20) return false;
            if (c != '\\') continue;
            if (i >= s.Length) return false;
            var e = s[i++];
            if (e == 'u')
            {
                if (i + 4 > s.Length) return false;
                for (var k = 0; k < 4; k++)
                    if (!Uri.IsHexDigit(s[i + k])) return false;
                i += 4;
            }
            else if (e is not ('"' or '\\' or '/' or 'b' or 'f' or 'n' or 'r' or 't')) return false;
        }
        return false;
    }

    private static bool Number(string s, ref int i)
    {
        var start = i;
        if (i < s.Length && s[i] == '-') i++;
        if (i >= s.Length || !char.IsAsciiDigit(s[i])) return false;
        if (s[i] == '0') i++;
        else
            while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
        if (i + 1 < s.Length && s[i] == '.' && char.IsAsciiDigit(s[i + 1]))
        {
            i++;
            while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
        }
        if (i < s.Length && s[i] is 'e' or 'E')
        {
            var j = i + 1;
            if (j < s.Length && s[j] is '+' or '-') j++;
            if (j < s.Length && char.IsAsciiDigit(s[j]))
            {
                while (j < s.Length && char.IsAsciiDigit(s[j])) j++;
                i = j;
            }
        }
        return i > start;
    }
}
