using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using Sharpflow.Core.Python;
using Sharpflow.Core.Tracing.Translation;

namespace Sharpflow.Core.Tracing;

/// <summary>
/// Stored span documents (<c>spans.content</c>) back out in the two forms MLflow serves:
/// <list type="bullet">
/// <item><see cref="WriteOtel"/>: the OpenTelemetry proto Span as MLflow's protobuf JSON (traces/get, traces/batchGet):
/// proto field order, snake_case, ids base64, 64-bit numbers as JSON numbers, attribute values JSON-decoded into
/// AnyValue (dict → kvlist_value, list → array_value, None → empty), event attributes as stored, status message
/// and code only when set;</item>
/// <item><see cref="WriteDict"/>: Span.to_dict (the traces.json that get-trace-artifact downloads), json.dumps'ed.</item>
/// </list>
/// Both accept the older stored shapes MLflow still reads (3.5's hex ids and tr- trace ids), and both give a span whose
/// stored type is absent or UNKNOWN the type its OTel convention's kind says (<see cref="LoadedSpanTranslation"/>).
/// </summary>
public static class SpanJson
{
    private sealed record Parsed(byte[] TraceId, byte[] SpanId, byte[]? ParentId, string Name, BigInteger Start, BigInteger? End,
        List<KeyValuePair<string, object?>> Attributes, List<object?> Events, string StatusCode, string StatusMessage);

    private static List<KeyValuePair<string, object?>> Dict(object? o) =>
        o as List<KeyValuePair<string, object?>> ?? throw new FormatException("span content is not a JSON object");

    private static Parsed Parse(string content)
    {
        var d = Dict(PyJson.Loads(content));
        var traceText = PyObjects.Get(d, "trace_id") as string ?? throw new FormatException("span without trace_id");
        var spanText = PyObjects.Get(d, "span_id") as string ?? throw new FormatException("span without span_id");
        var parentText = PyObjects.Get(d, "parent_span_id") as string;
        byte[] traceId, spanId;
        byte[]? parentId = null;
        if (TryBase64(traceText, out var tb))
        {
            traceId = Widen(tb, 16);
            spanId = Widen(System.Convert.FromBase64String(spanText), 8);
            if (!string.IsNullOrEmpty(parentText)) parentId = Widen(System.Convert.FromBase64String(parentText), 8);
        }
        else
        {
            // 3.5.0 stored the span's own properties: "tr-<hex>" (or a v4 "trace:/location/<hex>") and hex span ids.
            var hex = traceText[(traceText.LastIndexOf('/') + 1)..];
            if (hex.StartsWith("tr-", StringComparison.Ordinal)) hex = hex[3..];
            traceId = Widen(System.Convert.FromHexString(hex.PadLeft(32, '0')), 16);
            spanId = Widen(System.Convert.FromHexString(spanText.PadLeft(16, '0')), 8);
            if (!string.IsNullOrEmpty(parentText)) parentId = Widen(System.Convert.FromHexString(parentText.PadLeft(16, '0')), 8);
        }
        var status = PyObjects.Get(d, "status") as List<KeyValuePair<string, object?>> ?? [];
        var code = PyObjects.Get(status, "code") as string ?? "STATUS_CODE_UNSET";
        // 3.5.0 stored the enum value ("OK") instead of the proto name.
        if (!code.StartsWith("STATUS_CODE_", StringComparison.Ordinal)) code = "STATUS_CODE_" + code;
        var end = PyObjects.Get(d, "end_time_unix_nano");
        var attributes = PyObjects.Get(d, "attributes") as List<KeyValuePair<string, object?>> ?? [];
        LoadedSpanTranslation.Apply(attributes);
        return new Parsed(traceId, spanId, parentId, PyObjects.Get(d, "name") as string ?? "",
            ToInt(PyObjects.Get(d, "start_time_unix_nano")) ?? BigInteger.Zero,
            PyObjects.Truthy(end) ? ToInt(end) : null,
            attributes,
            PyObjects.Get(d, "events") as List<object?> ?? [],
            code, PyObjects.Get(status, "message") as string ?? "");
    }

    private static BigInteger? ToInt(object? v) => v switch
    {
        BigInteger i => i,
        double d => new BigInteger(d),
        string s when BigInteger.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) => i,
        _ => null,
    };

    private static bool TryBase64(string s, out byte[] bytes)
    {
        bytes = [];
        if (s.Length % 4 != 0) return false;
        try
        {
            bytes = System.Convert.FromBase64String(s);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    // The id as MLflow re-encodes it: its integer value in a fixed number of big-endian bytes.
    private static byte[] Widen(byte[] id, int width)
    {
        if (id.Length == width) return id;
        var skip = 0;
        while (skip < id.Length - 1 && id[skip] == 0) skip++;
        var sig = id.Length - skip;
        if (sig > width) return id[^width..];
        var result = new byte[width];
        Array.Copy(id, skip, result, width - sig, sig);
        return result;
    }

    /// <summary>Writes one span as an OTel proto Span object.</summary>
    public static void WriteOtel(Utf8JsonWriter w, string content)
    {
        var s = Parse(content);
        w.WriteStartObject();
        w.WriteString("trace_id", System.Convert.ToBase64String(s.TraceId));
        w.WriteString("span_id", System.Convert.ToBase64String(s.SpanId));
        if (s.ParentId is not null) w.WriteString("parent_span_id", System.Convert.ToBase64String(s.ParentId));
        if (s.Name.Length > 0) w.WriteString("name", s.Name);
        if (!s.Start.IsZero) WriteInteger(w, "start_time_unix_nano", s.Start);
        if (s.End is { } end && !end.IsZero) WriteInteger(w, "end_time_unix_nano", end);
        if (s.Attributes.Count > 0)
        {
            w.WriteStartArray("attributes");
            foreach (var (key, stored) in Deduped(s.Attributes))
            {
                w.WriteStartObject();
                if (key.Length > 0) w.WriteString("key", key);
                w.WritePropertyName("value");
                WriteAnyValue(w, DecodeAttribute(stored));
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        if (s.Events.Count > 0)
        {
            w.WriteStartArray("events");
            foreach (var e in s.Events)
            {
                var ev = Dict(e);
                w.WriteStartObject();
                if (ToInt(PyObjects.Get(ev, "time_unix_nano")) is { IsZero: false } t) WriteInteger(w, "time_unix_nano", t);
                if (PyObjects.Get(ev, "name") is string { Length: > 0 } name) w.WriteString("name", name);
                if (PyObjects.Get(ev, "attributes") is List<KeyValuePair<string, object?>> { Count: > 0 } attrs)
                {
                    w.WriteStartArray("attributes");
                    foreach (var (key, value) in Deduped(attrs))
                    {
                        w.WriteStartObject();
                        if (key.Length > 0) w.WriteString("key", key);
                        w.WritePropertyName("value");
                        WriteAnyValue(w, value);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteStartObject("status");
        if (s.StatusMessage.Length > 0) w.WriteString("message", s.StatusMessage);
        if (s.StatusCode != "STATUS_CODE_UNSET") w.WriteString("code", s.StatusCode);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    // A JSON document with a repeated key behaves as a Python dict: first position, last value.
    private static IEnumerable<KeyValuePair<string, object?>> Deduped(List<KeyValuePair<string, object?>> pairs)
    {
        if (pairs.Count < 2) return pairs;
        var last = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var kv in pairs) last[kv.Key] = kv.Value;
        if (last.Count == pairs.Count) return pairs;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return pairs.Where(kv => seen.Add(kv.Key)).Select(kv => new KeyValuePair<string, object?>(kv.Key, last[kv.Key])).ToList();
    }

    /// <summary>What MLflow's span attribute getter returns: json.loads of a non-empty string, the raw value otherwise; falsy values read as None.</summary>
    private static object? DecodeAttribute(object? stored)
    {
        if (!PyObjects.Truthy(stored)) return null;
        if (stored is not string text) return stored;
        try
        {
            return PyJson.Loads(text);
        }
        catch (Exception e) when (e is PyJson.DecodeException or PyJson.TooDeepException)
        {
            return text;
        }
    }

    private static void WriteInteger(Utf8JsonWriter w, string name, BigInteger v)
    {
        w.WritePropertyName(name);
        WriteInteger(w, v);
    }

    private static void WriteInteger(Utf8JsonWriter w, BigInteger v)
    {
        if (v >= long.MinValue && v <= long.MaxValue) w.WriteNumberValue((long)v);
        else if (v >= 0 && v <= ulong.MaxValue) w.WriteNumberValue((ulong)v);
        else w.WriteRawValue(v.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>MLflow's _set_otel_proto_anyvalue, then protobuf JSON: the value's oneof case, or {} for None.</summary>
    public static void WriteAnyValue(Utf8JsonWriter w, object? v)
    {
        w.WriteStartObject();
        switch (v)
        {
            case null: break;
            case bool b: w.WriteBoolean("bool_value", b); break;
            case string s: w.WriteString("string_value", s); break;
            case BigInteger i: WriteInteger(w, "int_value", i); break;
            case double d:
                w.WritePropertyName("double_value");
                if (double.IsNaN(d)) w.WriteStringValue("NaN");
                else if (double.IsInfinity(d)) w.WriteStringValue(d > 0 ? "Infinity" : "-Infinity");
                else w.WriteNumberValue(d);
                break;
            case List<object?> list:
                w.WriteStartObject("array_value");
                if (list.Count > 0)
                {
                    w.WriteStartArray("values");
                    foreach (var item in list) WriteAnyValue(w, item);
                    w.WriteEndArray();
                }
                w.WriteEndObject();
                break;
            case List<KeyValuePair<string, object?>> dict:
                w.WriteStartObject("kvlist_value");
                if (dict.Count > 0)
                {
                    w.WriteStartArray("values");
                    foreach (var (key, value) in Deduped(dict))
                    {
                        w.WriteStartObject();
                        if (key.Length > 0) w.WriteString("key", key);
                        w.WritePropertyName("value");
                        WriteAnyValue(w, value);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                }
                w.WriteEndObject();
                break;
            default: w.WriteString("string_value", v.ToString()); break;
        }
        w.WriteEndObject();
    }

    /// <summary>Span.to_dict of a stored span (traces.json), as Python's json.dumps writes it.</summary>
    public static void WriteDict(StringBuilder sb, string content)
    {
        var s = Parse(content);
        sb.Append("{\"trace_id\": \"").Append(System.Convert.ToBase64String(s.TraceId))
            .Append("\", \"span_id\": \"").Append(System.Convert.ToBase64String(s.SpanId)).Append("\", \"parent_span_id\": ");
        sb.Append(s.ParentId is null ? "null" : "\"" + System.Convert.ToBase64String(s.ParentId) + "\"");
        sb.Append(", \"name\": ").Append(PyJson.Dumps(s.Name))
            .Append(", \"start_time_unix_nano\": ").Append(s.Start.ToString(CultureInfo.InvariantCulture))
            .Append(", \"end_time_unix_nano\": ").Append(s.End is { } end ? end.ToString(CultureInfo.InvariantCulture) : "null")
            .Append(", \"events\": [");
        for (var i = 0; i < s.Events.Count; i++)
        {
            var ev = Dict(s.Events[i]);
            if (i > 0) sb.Append(", ");
            sb.Append("{\"name\": ").Append(PyJson.Dumps(PyObjects.Get(ev, "name")))
                .Append(", \"time_unix_nano\": ").Append(PyJson.Dumps(ToInt(PyObjects.Get(ev, "time_unix_nano")) ?? BigInteger.Zero))
                .Append(", \"attributes\": ").Append(PyJson.Dumps(PyObjects.Get(ev, "attributes") ?? new List<KeyValuePair<string, object?>>()))
                .Append('}');
        }
        sb.Append("], \"status\": {\"code\": ").Append(PyJson.Dumps(s.StatusCode)).Append(", \"message\": ").Append(PyJson.Dumps(s.StatusMessage))
            .Append("}, \"attributes\": ").Append(PyJson.Dumps(Deduped(s.Attributes).ToList())).Append('}');
    }
}
