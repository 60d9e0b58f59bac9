using System.Text;

namespace Sharpflow.Core.Python;

/// <summary>
/// The parts of CPython 3.11's <c>urllib.parse</c> that decide what MLflow does with a path it is given:
/// <c>unquote</c> (what uvicorn and MLflow's path checks decode), <c>urlsplit</c>/<c>urlparse</c> and their
/// inverse (MLflow's path decoding loop round-trips every candidate through them, which strips, lowercases and
/// drops characters in ways clients can observe).
/// </summary>
public static class PyUrl
{
    private static readonly UTF8Encoding Utf8Replace = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    // urllib.parse.uses_params / uses_netloc (3.11)
    private static readonly HashSet<string> UsesParams =
        ["", "ftp", "hdl", "prospero", "http", "imap", "https", "shttp", "rtsp", "rtspu", "sip", "sips", "mms", "sftp", "tel"];

    private static readonly HashSet<string> UsesNetloc =
    [
        "", "ftp", "http", "gopher", "nntp", "telnet", "imap", "wais", "file", "mms", "https", "shttp", "snews", "prospero",
        "rtsp", "rtspu", "rsync", "svn", "svn+ssh", "sftp", "nfs", "git", "git+ssh", "ws", "wss", "itms-services",
    ];

    /// <summary>The result of <c>urlparse</c>.</summary>
    public readonly record struct ParseResult(string Scheme, string Netloc, string Path, string Params, string Query, string Fragment);

    /// <summary>
    /// <c>urllib.parse.unquote(s)</c>: %XX escapes inside runs of ASCII characters become bytes, decoded as UTF-8
    /// with invalid sequences replaced by U+FFFD; malformed escapes and non-ASCII characters stay as they are.
    /// </summary>
    public static string Unquote(string s)
    {
        if (!s.Contains('%')) return s;
        var sb = new StringBuilder(s.Length);
        var bytes = new List<byte>();
        var i = 0;
        while (i < s.Length)
        {
            if (s[i] > 0x7F)
            {
                sb.Append(s[i++]);
                continue;
            }
            // One run of ASCII characters: unquote_to_bytes, then decode.
            bytes.Clear();
            while (i < s.Length && s[i] <= 0x7F)
            {
                if (s[i] == '%' && i + 2 < s.Length && IsHex(s[i + 1]) && IsHex(s[i + 2]))
                {
                    bytes.Add((byte)(HexValue(s[i + 1]) << 4 | HexValue(s[i + 2])));
                    i += 3;
                }
                else bytes.Add((byte)s[i++]);
            }
            sb.Append(Utf8Replace.GetString(bytes.ToArray()));
        }
        return sb.ToString();
    }

    private static bool IsHex(char c) => c is >= '0' and <= '9' or >= 'a' and <= 'f' or >= 'A' and <= 'F';

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private const string SchemeChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.";

    /// <summary><c>urllib.parse.urlparse(url)</c>. Throws <see cref="FormatException"/> where Python raises ValueError.</summary>
    public static ParseResult UrlParse(string url)
    {
        // WHATWG C0 control or space is stripped from the left; tab, CR and LF are removed everywhere.
        var start = 0;
        while (start < url.Length && url[start] <= ' ') start++;
        url = url[start..];
        if (url.AsSpan().IndexOfAny('\t', '\r', '\n') >= 0) url = url.Replace("\t", "").Replace("\r", "").Replace("\n", "");

        string scheme = "", netloc = "", query = "", fragment = "";
        var colon = url.IndexOf(':');
        if (colon > 0 && char.IsAsciiLetter(url[0]) && url.AsSpan(0, colon).IndexOfAnyExcept(SchemeChars) < 0)
        {
            scheme = url[..colon].ToLowerInvariant();
            url = url[(colon + 1)..];
        }
        if (url.StartsWith("//", StringComparison.Ordinal))
        {
            var delim = url.Length;
            foreach (var c in "/?#")
            {
                var w = url.IndexOf(c, 2);
                if (w >= 0) delim = Math.Min(delim, w);
            }
            netloc = url[2..delim];
            url = url[delim..];
            if (netloc.Contains('[') != netloc.Contains(']')) throw new FormatException("Invalid IPv6 URL");
        }
        var hash = url.IndexOf('#');
        if (hash >= 0)
        {
            fragment = url[(hash + 1)..];
            url = url[..hash];
        }
        var q = url.IndexOf('?');
        if (q >= 0)
        {
            query = url[(q + 1)..];
            url = url[..q];
        }
        var parameters = "";
        if (UsesParams.Contains(scheme) && url.Contains(';'))
        {
            var lastSlash = url.LastIndexOf('/');
            var semi = lastSlash >= 0 ? url.IndexOf(';', lastSlash) : url.IndexOf(';');
            if (semi >= 0)
            {
                parameters = url[(semi + 1)..];
                url = url[..semi];
            }
        }
        return new ParseResult(scheme, netloc, url, parameters, query, fragment);
    }

    /// <summary><c>urllib.parse.urlunparse(parts)</c>.</summary>
    public static string UrlUnparse(ParseResult p)
    {
        var url = p.Params.Length > 0 ? p.Path + ";" + p.Params : p.Path;
        if (p.Netloc.Length > 0 || (p.Scheme.Length > 0 && UsesNetloc.Contains(p.Scheme) && !url.StartsWith("//", StringComparison.Ordinal)))
        {
            if (url.Length > 0 && url[0] != '/') url = "/" + url;
            url = "//" + p.Netloc + url;
        }
        if (p.Scheme.Length > 0) url = p.Scheme + ":" + url;
        if (p.Query.Length > 0) url = url + "?" + p.Query;
        if (p.Fragment.Length > 0) url = url + "#" + p.Fragment;
        return url;
    }

    /// <summary><c>posixpath.join(a, b)</c> for two components.</summary>
    public static string PosixJoin(string a, string b) =>
        b.StartsWith('/') ? b : a.Length == 0 || a.EndsWith('/') ? a + b : a + "/" + b;
}
