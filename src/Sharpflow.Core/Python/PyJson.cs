using Sharpflow.Core.Python;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Sharpflow.Core.Python;

/// <summary>
/// Python's <c>json</c> module, as far as page tokens need it. Values decode to Python-like
/// shapes (object = ordered key/value list, array = list, int = BigInteger, float = double,
/// plus string, bool and null) so that <see cref="PythonRepr.Json"/> can print them the way
/// MLflow's messages do. NaN and Infinity are accepted, as in Python. Errors carry Python's
/// <c>JSONDecodeError</c> text.
/// </summary>
public static class PyJson
{
    public sealed class DecodeException(string message) : Exception(message);

    public static object? Loads(string s)
    {
        var p = new Reader(s);
        var pos = p.SkipWs(0);
        var (value, end) = p.Value(pos);
        end = p.SkipWs(end);
        if (end != s.Length)
        {
            throw p.Error("Extra data", end);
        }
        return value;
    }

    /// <summary><c>json.dumps</c> with default separators and <c>ensure_ascii</c>.</summary>
    public static string Dumps(object? v) => v switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        string s => Quote(s),
        BigInteger i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        double d => double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity" : PythonRepr.Float(d),
        IEnumerable<KeyValuePair<string, object?>> dict => "{" + string.Join(", ", dict.Select(kv => Quote(kv.Key) + ": " + Dumps(kv.Value))) + "}",
        System.Collections.IEnumerable list => "[" + string.Join(", ", list.Cast<object?>().Select(Dumps)) + "]",
        _ => throw new ArgumentException("not JSON serializable"),
    };

    private static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            sb.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\b' => "\\b",
                '\f' => "\\f",
                _ when c < 0x20 || c > 0x7e => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }
        return sb.Append('"').ToString();
    }

    /// <summary>Nesting at which Python's decoder hits its recursion limit (MLflow then fails with HTTP 500).</summary>
    private const int MaxDepth = 900;

    public sealed class TooDeepException() : Exception("maximum recursion depth exceeded while decoding a JSON document");

    private sealed class Reader(string s)
    {
        private int _depth;

        public DecodeException Error(string what, int pos)
        {
            var line = 1;
            var lineStart = 0;
            for (var i = 0; i < pos && i < s.Length; i++)
            {
                if (s[i] == '\n')
                {
                    line++;
                    lineStart = i + 1;
                }
            }
            return new DecodeException($"{what}: line {line} column {pos - lineStart + 1} (char {pos})");
        }

        public int SkipWs(int i)
        {
            while (i < s.Length && s[i] is ' ' or '\t' or '\n' or '\r')
            {
                i++;
            }
            return i;
        }

        private bool At(int i, string lit) => string.CompareOrdinal(s, i, lit, 0, lit.Length) == 0 && i + lit.Length <= s.Length;

        public (object? Value, int End) Value(int i)
        {
            if (i >= s.Length)
            {
                throw Error("Expecting value", i);
            }
            switch (s[i])
            {
                case '"':
                    return String(i);
                case '{' or '[':
                    if (++_depth > MaxDepth)
                    {
                        throw new TooDeepException();
                    }
                    var result = s[i] == '{' ? Object(i) : Array(i);
                    _depth--;
                    return result;
            }
            foreach (var (lit, val) in new (string, object?)[] { ("null", null), ("true", true), ("false", false), ("NaN", double.NaN), ("Infinity", double.PositiveInfinity), ("-Infinity", double.NegativeInfinity) })
            {
                if (At(i, lit))
                {
                    return (val, i + lit.Length);
                }
            }
            return Number(i);
        }

        private (object?, int) Number(int i)
        {
            var j = i;
            if (j < s.Length && s[j] == '-')
            {
                j++;
            }
            if (j < s.Length && s[j] == '0')
            {
                j++;
            }
            else if (j < s.Length && s[j] is >= '1' and <= '9')
            {
                while (j < s.Length && s[j] is >= '0' and <= '9')
                {
                    j++;
                }
            }
            else
            {
                throw Error("Expecting value", i);
            }
            var isFloat = false;
            if (j + 1 < s.Length && s[j] == '.' && s[j + 1] is >= '0' and <= '9')
            {
                isFloat = true;
                j += 2;
                while (j < s.Length && s[j] is >= '0' and <= '9')
                {
                    j++;
                }
            }
            if (j < s.Length && s[j] is 'e' or 'E')
            {
                var k = j + 1;
                if (k < s.Length && s[k] is '+' or '-')
                {
                    k++;
                }
                if (k < s.Length && s[k] is >= '0' and <= '9')
                {
                    isFloat = true;
                    j = k;
                    while (j < s.Length && s[j] is >= '0' and <= '9')
                    {
                        j++;
                    }
                }
            }
            var text = s[i..j];
            return isFloat
                ? (double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture), j)
                : (BigInteger.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture), j);
        }

        private (object?, int) String(int start)
        {
            var sb = new StringBuilder();
            var i = start + 1;
            while (true)
            {
                if (i >= s.Length)
                {
                    throw Error("Unterminated string starting at", start);
                }
                var c = s[i];
                if (c == '"')
                {
                    return (sb.ToString(), i + 1);
                }
                if (c < 0x20)
                {
                    throw Error("Invalid control character at", i);
                }
                if (c != '\\')
                {
                    sb.Append(c);
                    i++;
                    continue;
                }
                if (i + 1 >= s.Length)
                {
                    throw Error("Unterminated string starting at", start);
                }
                var e = s[i + 1];
                if (e == 'u')
                {
                    if (i + 6 > s.Length || !s.Substring(i + 2, 4).All(Uri.IsHexDigit))
                    {
                        throw Error("Invalid \\uXXXX escape", i + 1);
                    }
                    sb.Append((char)int.Parse(s.AsSpan(i + 2, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 6;
                    continue;
                }
                sb.Append(e switch
                {
                    '"' => '"', '\\' => '\\', '/' => '/', 'b' => '\b', 'f' => '\f', 'n' => '\n', 'r' => '\r', 't' => '\t',
                    _ => throw Error("Invalid \\escape", i),
                });
                i += 2;
            }
        }

        private (object?, int) Object(int start)
        {
            var items = new List<KeyValuePair<string, object?>>();
            var i = SkipWs(start + 1);
            if (i < s.Length && s[i] == '}')
            {
                return (items, i + 1);
            }
            while (true)
            {
                if (i >= s.Length || s[i] != '"')
                {
                    throw Error("Expecting property name enclosed in double quotes", i);
                }
                var (key, afterKey) = String(i);
                i = SkipWs(afterKey);
                if (i >= s.Length || s[i] != ':')
                {
                    throw Error("Expecting ':' delimiter", i);
                }
                var (value, afterValue) = Value(SkipWs(i + 1));
                var existing = items.FindIndex(kv => kv.Key == (string)key!);
                if (existing >= 0)
                {
                    items[existing] = new((string)key!, value);
                }
                else
                {
                    items.Add(new((string)key!, value));
                }
                i = SkipWs(afterValue);
                if (i < s.Length && s[i] == '}')
                {
                    return (items, i + 1);
                }
                if (i >= s.Length || s[i] != ',')
                {
                    throw Error("Expecting ',' delimiter", i);
                }
                i = SkipWs(i + 1);
            }
        }

        private (object?, int) Array(int start)
        {
            var items = new List<object?>();
            var i = SkipWs(start + 1);
            if (i < s.Length && s[i] == ']')
            {
                return (items, i + 1);
            }
            while (true)
            {
                var (value, after) = Value(i);
                items.Add(value);
                i = SkipWs(after);
                if (i < s.Length && s[i] == ']')
                {
                    return (items, i + 1);
                }
                if (i >= s.Length || s[i] != ',')
                {
                    throw Error("Expecting ',' delimiter", i);
                }
                i = SkipWs(i + 1);
            }
        }
    }
}
