using System.Globalization;
using System.Text;
using Sharpflow.Core.Python;

namespace Sharpflow.Core.Tracing;

/// <summary>
/// Python's <c>json.dumps</c> text (separators ", " and ": ") for decoded OTLP values and strings, written into a
/// StringBuilder so a span's stored JSON is built in one pass. <c>ensureAscii</c> picks between MLflow's two
/// uses: attribute values are dumped with ensure_ascii=False, the span document around them with the default
/// ensure_ascii=True (everything outside printable ASCII becomes \uXXXX, astral characters as surrogate pairs).
/// </summary>
public static class PyValueDumper
{
    public static void WriteString(StringBuilder sb, string s, bool ensureAscii)
    {
        sb.Append('"');
        var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c >= 0x20 && c != '"' && c != '\\' && (!ensureAscii || c < 0x7f)) continue;
            sb.Append(s, start, i - start);
            start = i + 1;
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
                    sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
            }
        }
        sb.Append(s, start, s.Length - start).Append('"');
    }

    /// <summary>json.dumps of a float: repr digits, and Python's NaN/Infinity literals.</summary>
    public static void WriteDouble(StringBuilder sb, double d) =>
        sb.Append(double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity" : PythonRepr.Float(d));

    /// <summary>json.dumps(decoded value) where MLflow decodes an AnyValue to str/bool/int/float/bytes/list/dict/None.</summary>
    public static void WriteValue(StringBuilder sb, in OtlpValue v, bool ensureAscii)
    {
        switch (v.Kind)
        {
            case OtlpValueKind.None: sb.Append("null"); break;
            case OtlpValueKind.String: WriteString(sb, v.String, ensureAscii); break;
            case OtlpValueKind.Bool: sb.Append(v.BoolValue ? "true" : "false"); break;
            case OtlpValueKind.Int: sb.Append(v.Int.ToString(CultureInfo.InvariantCulture)); break;
            case OtlpValueKind.Double: WriteDouble(sb, v.Double); break;
            // bytes are not JSON-serialisable: MLflow's encoder falls back to str(b), i.e. "b'...'".
            case OtlpValueKind.Bytes: WriteString(sb, PythonRepr.Bytes(v.BytesValue), ensureAscii); break;
            case OtlpValueKind.Array:
                sb.Append('[');
                var items = v.Items;
                for (var i = 0; i < items.Length; i++)
                {
                    if (i > 0) sb.Append(", ");
                    WriteValue(sb, items[i], ensureAscii);
                }
                sb.Append(']');
                break;
            case OtlpValueKind.KvList: WritePairs(sb, v.Pairs, ensureAscii); break;
        }
    }

    /// <summary>A dict built from key/value pairs: a repeated key keeps its first position and its last value.</summary>
    public static void WritePairs(StringBuilder sb, IReadOnlyList<OtlpKeyValue> pairs, bool ensureAscii)
    {
        sb.Append('{');
        // Attribute lists are short and rarely repeat a key: scan for repeats, hash only long lists.
        Dictionary<string, int>? lastIndex = null;
        if (pairs.Count > 16)
        {
            lastIndex = new Dictionary<string, int>(pairs.Count, StringComparer.Ordinal);
            for (var i = 0; i < pairs.Count; i++) lastIndex[pairs[i].Key] = i;
            if (lastIndex.Count == pairs.Count) lastIndex = null; // no repeats: plain order
            else
            {
                var written = new HashSet<string>(StringComparer.Ordinal);
                var firstPair = true;
                for (var i = 0; i < pairs.Count; i++)
                {
                    if (!written.Add(pairs[i].Key)) continue;
                    WritePair(sb, ref firstPair, pairs[i].Key, pairs[lastIndex[pairs[i].Key]].Value, ensureAscii);
                }
                sb.Append('}');
                return;
            }
        }
        var first = true;
        for (var i = 0; i < pairs.Count; i++)
        {
            var key = pairs[i].Key;
            if (pairs.Count <= 16 && IndexOfKey(pairs, key, 0, i) >= 0) continue; // written at its first position already
            var last = i;
            if (pairs.Count <= 16)
            {
                for (var j = pairs.Count - 1; j > i; j--)
                {
                    if (pairs[j].Key == key)
                    {
                        last = j;
                        break;
                    }
                }
            }
            WritePair(sb, ref first, key, pairs[last].Value, ensureAscii);
        }
        sb.Append('}');
    }

    private static void WritePair(StringBuilder sb, ref bool first, string key, in OtlpValue value, bool ensureAscii)
    {
        if (!first) sb.Append(", ");
        first = false;
        WriteString(sb, key, ensureAscii);
        sb.Append(": ");
        WriteValue(sb, value, ensureAscii);
    }

    private static int IndexOfKey(IReadOnlyList<OtlpKeyValue> pairs, string key, int from, int to)
    {
        for (var k = from; k < to; k++)
            if (pairs[k].Key == key) return k;
        return -1;
    }

    public static string Dumps(in OtlpValue v, bool ensureAscii = false)
    {
        var sb = new StringBuilder();
        WriteValue(sb, v, ensureAscii);
        return sb.ToString();
    }

    /// <summary>Python's str() of a decoded value (used where MLflow formats a value with str()).</summary>
    public static string Str(in OtlpValue v) => v.Kind switch
    {
        OtlpValueKind.None => "None",
        OtlpValueKind.String => v.String,
        OtlpValueKind.Bool => v.BoolValue ? "True" : "False",
        OtlpValueKind.Int => v.Int.ToString(CultureInfo.InvariantCulture),
        OtlpValueKind.Double => PythonRepr.Float(v.Double),
        OtlpValueKind.Bytes => PythonRepr.Bytes(v.BytesValue),
        _ => Dumps(v),
    };
}
