using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;

namespace Sharpflow.Http.Tests.Tracing;

/// <summary>A hand-written ExportTraceServiceRequest encoder for edge cases the OTel SDK never sends.</summary>
public static class OtlpPayload
{
    public sealed record TestSpan(byte[] TraceId, byte[] SpanId, byte[]? ParentId, string Name, ulong Start, ulong End,
        (string Key, object Value)[] Attributes, int Status = 1, string? StatusMessage = null);

    public static byte[] Request(params TestSpan[] spans)
    {
        var scope = Concat(spans.Select(s => Len(2, Span(s))).ToArray());
        return Len(1, Len(2, scope));
    }

    public static byte[] Span(TestSpan s)
    {
        var parts = new List<byte[]> { Len(1, s.TraceId), Len(2, s.SpanId) };
        if (s.ParentId is not null) parts.Add(Len(4, s.ParentId));
        parts.Add(Len(5, Encoding.UTF8.GetBytes(s.Name)));
        parts.Add(Fixed64(7, s.Start));
        parts.Add(Fixed64(8, s.End));
        parts.AddRange(s.Attributes.Select(a => Len(9, KeyValue(a.Key, a.Value))));
        var status = new List<byte[]>();
        if (s.StatusMessage is not null) status.Add(Len(2, Encoding.UTF8.GetBytes(s.StatusMessage)));
        status.Add(Varint(3, (ulong)s.Status));
        parts.Add(Len(15, Concat(status.ToArray())));
        return Concat(parts.ToArray());
    }

    public static byte[] KeyValue(string key, object value) => Concat(Len(1, Encoding.UTF8.GetBytes(key)), Len(2, AnyValue(value)));

    public static byte[] AnyValue(object value) => value switch
    {
        string s => Len(1, Encoding.UTF8.GetBytes(s)),
        bool b => Varint(2, b ? 1UL : 0UL),
        int i => Varint(3, (ulong)(long)i),
        long l => Varint(3, (ulong)l),
        double d => Concat([4 << 3 | 1], BitConverter.GetBytes(d)),
        IDictionary<string, object> d => Len(6, Concat(d.Select(kv => Len(1, KeyValue(kv.Key, kv.Value))).ToArray())),
        object[] a => Len(5, Concat(a.Select(x => Len(1, AnyValue(x))).ToArray())),
        _ => throw new ArgumentException(value.GetType().Name),
    };

    private static byte[] Len(int field, byte[] payload) => Concat(Tag(field, 2), VarintBytes((ulong)payload.Length), payload);
    private static byte[] Varint(int field, ulong v) => Concat(Tag(field, 0), VarintBytes(v));
    private static byte[] Fixed64(int field, ulong v) => Concat(Tag(field, 1), BitConverter.GetBytes(v));
    private static byte[] Tag(int field, int wt) => VarintBytes((ulong)(field << 3 | wt));

    private static byte[] VarintBytes(ulong v)
    {
        var b = new List<byte>();
        while (v >= 0x80)
        {
            b.Add((byte)(v | 0x80));
            v >>= 7;
        }
        b.Add((byte)v);
        return b.ToArray();
    }

    private static byte[] Concat(params byte[][] parts)
    {
        var result = new byte[parts.Sum(p => p.Length)];
        var at = 0;
        foreach (var p in parts)
        {
            Buffer.BlockCopy(p, 0, result, at, p.Length);
            at += p.Length;
        }
        return result;
    }

    public static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest)) gz.Write(data);
        return ms.ToArray();
    }

    public static async Task<(int Status, string Body)> PostAsync(TestServer server, byte[] body, string? experimentId,
        string contentType = "application/x-protobuf", string? encoding = null)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (encoding is not null) content.Headers.ContentEncoding.Add(encoding);
        using var req = new HttpRequestMessage(HttpMethod.Post, "/v1/traces") { Content = content };
        if (experimentId is not null) req.Headers.Add("x-mlflow-experiment-id", experimentId);
        var res = await server.Client.SendAsync(req);
        return ((int)res.StatusCode, await res.Content.ReadAsStringAsync());
    }

    public static byte[] Id(int length, int seed)
    {
        var b = new byte[length];
        new Random(seed).NextBytes(b);
        return b;
    }
}
