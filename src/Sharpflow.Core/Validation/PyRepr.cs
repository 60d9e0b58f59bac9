using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Sharpflow.Core.Validation;

/// <summary>
/// MLflow's messages embed values the way Python prints them (json.dumps with sorted keys and compact
/// separators, repr of strings and lists). Clients match on these texts, so we reproduce them.
/// </summary>
public static class PyRepr
{
    /// <summary>json.dumps(value, sort_keys=True, separators=(",", ":")) with ensure_ascii.</summary>
    public static string JsonDumps(JsonElement value)
    {
        var sb = new StringBuilder();
        Write(sb, value);
        return sb.ToString();
    }

    public static string JsonDumps(string? value)
    {
        if (value is null) return "null";
        var sb = new StringBuilder();
        WriteString(sb, value);
        return sb.ToString();
    }

    /// <summary>Python's type(x).__name__ for a JSON value.</summary>
    public static string TypeName(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "str",
        JsonValueKind.Number => IsInteger(value) ? "int" : "float",
        JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValueKind.Array => "list",
        JsonValueKind.Object => "dict",
        _ => "NoneType",
    };

    /// <summary>repr() of a Python str: single quotes unless the text holds a single quote only.</summary>
    public static string Str(string value)
    {
        var quote = value.Contains('\'') && !value.Contains('"') ? '"' : '\'';
        var sb = new StringBuilder().Append(quote);
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c == quote) sb.Append('\\').Append(c);
                    else if (c < 0x20 || c == 0x7f) sb.Append("\\x").Append(((int)c).ToString("x2"));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append(quote).ToString();
    }

    /// <summary>repr() of a Python list of str.</summary>
    public static string StrList(IEnumerable<string> values) => "[" + string.Join(", ", values.Select(Str)) + "]";

    /// <summary>str() of a Python float, e.g. 1.0, 0.1, 1e+20, nan, inf.</summary>
    public static string Float(double v)
    {
        if (double.IsNaN(v)) return "nan";
        if (double.IsPositiveInfinity(v)) return "inf";
        if (double.IsNegativeInfinity(v)) return "-inf";
        var r = v.ToString("R", CultureInfo.InvariantCulture);
        if (r.Contains('E'))
        {
            // Python writes 1e+20 / 1e-05 where .NET writes 1E+20 / 1E-05.
            var parts = r.Split('E');
            var exp = int.Parse(parts[1], CultureInfo.InvariantCulture);
            var abs = Math.Abs(v);
            if (abs >= 1e-4 && abs < 1e16) return v.ToString("0.0###############", CultureInfo.InvariantCulture);
            return parts[0] + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
        }
        if (Math.Abs(v) >= 1e16) return v.ToString("0.0###############e+00", CultureInfo.InvariantCulture);
        return r.Contains('.') ? r : r + ".0";
    }

    private static bool IsInteger(JsonElement number)
    {
        var raw = number.GetRawText();
        return !raw.Contains('.') && !raw.Contains('e') && !raw.Contains('E');
    }

    private static void Write(StringBuilder sb, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String: WriteString(sb, value.GetString()!); break;
            case JsonValueKind.Number:
                if (IsInteger(value)) sb.Append(value.GetRawText());
                else sb.Append(JsonFloat(value.GetDouble()));
                break;
            case JsonValueKind.True: sb.Append("true"); break;
            case JsonValueKind.False: sb.Append("false"); break;
            case JsonValueKind.Null: sb.Append("null"); break;
            case JsonValueKind.Array:
                sb.Append('[');
                var first = true;
                foreach (var item in value.EnumerateArray())
                {
                    if (!first) sb.Append(',');
                    first = false;
                    Write(sb, item);
                }
                sb.Append(']');
                break;
            case JsonValueKind.Object:
                sb.Append('{');
                var props = value.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
                for (var i = 0; i < props.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    WriteString(sb, props[i].Name);
                    sb.Append(':');
                    Write(sb, props[i].Value);
                }
                sb.Append('}');
                break;
        }
    }

    private static string JsonFloat(double v)
    {
        if (double.IsNaN(v)) return "NaN";
        if (double.IsPositiveInfinity(v)) return "Infinity";
        if (double.IsNegativeInfinity(v)) return "-Infinity";
        return Float(v);
    }

    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7e) sb.Append("\\u").Append(((int)c).ToString("x4"));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }
}
