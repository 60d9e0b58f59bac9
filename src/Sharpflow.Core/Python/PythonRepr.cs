using System.Globalization;
using System.Numerics;
using System.Text;

namespace Sharpflow.Core.Python;

/// <summary>
/// Python's <c>repr()</c> for the values MLflow interpolates into its error messages (strings,
/// bytes, numbers, and the set / list / tuple / dict displays built from them). Clients see
/// these texts verbatim, so quoting and escaping follow CPython exactly.
/// </summary>
public static class PythonRepr
{
    public static string Str(string s)
    {
        var quote = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
        var sb = new StringBuilder(s.Length + 2).Append(quote);
        foreach (var rune in EnumerateCodePoints(s))
        {
            switch (rune)
            {
                case '\\':
                    sb.Append("\\\\");
                    continue;
                case '\t':
                    sb.Append("\\t");
                    continue;
                case '\n':
                    sb.Append("\\n");
                    continue;
                case '\r':
                    sb.Append("\\r");
                    continue;
            }
            if (rune == quote)
            {
                sb.Append('\\').Append(quote);
            }
            else if (rune < 0x20 || rune == 0x7f)
            {
                sb.Append("\\x").Append(rune.ToString("x2", CultureInfo.InvariantCulture));
            }
            else if (rune < 0x7f || IsPrintable(rune))
            {
                sb.Append(char.ConvertFromUtf32(rune));
            }
            else if (rune <= 0xff)
            {
                sb.Append("\\x").Append(rune.ToString("x2", CultureInfo.InvariantCulture));
            }
            else if (rune <= 0xffff)
            {
                sb.Append("\\u").Append(rune.ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append("\\U").Append(rune.ToString("x8", CultureInfo.InvariantCulture));
            }
        }
        return sb.Append(quote).ToString();
    }

    public static string Bytes(ReadOnlySpan<byte> bytes)
    {
        var quote = bytes.Contains((byte)'\'') && !bytes.Contains((byte)'"') ? '"' : '\'';
        var sb = new StringBuilder(bytes.Length + 3).Append('b').Append(quote);
        foreach (var b in bytes)
        {
            if (b == quote || b == '\\')
            {
                sb.Append('\\').Append((char)b);
            }
            else if (b == '\t')
            {
                sb.Append("\\t");
            }
            else if (b == '\n')
            {
                sb.Append("\\n");
            }
            else if (b == '\r')
            {
                sb.Append("\\r");
            }
            else if (b < 0x20 || b >= 0x7f)
            {
                sb.Append("\\x").Append(b.ToString("x2", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append((char)b);
            }
        }
        return sb.Append(quote).ToString();
    }

    /// <summary>A set of strings, <c>{'a', 'b'}</c>, in the given order (Python's order is arbitrary anyway).</summary>
    public static string StrSet(IEnumerable<string> items) => "{" + string.Join(", ", items.Select(Str)) + "}";

    public static string StrList(IEnumerable<string> items) => "[" + string.Join(", ", items.Select(Str)) + "]";

    public static string StrTuple(IReadOnlyList<string> items) =>
        items.Count == 1 ? "(" + Str(items[0]) + ",)" : "(" + string.Join(", ", items.Select(Str)) + ")";

    /// <summary>Python's shortest round-trip float repr: <c>1.0</c>, <c>1e+16</c>, <c>1.5e-05</c>, <c>inf</c>, <c>nan</c>.</summary>
    public static string Float(double d)
    {
        if (double.IsNaN(d))
        {
            return "nan";
        }
        if (double.IsInfinity(d))
        {
            return d > 0 ? "inf" : "-inf";
        }
        // Shortest digits that round-trip, as Python's repr picks them.
        var r = d.ToString("E16", CultureInfo.InvariantCulture);
        for (var p = 0; p < 16; p++)
        {
            var candidate = d.ToString("E" + p, CultureInfo.InvariantCulture);
            if (double.Parse(candidate, CultureInfo.InvariantCulture) == d)
            {
                r = candidate;
                break;
            }
        }
        var negative = r.StartsWith('-');
        var body = negative ? r[1..] : r;
        var ePos = body.IndexOf('E');
        var digits = body[..ePos].Replace(".", "", StringComparison.Ordinal).TrimEnd('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }
        var exp = int.Parse(body[(ePos + 1)..], CultureInfo.InvariantCulture);
        var decpt = d == 0 ? 1 : exp + 1;
        string text;
        if (decpt is > -4 and <= 16)
        {
            if (decpt <= 0)
            {
                text = "0." + new string('0', -decpt) + digits;
            }
            else if (decpt >= digits.Length)
            {
                text = digits + new string('0', decpt - digits.Length) + ".0";
            }
            else
            {
                text = digits[..decpt] + "." + digits[decpt..];
            }
        }
        else
        {
            var mantissa = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
            var e = decpt - 1;
            text = mantissa + "e" + (e < 0 ? "-" : "+") + Math.Abs(e).ToString("00", CultureInfo.InvariantCulture);
        }
        return negative ? "-" + text : text;
    }

    /// <summary>repr of a JSON-decoded value (dict, list, str, int, float, bool, None) as Python prints it.</summary>
    public static string Json(object? value) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        string s => Str(s),
        BigInteger i => i.ToString(CultureInfo.InvariantCulture),
        double f => Float(f),
        List<object?> list => "[" + string.Join(", ", list.Select(Json)) + "]",
        List<KeyValuePair<string, object?>> dict => "{" + string.Join(", ", dict.Select(kv => Str(kv.Key) + ": " + Json(kv.Value))) + "}",
        _ => value.ToString() ?? "None",
    };

    private static IEnumerable<int> EnumerateCodePoints(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                yield return char.ConvertToUtf32(s[i], s[i + 1]);
                i++;
            }
            else
            {
                yield return s[i];
            }
        }
    }

    private static bool IsPrintable(int codePoint)
    {
        if (codePoint is >= 0xd800 and <= 0xdfff)
        {
            return false;
        }
        var category = CharUnicodeInfo.GetUnicodeCategory(codePoint);
        return category switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => false,
            UnicodeCategory.SpaceSeparator => codePoint == ' ',
            _ => true,
        };
    }
}
