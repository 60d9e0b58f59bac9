using Sharpflow.Core.Python;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sharpflow.Core.Python;

/// <summary>
/// How MLflow's messages and stored values print a request's JSON: json.dumps with sorted keys and
/// compact separators for messages, Python's type names for hints, and json.dumps with default
/// separators for JSON that MLflow stores as text.
/// </summary>
public static class JsonRepr
{
    /// <summary>json.dumps(value, sort_keys=True, separators=(",", ":")) with ensure_ascii.</summary>
    public static string Compact(JsonElement value)
    {
        var sb = new StringBuilder();
        Write(sb, value);
        return sb.ToString();
    }

    /// <summary>json.dumps of a string.</summary>
    public static string Compact(string? value)
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

    /// <summary>json.dumps(node) with Python's default separators (", " and ": "), keys in document order.</summary>
    public static string Dumps(JsonNode? node)
    {
        var sb = new StringBuilder();
        WriteNode(sb, node);
        return sb.ToString();
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
            case JsonValueKind.Number: sb.Append(Number(value)); break;
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

    private static string Number(JsonElement value)
    {
        if (IsInteger(value)) return value.GetRawText();
        var d = value.GetDouble();
        return double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity" : PythonRepr.Float(d);
    }

    private static void WriteNode(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case null: sb.Append("null"); break;
            case JsonObject o:
                sb.Append('{');
                var first = true;
                foreach (var (k, v) in o)
                {
                    if (!first) sb.Append(", ");
                    first = false;
                    WriteString(sb, k);
                    sb.Append(": ");
                    WriteNode(sb, v);
                }
                sb.Append('}');
                break;
            case JsonArray a:
                sb.Append('[');
                for (var i = 0; i < a.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    WriteNode(sb, a[i]);
                }
                sb.Append(']');
                break;
            default:
                var el = JsonSerializer.SerializeToElement(node, JsonReprContext.Default.JsonNode);
                if (el.ValueKind == JsonValueKind.String) WriteString(sb, el.GetString()!);
                else if (el.ValueKind == JsonValueKind.Number) sb.Append(Number(el));
                else sb.Append(el.GetRawText());
                break;
        }
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

[System.Text.Json.Serialization.JsonSerializable(typeof(JsonNode))]
internal partial class JsonReprContext : System.Text.Json.Serialization.JsonSerializerContext;
