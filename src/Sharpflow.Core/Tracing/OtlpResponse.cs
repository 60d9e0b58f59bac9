namespace Sharpflow.Core.Tracing;

/// <summary>
/// ExportTraceServiceResponse bytes (collector/trace/v1): field 1 partial_success = ExportTracePartialSuccess
/// {1 rejected_spans int64, 2 error_message string}. A full success is the empty message, i.e. no bytes.
/// </summary>
public static class OtlpResponse
{
    public static readonly byte[] Success = [];

    public static byte[] PartialSuccess(long rejectedSpans, string errorMessage)
    {
        var inner = new List<byte>();
        if (rejectedSpans != 0)
        {
            inner.Add(0x08);
            WriteVarint(inner, (ulong)rejectedSpans);
        }
        if (errorMessage.Length > 0)
        {
            var text = System.Text.Encoding.UTF8.GetBytes(errorMessage);
            inner.Add(0x12);
            WriteVarint(inner, (ulong)text.Length);
            inner.AddRange(text);
        }
        var outer = new List<byte> { 0x0a };
        WriteVarint(outer, (ulong)inner.Count);
        outer.AddRange(inner);
        return outer.ToArray();
    }

    private static void WriteVarint(List<byte> buf, ulong v)
    {
        while (v >= 0x80)
        {
            buf.Add((byte)(v | 0x80));
            v >>= 7;
        }
        buf.Add((byte)v);
    }
}
