namespace Sharpflow.Core.Tracing;

/// <summary>
/// Reads an OTLP ExportTraceServiceRequest (opentelemetry-proto collector/trace/v1) from its protobuf bytes.
/// Field numbers are listed in docs/otlp/trace-export.proto. Only what MLflow keeps is materialised: span ids,
/// name, times, attributes, events, status, and the resource's service.name; scope, links, kind, trace_state,
/// flags and dropped counts are skipped without allocation. Known fields sent with an unexpected wire type
/// are skipped like unknown fields, as protobuf parsers do.
/// </summary>
public static class OtlpProtobufReader
{
    // Python's protobuf refuses messages nested deeper than 100 levels.
    private const int MaxDepth = 100;

    public static OtlpExportRequest Read(ReadOnlySpan<byte> body)
    {
        var request = new OtlpExportRequest();
        var r = new ProtoWire(body);
        while (r.Next(out var field, out var wt))
        {
            if (field == 1 && wt == ProtoWire.Len)
            {
                request.ResourceSpansCount++;
                ReadResourceSpans(r.ReadBytes(), request.Spans);
            }
            else r.Skip(wt, field);
        }
        return request;
    }

    // ResourceSpans: 1 resource, 2 scope_spans, 3 schema_url.
    private static void ReadResourceSpans(ReadOnlySpan<byte> buf, List<OtlpSpan> spans)
    {
        var first = spans.Count;
        List<OtlpKeyValue>? resourceAttributes = null;
        var r = new ProtoWire(buf);
        while (r.Next(out var field, out var wt))
        {
            if (field == 1 && wt == ProtoWire.Len) ReadResource(r.ReadBytes(), resourceAttributes ??= []);
            else if (field == 2 && wt == ProtoWire.Len) ReadScopeSpans(r.ReadBytes(), spans);
            else if (field == 3 && wt == ProtoWire.Len) r.ReadString();
            else r.Skip(wt, field);
        }
        var service = resourceAttributes is null ? null : OtlpServiceNames.Resolve(resourceAttributes);
        if (service is null) return;
        for (var i = first; i < spans.Count; i++) spans[i].ServiceName = service;
    }

    // Resource: 1 attributes, 2 dropped_attributes_count.
    private static void ReadResource(ReadOnlySpan<byte> buf, List<OtlpKeyValue> attributes)
    {
        var r = new ProtoWire(buf);
        while (r.Next(out var field, out var wt))
        {
            if (field == 1 && wt == ProtoWire.Len) attributes.Add(ReadKeyValue(r.ReadBytes(), 1));
            else r.Skip(wt, field);
        }
    }

    // ScopeSpans: 1 scope, 2 spans, 3 schema_url.
    private static void ReadScopeSpans(ReadOnlySpan<byte> buf, List<OtlpSpan> spans)
    {
        var r = new ProtoWire(buf);
        while (r.Next(out var field, out var wt))
        {
            if (field == 2 && wt == ProtoWire.Len) spans.Add(ReadSpan(r.ReadBytes()));
            else if (field == 3 && wt == ProtoWire.Len) r.ReadString();
            else r.Skip(wt, field);
        }
    }

    // Span: 1 trace_id, 2 span_id, 3 trace_state, 4 parent_span_id, 5 name, 6 kind, 7 start_time_unix_nano,
    // 8 end_time_unix_nano, 9 attributes, 10 dropped_attributes_count, 11 events, 12 dropped_events_count,
    // 13 links, 14 dropped_links_count, 15 status, 16 flags.
    private static OtlpSpan ReadSpan(ReadOnlySpan<byte> buf)
    {
        var span = new OtlpSpan();
        var r = new ProtoWire(buf);
        while (r.Next(out var field, out var wt))
        {
            switch (field)
            {
                case 1 when wt == ProtoWire.Len: span.TraceId = r.ReadBytes().ToArray(); break;
                case 2 when wt == ProtoWire.Len: span.SpanId = r.ReadBytes().ToArray(); break;
                case 3 when wt == ProtoWire.Len: r.ReadString(); break;
                case 4 when wt == ProtoWire.Len: span.ParentSpanId = r.ReadBytes().ToArray(); break;
                case 5 when wt == ProtoWire.Len: span.Name = r.ReadString(); break;
                case 7 when wt == ProtoWire.Fixed64: span.StartTimeUnixNano = r.ReadFixed64(); break;
                case 8 when wt == ProtoWire.Fixed64: span.EndTimeUnixNano = r.ReadFixed64(); break;
                case 9 when wt == ProtoWire.Len: span.Attributes.Add(ReadKeyValue(r.ReadBytes(), 1)); break;
                case 11 when wt == ProtoWire.Len: span.Events.Add(ReadEvent(r.ReadBytes())); break;
                case 13 when wt == ProtoWire.Len: SkipLink(r.ReadBytes()); break;
                case 15 when wt == ProtoWire.Len: ReadStatus(r.ReadBytes(), span); break;
                default: r.Skip(wt, field); break;
            }
        }
        return span;
    }

    // Link: 1 trace_id, 2 span_id, 3 trace_state, 4 attributes, 5 dropped_attributes_count, 6 flags. Not stored by
    // MLflow, but its strings must still be valid UTF-8 for the request to parse.
    private static void SkipLink(ReadOnlySpan<byte> buf)
    {
        var r = new ProtoWire(buf);
        while (r.Next(out var field, out var wt))
        {
            if (field == 3 && wt == ProtoWire.Len) r.ReadString();
            else if (field == 4 && wt == ProtoWire.Len) ReadKeyValue(r.ReadBytes(), 1);
            else r.Skip(wt, field);
        }
    }

    // Status: 2 message, 3 code (field 1 is reserved). A repeated status merges into the same fields.
    private static void ReadStatus(ReadOnlySpan<byte> buf, OtlpSpan span)
    {
        var r = new ProtoWire(buf);
        while (r.Next(out var field, out var wt))
        {
            if (field == 2 && wt == ProtoWire.Len) span.StatusMessage = r.ReadString();
            else if (field == 3 && wt == ProtoWire.Varint) span.StatusCode = (int)r.ReadVarint();
            else r.Skip(wt, field);
        }
    }

    // Span.Event: 1 time_unix_nano, 2 name, 3 attributes, 4 dropped_attributes_count.
    private static OtlpEvent ReadEvent(ReadOnlySpan<byte> buf)
    {
        var ev = new OtlpEvent();
        var r = new ProtoWire(buf);
        while (r.Next(out var field, out var wt))
        {
            if (field == 1 && wt == ProtoWire.Fixed64) ev.TimeUnixNano = r.ReadFixed64();
            else if (field == 2 && wt == ProtoWire.Len) ev.Name = r.ReadString();
            else if (field == 3 && wt == ProtoWire.Len) ev.Attributes.Add(ReadKeyValue(r.ReadBytes(), 1));
            else r.Skip(wt, field);
        }
        return ev;
    }

    // KeyValue: 1 key, 2 value.
    private static OtlpKeyValue ReadKeyValue(ReadOnlySpan<byte> buf, int depth)
    {
        if (depth > MaxDepth) throw new OtlpFormatException("Invalid OpenTelemetry format");
        var key = "";
        var value = OtlpValue.Empty;
        var r = new ProtoWire(buf);
        while (r.Next(out var field, out var wt))
        {
            if (field == 1 && wt == ProtoWire.Len) key = r.ReadString();
            else if (field == 2 && wt == ProtoWire.Len) value = ReadAnyValue(r.ReadBytes(), depth + 1);
            else r.Skip(wt, field);
        }
        return new OtlpKeyValue(key, value);
    }

    // AnyValue oneof: 1 string_value, 2 bool_value, 3 int_value, 4 double_value, 5 array_value (ArrayValue: 1 values),
    // 6 kvlist_value (KeyValueList: 1 values), 7 bytes_value. The last case on the wire wins.
    private static OtlpValue ReadAnyValue(ReadOnlySpan<byte> buf, int depth)
    {
        if (depth > MaxDepth) throw new OtlpFormatException("Invalid OpenTelemetry format");
        var value = OtlpValue.Empty;
        var r = new ProtoWire(buf);
        while (r.Next(out var field, out var wt))
        {
            switch (field)
            {
                case 1 when wt == ProtoWire.Len: value = OtlpValue.Str(r.ReadString()); break;
                case 2 when wt == ProtoWire.Varint: value = OtlpValue.Bool(r.ReadVarint() != 0); break;
                case 3 when wt == ProtoWire.Varint: value = OtlpValue.Integer((long)r.ReadVarint()); break;
                case 4 when wt == ProtoWire.Fixed64: value = OtlpValue.Dbl(BitConverter.UInt64BitsToDouble(r.ReadFixed64())); break;
                case 5 when wt == ProtoWire.Len: value = OtlpValue.Array(ReadArray(r.ReadBytes(), depth + 1)); break;
                case 6 when wt == ProtoWire.Len: value = OtlpValue.KvList(ReadKvList(r.ReadBytes(), depth + 1)); break;
                case 7 when wt == ProtoWire.Len: value = OtlpValue.Bytes(r.ReadBytes().ToArray()); break;
                default: r.Skip(wt, field); break;
            }
        }
        return value;
    }

    private static OtlpValue[] ReadArray(ReadOnlySpan<byte> buf, int depth)
    {
        if (depth > MaxDepth) throw new OtlpFormatException("Invalid OpenTelemetry format");
        var items = new List<OtlpValue>();
        var r = new ProtoWire(buf);
        while (r.Next(out var field, out var wt))
        {
            if (field == 1 && wt == ProtoWire.Len) items.Add(ReadAnyValue(r.ReadBytes(), depth + 1));
            else r.Skip(wt, field);
        }
        return items.ToArray();
    }

    private static OtlpKeyValue[] ReadKvList(ReadOnlySpan<byte> buf, int depth)
    {
        if (depth > MaxDepth) throw new OtlpFormatException("Invalid OpenTelemetry format");
        var items = new List<OtlpKeyValue>();
        var r = new ProtoWire(buf);
        while (r.Next(out var field, out var wt))
        {
            if (field == 1 && wt == ProtoWire.Len) items.Add(ReadKeyValue(r.ReadBytes(), depth + 1));
            else r.Skip(wt, field);
        }
        return items.ToArray();
    }
}
