using System.Globalization;
using System.Text;
using Sharpflow.Core.Python;
using Sharpflow.Core.Tracing.Translation;

namespace Sharpflow.Core.Tracing;

/// <summary>
/// OTLP span → the span MLflow 3.11 stores, reproducing Span.from_otel_proto, Span.to_dict and the storage-time
/// attribute translation:
/// <list type="bullet">
/// <item>attributes become a dict of JSON strings: <c>mlflow.traceRequestId</c> first (<c>"tr-&lt;hex&gt;"</c> unless
/// the span carries its own), then the span's attributes in order (a repeated key keeps its first position and its
/// last value); each value is the JSON of the decoded AnyValue, except that a string which already is JSON of a
/// string, object or array is kept as it came (MLflow strips the second encoding clients add);</item>
/// <item>events keep their attribute values decoded (not JSON-encoded);</item>
/// <item>the status message survives only on ERROR (OpenTelemetry drops it otherwise);</item>
/// <item>ids are base64 of the 16/8 big-endian bytes, the row's ids 32/16 lowercase hex;</item>
/// <item>root spans get the resource's service.name when it is a known client's.</item>
/// </list>
/// The document is written in one pass in Python's json.dumps form (", ", ": ", ensure_ascii).
/// </summary>
public static class SpanConverter
{
    public static StoredSpan Convert(OtlpSpan span)
    {
        // MLflow refuses spans without ids before storing anything (422 "Cannot convert ...").
        if (span.TraceId.Length == 0) throw new ArgumentException("trace_id is required but was empty");
        if (span.SpanId.Length == 0) throw new ArgumentException("span_id is required but was empty");

        var traceBytes = FixedWidth(span.TraceId, 16);
        var spanBytes = FixedWidth(span.SpanId, 8);
        var parentBytes = span.ParentSpanId.Length == 0 ? null : FixedWidth(span.ParentSpanId, 8);
        var otelTraceHex = traceBytes is null ? LongHex(span.TraceId) : System.Convert.ToHexStringLower(traceBytes);
        var defaultTraceId = "tr-" + otelTraceHex;

        // Attribute dict, in MLflow's order. Values: (stored JSON text, decoded value for the few keys read back).
        var attrs = new AttributeDict(span.Attributes.Count + 2);
        attrs.Set(SpanKeys.RequestId, Quote(defaultTraceId));
        string? traceId = defaultTraceId;
        string? type = null;
        foreach (var kv in span.Attributes)
        {
            attrs.Set(kv.Key, StoredValue(kv.Value));
            if (kv.Key == SpanKeys.RequestId) traceId = kv.Value.Kind == OtlpValueKind.String ? kv.Value.String : kv.Value.Kind == OtlpValueKind.None ? null : PyValueDumper.Dumps(kv.Value);
            else if (kv.Key == SpanKeys.SpanType) type = kv.Value.Kind == OtlpValueKind.String ? kv.Value.String : kv.Value.Kind == OtlpValueKind.None ? null : PyValueDumper.Dumps(kv.Value);
        }
        if (parentBytes is null && span.ServiceName is not null) attrs.Set(SpanKeys.ServiceName, Quote(span.ServiceName));
        if (traceId is null) throw new SpanStoreException("span has no trace request id");

        SpanTranslation.Apply(attrs, span.Events);

        // Everything below fails in MLflow only once log_spans serialises the span (so: 422 "Failed to log ...").
        if (traceBytes is null || spanBytes is null || (span.ParentSpanId.Length > 0 && parentBytes is null))
            throw new SpanStoreException("id too long");
        if (span.StartTimeUnixNano > long.MaxValue || span.EndTimeUnixNano > long.MaxValue)
            throw new SpanStoreException("time out of range");

        var status = span.StatusCode switch { 1 => "OK", 2 => "ERROR", _ => "UNSET" };
        var content = new StringBuilder(256 + attrs.TextLength);
        content.Append("{\"trace_id\": \"").Append(System.Convert.ToBase64String(traceBytes))
            .Append("\", \"span_id\": \"").Append(System.Convert.ToBase64String(spanBytes)).Append("\", \"parent_span_id\": ");
        if (parentBytes is null) content.Append("null");
        else content.Append('"').Append(System.Convert.ToBase64String(parentBytes)).Append('"');
        content.Append(", \"name\": ");
        PyValueDumper.WriteString(content, span.Name, ensureAscii: true);
        content.Append(", \"start_time_unix_nano\": ").Append(span.StartTimeUnixNano.ToString(CultureInfo.InvariantCulture))
            .Append(", \"end_time_unix_nano\": ").Append(span.EndTimeUnixNano.ToString(CultureInfo.InvariantCulture))
            .Append(", \"events\": [");
        for (var i = 0; i < span.Events.Count; i++)
        {
            var ev = span.Events[i];
            if (i > 0) content.Append(", ");
            content.Append("{\"name\": ");
            PyValueDumper.WriteString(content, ev.Name, ensureAscii: true);
            content.Append(", \"time_unix_nano\": ").Append(ev.TimeUnixNano.ToString(CultureInfo.InvariantCulture)).Append(", \"attributes\": ");
            PyValueDumper.WritePairs(content, ev.Attributes, ensureAscii: true);
            content.Append('}');
        }
        content.Append("], \"status\": {\"code\": \"STATUS_CODE_").Append(status).Append("\", \"message\": ");
        PyValueDumper.WriteString(content, span.StatusCode == 2 ? span.StatusMessage : "", ensureAscii: true);
        content.Append("}, \"attributes\": {");
        for (var i = 0; i < attrs.Count; i++)
        {
            if (i > 0) content.Append(", ");
            PyValueDumper.WriteString(content, attrs.KeyAt(i), ensureAscii: true);
            content.Append(": ");
            if (attrs.IsJsonAt(i)) content.Append(attrs.ValueAt(i));
            else PyValueDumper.WriteString(content, attrs.ValueAt(i), ensureAscii: true);
        }
        content.Append("}}");

        var parentHex = parentBytes is null ? null : System.Convert.ToHexStringLower(parentBytes);
        return new StoredSpan
        {
            TraceId = traceId,
            SpanId = System.Convert.ToHexStringLower(spanBytes),
            ParentSpanId = parentHex,
            Name = span.Name,
            Type = type,
            Status = status,
            StartTimeUnixNano = (long)span.StartTimeUnixNano,
            EndTimeUnixNano = (long)span.EndTimeUnixNano,
            Content = content.ToString(),
            DimensionAttributes = DimensionAttributes(attrs),
            TokenUsage = attrs.Get(SpanKeys.ChatUsage),
            Cost = attrs.Get(SpanKeys.LlmCost),
            SessionId = attrs.Get(SpanKeys.SessionId),
            UserId = attrs.Get(SpanKeys.UserId),
            Inputs = parentHex is null ? PreviewSource(attrs, SpanKeys.Inputs) : null,
            Outputs = parentHex is null && !UnpreviewableJson(attrs, SpanKeys.Inputs) ? PreviewSource(attrs, SpanKeys.Outputs) : null,
        };
    }

    /// <summary>
    /// The stored text of an attribute value: json.dumps(decoded value); a string that Python's json.loads reads as a
    /// str, dict or list is kept verbatim instead (MLflow's sanitize step undoing the client's own encoding).
    /// </summary>
    public static string StoredValue(in OtlpValue value)
    {
        if (value.Kind == OtlpValueKind.String)
        {
            var s = value.String;
            if (PyJsonShape.MayBeContainerOrString(s) && PyJsonShape.Classify(s) is JsonTopLevel.String or JsonTopLevel.Object or JsonTopLevel.Array)
                return s;
            return Quote(s);
        }
        return PyValueDumper.Dumps(value);
    }

    private static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2);
        PyValueDumper.WriteString(sb, s, ensureAscii: false);
        return sb.ToString();
    }

    /// <summary>
    /// What MLflow previews for the trace: the stored str. A non-string value (stored from an event) previews only
    /// as a dict, as its json.dumps; on a number, bool or list MLflow's preview fails (a number's length raises,
    /// which also skips the outputs' preview; a list it cannot write), so no preview is taken from it.
    /// </summary>
    private static string? PreviewSource(AttributeDict attrs, string key) => UnpreviewableJson(attrs, key) ? null : attrs.Get(key);

    private static bool UnpreviewableJson(AttributeDict attrs, string key) => attrs.IsJson(key) && !attrs.Get(key)!.StartsWith('{');

    /// <summary>The id as an unsigned big-endian integer in <paramref name="width"/> bytes, or null when it does not fit.</summary>
    private static byte[]? FixedWidth(byte[] id, int width)
    {
        if (id.Length == width) return id;
        var skip = 0;
        while (skip < id.Length && id[skip] == 0) skip++;
        var significant = id.Length - skip;
        if (significant > width) return null;
        var result = new byte[width];
        Array.Copy(id, skip, result, width - significant, significant);
        return result;
    }

    // format(int, "032x") of an id wider than 128 bits: all its significant hex digits.
    private static string LongHex(byte[] id)
    {
        var hex = System.Convert.ToHexStringLower(id).TrimStart('0');
        return hex.PadLeft(32, '0');
    }

    /// <summary>{"mlflow.llm.model": ..., "mlflow.llm.provider": ...} with each value JSON-decoded when it parses, as json.dumps writes it; null when neither is set.</summary>
    private static string? DimensionAttributes(AttributeDict attrs)
    {
        string? model = attrs.Get(SpanKeys.Model), provider = attrs.Get(SpanKeys.ModelProvider);
        if (string.IsNullOrEmpty(model) && string.IsNullOrEmpty(provider)) return null;
        var pairs = new List<KeyValuePair<string, object?>>(2);
        if (!string.IsNullOrEmpty(model)) pairs.Add(new(SpanKeys.Model, TryLoads(model)));
        if (!string.IsNullOrEmpty(provider)) pairs.Add(new(SpanKeys.ModelProvider, TryLoads(provider)));
        return PyJson.Dumps(pairs);
    }

    internal static object? TryLoads(string text)
    {
        try
        {
            return PyJson.Loads(text);
        }
        catch (PyJson.DecodeException)
        {
            return text;
        }
    }
}
