using System.Globalization;
using System.Numerics;
using System.Text;
using Sharpflow.Core.Python;

namespace Sharpflow.Core.Tracing.Translation;

/// <summary>
/// json.dumps of the Python values the translators build (PyJson's decoded shapes), in both of MLflow's forms:
/// <c>ensureAscii: true</c> for a bare json.dumps, <c>false</c> for dump_span_attribute_value. Also turns decoded
/// OTLP event attribute values into those shapes.
/// </summary>
internal static class PyObjectJson
{
    public static string Dumps(object? value, bool ensureAscii)
    {
        var sb = new StringBuilder();
        Write(sb, value, ensureAscii);
        return sb.ToString();
    }

    /// <summary>json.dumps of a str, as dump_span_attribute_value writes it.</summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2);
        PyValueDumper.WriteString(sb, s, ensureAscii: false);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, object? value, bool ensureAscii)
    {
        switch (value)
        {
            case null: sb.Append("null"); break;
            case string s: PyValueDumper.WriteString(sb, s, ensureAscii); break;
            case bool b: sb.Append(b ? "true" : "false"); break;
            case BigInteger i: sb.Append(i.ToString(CultureInfo.InvariantCulture)); break;
            case double d: PyValueDumper.WriteDouble(sb, d); break;
            case List<KeyValuePair<string, object?>> dict:
                sb.Append('{');
                for (var i = 0; i < dict.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    PyValueDumper.WriteString(sb, dict[i].Key, ensureAscii);
                    sb.Append(": ");
                    Write(sb, dict[i].Value, ensureAscii);
                }
                sb.Append('}');
                break;
            case List<object?> list:
                sb.Append('[');
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    Write(sb, list[i], ensureAscii);
                }
                sb.Append(']');
                break;
            // A plain json.dumps has no encoder for bytes (an OTLP bytes value): MLflow fails the request there.
            default: throw new SpanStoreException($"Object of type {(value is byte[] ? "bytes" : value.GetType().Name)} is not JSON serializable");
        }
    }

    /// <summary>MLflow's decoding of an OTLP AnyValue (str, bool, int, float, bytes, list, dict; none → None).</summary>
    public static object? FromOtlp(in OtlpValue v)
    {
        switch (v.Kind)
        {
            case OtlpValueKind.String: return v.String;
            case OtlpValueKind.Bool: return v.BoolValue;
            case OtlpValueKind.Int: return new BigInteger(v.Int);
            case OtlpValueKind.Double: return v.Double;
            case OtlpValueKind.Bytes: return v.BytesValue;
            case OtlpValueKind.Array:
                var items = v.Items;
                var list = new List<object?>(items.Length);
                foreach (var item in items) list.Add(FromOtlp(item));
                return list;
            case OtlpValueKind.KvList:
                var dict = new List<KeyValuePair<string, object?>>();
                foreach (var kv in v.Pairs) DictSet(dict, kv.Key, FromOtlp(kv.Value));
                return dict;
            default: return null;
        }
    }

    /// <summary>d[key] = value on a decoded dict: a repeated key keeps its first position and takes the new value.</summary>
    public static void DictSet(List<KeyValuePair<string, object?>> dict, string key, object? value)
    {
        for (var i = 0; i < dict.Count; i++)
        {
            if (dict[i].Key != key) continue;
            dict[i] = new(key, value);
            return;
        }
        dict.Add(new(key, value));
    }

    /// <summary>Python truthiness of a decoded OTLP value.</summary>
    public static bool Truthy(in OtlpValue v) => v.Kind switch
    {
        OtlpValueKind.None => false,
        OtlpValueKind.String => v.String.Length > 0,
        OtlpValueKind.Bool => v.BoolValue,
        OtlpValueKind.Int => v.Int != 0,
        OtlpValueKind.Double => v.Double != 0,
        OtlpValueKind.Bytes => v.BytesValue.Length > 0,
        OtlpValueKind.Array => v.Items.Length > 0,
        OtlpValueKind.KvList => v.Pairs.Length > 0,
        _ => false,
    };
}
