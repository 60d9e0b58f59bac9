namespace Sharpflow.Core.Tracing;

/// <summary>What an OTLP AnyValue holds (the oneof case; <see cref="None"/> when no case is set).</summary>
public enum OtlpValueKind : byte { None, String, Bool, Int, Double, Array, KvList, Bytes }

/// <summary>
/// An OTLP AnyValue. A struct so that the common scalar attributes cost no allocation beyond their string;
/// <see cref="Ref"/> holds the string, byte[], OtlpValue[] or OtlpKeyValue[] of the reference kinds.
/// </summary>
public readonly struct OtlpValue
{
    public OtlpValueKind Kind { get; }
    public long Int { get; }
    public double Double { get; }
    public object? Ref { get; }

    private OtlpValue(OtlpValueKind kind, long i = 0, double d = 0, object? r = null)
    {
        Kind = kind;
        Int = i;
        Double = d;
        Ref = r;
    }

    public static readonly OtlpValue Empty = default;
    public static OtlpValue Str(string s) => new(OtlpValueKind.String, r: s);
    public static OtlpValue Bool(bool b) => new(OtlpValueKind.Bool, i: b ? 1 : 0);
    public static OtlpValue Integer(long v) => new(OtlpValueKind.Int, i: v);
    public static OtlpValue Dbl(double v) => new(OtlpValueKind.Double, d: v);
    public static OtlpValue Bytes(byte[] b) => new(OtlpValueKind.Bytes, r: b);
    public static OtlpValue Array(OtlpValue[] items) => new(OtlpValueKind.Array, r: items);
    public static OtlpValue KvList(OtlpKeyValue[] items) => new(OtlpValueKind.KvList, r: items);

    public string String => (string)Ref!;
    public bool BoolValue => Int != 0;
    public byte[] BytesValue => (byte[])Ref!;
    public OtlpValue[] Items => (OtlpValue[])Ref!;
    public OtlpKeyValue[] Pairs => (OtlpKeyValue[])Ref!;
}

public readonly record struct OtlpKeyValue(string Key, OtlpValue Value);

public sealed class OtlpEvent
{
    public ulong TimeUnixNano { get; set; }
    public string Name { get; set; } = "";
    public List<OtlpKeyValue> Attributes { get; } = [];
}

/// <summary>
/// One span as received. Ids stay raw bytes (any length: MLflow accepts short ids, zero-padded, and rejects
/// long ones only when it stores them); parent presence is "non-empty parent_span_id", as in MLflow.
/// </summary>
public sealed class OtlpSpan
{
    public byte[] TraceId { get; set; } = [];
    public byte[] SpanId { get; set; } = [];
    public byte[] ParentSpanId { get; set; } = [];
    public string Name { get; set; } = "";
    public ulong StartTimeUnixNano { get; set; }
    public ulong EndTimeUnixNano { get; set; }
    public List<OtlpKeyValue> Attributes { get; } = [];
    public List<OtlpEvent> Events { get; } = [];
    /// <summary>0 unset, 1 ok, 2 error (other numbers count as unset, as in MLflow).</summary>
    public int StatusCode { get; set; }
    public string StatusMessage { get; set; } = "";
    /// <summary>The resource's <c>service.name</c>, when its value is one MLflow propagates to root spans.</summary>
    public string? ServiceName { get; set; }
}

/// <summary>An ExportTraceServiceRequest flattened to its spans (resource and scope only matter for service.name).</summary>
public sealed class OtlpExportRequest
{
    public int ResourceSpansCount { get; set; }
    public List<OtlpSpan> Spans { get; } = [];
}

/// <summary>A body MLflow's route rejects with 400 "Invalid OpenTelemetry format".</summary>
public sealed class OtlpFormatException(string message) : Exception(message);

public static class OtlpServiceNames
{
    // MLflow only copies service.name onto root spans for these known OTel clients (free text from untrusted
    // clients is not stored).
    private static readonly HashSet<string> Known = ["claude-code", "codex_cli_rs", "codex_vscode", "gemini-cli", "qwen-code"];

    /// <summary>MLflow reads the first <c>service.name</c> resource attribute and keeps it only if known.</summary>
    public static string? Resolve(List<OtlpKeyValue> resourceAttributes)
    {
        foreach (var kv in resourceAttributes)
        {
            if (kv.Key != "service.name") continue;
            var text = kv.Value.Kind switch
            {
                OtlpValueKind.None => null,
                OtlpValueKind.String => kv.Value.String,
                _ => PyValueDumper.Str(kv.Value),
            };
            return text is not null && Known.Contains(text) ? text : null;
        }
        return null;
    }
}
