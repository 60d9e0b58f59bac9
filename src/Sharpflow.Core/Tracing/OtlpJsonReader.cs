using System.Globalization;
using System.Text.Json;

namespace Sharpflow.Core.Tracing;

/// <summary>
/// Reads the OTLP/JSON encoding of ExportTraceServiceRequest. Field names may be lowerCamelCase (the OTLP spec)
/// or the proto names (snake_case), as protobuf's JSON parser accepts both; unknown fields are ignored.
/// Span <c>traceId</c>/<c>spanId</c>/<c>parentSpanId</c> are hex per the OTLP spec (MLflow converts exactly these
/// camelCase keys); the snake_case spellings and every other bytes field are base64, protobuf's JSON mapping.
/// 64-bit integers may be numbers or strings, enums names or numbers.
/// </summary>
public static class OtlpJsonReader
{
    private static OtlpFormatException Bad() => new("Invalid OpenTelemetry format");

    public static OtlpExportRequest Read(ReadOnlySpan<byte> body)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException)
        {
            throw Bad();
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Bad();
            var request = new OtlpExportRequest();
            foreach (var rs in Repeated(root, "resourceSpans", "resource_spans"))
            {
                request.ResourceSpansCount++;
                var first = request.Spans.Count;
                List<OtlpKeyValue>? resourceAttributes = null;
                if (Field(rs, "resource", "resource") is { } resource)
                {
                    resourceAttributes = [];
                    foreach (var kv in Repeated(resource, "attributes", "attributes")) resourceAttributes.Add(KeyValue(kv, 1));
                }
                foreach (var ss in Repeated(rs, "scopeSpans", "scope_spans"))
                {
                    foreach (var s in Repeated(ss, "spans", "spans")) request.Spans.Add(Span(s));
                }
                var service = resourceAttributes is null ? null : OtlpServiceNames.Resolve(resourceAttributes);
                if (service is not null)
                    for (var i = first; i < request.Spans.Count; i++) request.Spans[i].ServiceName = service;
            }
            return request;
        }
    }

    private static OtlpSpan Span(JsonElement s)
    {
        if (s.ValueKind != JsonValueKind.Object) throw Bad();
        var span = new OtlpSpan
        {
            TraceId = Id(s, "traceId", "trace_id"),
            SpanId = Id(s, "spanId", "span_id"),
            ParentSpanId = Id(s, "parentSpanId", "parent_span_id"),
            Name = Str(Field(s, "name", "name")),
            StartTimeUnixNano = UInt64(Field(s, "startTimeUnixNano", "start_time_unix_nano")),
            EndTimeUnixNano = UInt64(Field(s, "endTimeUnixNano", "end_time_unix_nano")),
        };
        foreach (var kv in Repeated(s, "attributes", "attributes")) span.Attributes.Add(KeyValue(kv, 1));
        foreach (var e in Repeated(s, "events", "events"))
        {
            if (e.ValueKind != JsonValueKind.Object) throw Bad();
            var ev = new OtlpEvent
            {
                TimeUnixNano = UInt64(Field(e, "timeUnixNano", "time_unix_nano")),
                Name = Str(Field(e, "name", "name")),
            };
            foreach (var kv in Repeated(e, "attributes", "attributes")) ev.Attributes.Add(KeyValue(kv, 1));
            span.Events.Add(ev);
        }
        if (Field(s, "status", "status") is { } status)
        {
            span.StatusMessage = Str(Field(status, "message", "message"));
            span.StatusCode = StatusCode(Field(status, "code", "code"));
        }
        return span;
    }

    private static int StatusCode(JsonElement? v)
    {
        if (v is not { } e) return 0;
        return e.ValueKind switch
        {
            JsonValueKind.Number when e.TryGetInt32(out var n) => n,
            JsonValueKind.String => e.GetString() switch
            {
                "STATUS_CODE_UNSET" => 0,
                "STATUS_CODE_OK" => 1,
                "STATUS_CODE_ERROR" => 2,
                _ => throw Bad(),
            },
            _ => throw Bad(),
        };
    }

    private static byte[] Id(JsonElement s, string camel, string snake)
    {
        if (s.TryGetProperty(camel, out var hex) && hex.ValueKind != JsonValueKind.Null)
        {
            if (hex.ValueKind != JsonValueKind.String) throw Bad();
            var text = hex.GetString()!;
            if (text.Length == 0) return [];
            // Python's bytes.fromhex also skips whitespace between byte pairs.
            text = string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
            try
            {
                return Convert.FromHexString(text);
            }
            catch (FormatException)
            {
                throw Bad();
            }
        }
        return s.TryGetProperty(snake, out var b64) ? Base64(b64) : [];
    }

    private static byte[] Base64(JsonElement v)
    {
        if (v.ValueKind == JsonValueKind.Null) return [];
        if (v.ValueKind != JsonValueKind.String) throw Bad();
        var text = v.GetString()!.Replace('-', '+').Replace('_', '/');
        if (text.Length % 4 != 0) text = text.PadRight(text.Length + (4 - text.Length % 4), '=');
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw Bad();
        }
    }

    private static OtlpKeyValue KeyValue(JsonElement kv, int depth)
    {
        if (kv.ValueKind != JsonValueKind.Object || depth > 100) throw Bad();
        var key = Str(Field(kv, "key", "key"));
        var value = Field(kv, "value", "value") is { } v ? AnyValue(v, depth + 1) : OtlpValue.Empty;
        return new OtlpKeyValue(key, value);
    }

    private static OtlpValue AnyValue(JsonElement v, int depth)
    {
        if (v.ValueKind != JsonValueKind.Object || depth > 100) throw Bad();
        var value = OtlpValue.Empty;
        foreach (var p in v.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Null) continue;
            switch (p.Name)
            {
                case "stringValue" or "string_value": value = OtlpValue.Str(Str(p.Value)); break;
                case "boolValue" or "bool_value":
                    value = p.Value.ValueKind switch
                    {
                        JsonValueKind.True => OtlpValue.Bool(true),
                        JsonValueKind.False => OtlpValue.Bool(false),
                        _ => throw Bad(),
                    };
                    break;
                case "intValue" or "int_value": value = OtlpValue.Integer(Int64(p.Value)); break;
                case "doubleValue" or "double_value": value = OtlpValue.Dbl(Double(p.Value)); break;
                case "bytesValue" or "bytes_value": value = OtlpValue.Bytes(Base64(p.Value)); break;
                case "arrayValue" or "array_value":
                    value = OtlpValue.Array(Repeated(p.Value, "values", "values").Select(x => AnyValue(x, depth + 1)).ToArray());
                    break;
                case "kvlistValue" or "kvlist_value":
                    value = OtlpValue.KvList(Repeated(p.Value, "values", "values").Select(x => KeyValue(x, depth + 1)).ToArray());
                    break;
            }
        }
        return value;
    }

    private static JsonElement? Field(JsonElement obj, string camel, string snake)
    {
        if (obj.ValueKind != JsonValueKind.Object) throw Bad();
        if (obj.TryGetProperty(camel, out var v) || (snake != camel && obj.TryGetProperty(snake, out v)))
            return v.ValueKind == JsonValueKind.Null ? null : v;
        return null;
    }

    private static IEnumerable<JsonElement> Repeated(JsonElement obj, string camel, string snake)
    {
        if (Field(obj, camel, snake) is not { } arr) return [];
        if (arr.ValueKind != JsonValueKind.Array) throw Bad();
        return arr.EnumerateArray();
    }

    private static string Str(JsonElement? v) => v switch
    {
        null => "",
        { ValueKind: JsonValueKind.String } s => s.GetString()!,
        _ => throw Bad(),
    };

    private static long Int64(JsonElement v)
    {
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n)) return n;
        if (v.ValueKind == JsonValueKind.String && long.TryParse(v.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out n)) return n;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && d == Math.Floor(d) && Math.Abs(d) < 9.2e18) return (long)d;
        throw Bad();
    }

    private static ulong UInt64(JsonElement? v)
    {
        if (v is not { } e) return 0;
        if (e.ValueKind == JsonValueKind.Number && e.TryGetUInt64(out var n)) return n;
        if (e.ValueKind == JsonValueKind.String && ulong.TryParse(e.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out n)) return n;
        if (e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out var d) && d >= 0 && d == Math.Floor(d) && d < 1.8e19) return (ulong)d;
        throw Bad();
    }

    private static double Double(JsonElement v)
    {
        if (v.ValueKind == JsonValueKind.Number) return v.GetDouble();
        if (v.ValueKind == JsonValueKind.String)
        {
            var s = v.GetString();
            switch (s)
            {
                case "NaN": return double.NaN;
                case "Infinity": return double.PositiveInfinity;
                case "-Infinity": return double.NegativeInfinity;
            }
            if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
        }
        throw Bad();
    }
}
