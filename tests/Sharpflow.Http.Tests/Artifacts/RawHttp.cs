using System.Net.Sockets;
using System.Text;

namespace Sharpflow.Http.Tests.Artifacts;

/// <summary>
/// Sends a request line exactly as written (like Python's http.client): HttpClient would normalise "..", "%2e" and
/// backslashes before they reach the server, and traversal tests need them to arrive untouched.
/// </summary>
public static class RawHttp
{
    public sealed record Response(int Status, Dictionary<string, string> Headers, byte[] Body)
    {
        public string Text => Encoding.UTF8.GetString(Body);

        public string? Header(string name) => Headers.GetValueOrDefault(name.ToLowerInvariant());
    }

    public static async Task<Response> SendAsync(TestServer server, string method, string target, byte[]? body = null, string? contentType = null)
    {
        var baseUri = server.Client.BaseAddress!;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(baseUri.Host, baseUri.Port);
        await using var stream = tcp.GetStream();
        var head = new StringBuilder($"{method} {target} HTTP/1.1\r\nHost: {baseUri.Authority}\r\nConnection: close\r\n");
        if (contentType is not null) head.Append($"Content-Type: {contentType}\r\n");
        if (body is not null || method is "PUT" or "POST") head.Append($"Content-Length: {body?.Length ?? 0}\r\n");
        head.Append("\r\n");
        await stream.WriteAsync(Encoding.UTF8.GetBytes(head.ToString()));
        if (body is not null) await stream.WriteAsync(body);
        using var all = new MemoryStream();
        await stream.CopyToAsync(all);
        return Parse(all.ToArray());
    }

    private static Response Parse(byte[] raw)
    {
        var split = IndexOf(raw, "\r\n\r\n"u8.ToArray());
        var lines = Encoding.ASCII.GetString(raw, 0, split).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1]);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
        var body = raw[(split + 4)..];
        if (headers.TryGetValue("transfer-encoding", out var te) && te.Contains("chunked")) body = Unchunk(body);
        return new Response(status, headers, body);
    }

    private static byte[] Unchunk(byte[] data)
    {
        using var ms = new MemoryStream();
        var pos = 0;
        while (true)
        {
            var eol = IndexOf(data[pos..], "\r\n"u8.ToArray()) + pos;
            var size = Convert.ToInt32(Encoding.ASCII.GetString(data, pos, eol - pos).Split(';')[0], 16);
            if (size == 0) break;
            ms.Write(data, eol + 2, size);
            pos = eol + 2 + size + 2;
        }
        return ms.ToArray();
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        return -1;
    }
}
