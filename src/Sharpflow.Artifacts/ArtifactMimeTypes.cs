namespace Sharpflow.Artifacts;

/// <summary>
/// The Content-Type MLflow 3.11 gives a downloaded artifact (<c>mlflow.utils.mime_type_utils._guess_mime_type</c>):
/// text/plain for its list of text extensions (and MLmodel / MLproject), else Python's <c>mimetypes.guess_type</c>,
/// else application/octet-stream. Python's table comes from its built-in defaults only (not the host's
/// /etc/mime.types), so the answer does not depend on the machine.
/// </summary>
public static class ArtifactMimeTypes
{
    public const string Binary = "application/octet-stream";

    private static readonly HashSet<string> TextExtensions =
    [
        "txt", "log", "err", "cfg", "conf", "cnf", "cf", "ini", "properties", "prop", "hocon", "toml", "yaml", "yml", "xml",
        "json", "js", "py", "py3", "csv", "tsv", "md", "rst", "MLmodel", "MLproject",
    ];

    // mimetypes._suffix_map_default and _encodings_map_default (CPython 3.11).
    private static readonly Dictionary<string, string> SuffixMap = new(StringComparer.Ordinal)
    {
        [".svgz"] = ".svg.gz", [".tgz"] = ".tar.gz", [".taz"] = ".tar.gz", [".tz"] = ".tar.gz", [".tbz2"] = ".tar.bz2", [".txz"] = ".tar.xz",
    };

    private static readonly HashSet<string> Encodings = [".gz", ".Z", ".bz2", ".xz", ".br"];

    // mimetypes._types_map_default (CPython 3.11, strict types).
    private static readonly Dictionary<string, string> Types = new(StringComparer.Ordinal)
    {
        [".3g2"] = "audio/3gpp2", [".3gp"] = "audio/3gpp", [".3gpp"] = "audio/3gpp", [".3gpp2"] = "audio/3gpp2",
        [".a"] = "application/octet-stream", [".aac"] = "audio/aac", [".adts"] = "audio/aac", [".ai"] = "application/postscript",
        [".aif"] = "audio/x-aiff", [".aifc"] = "audio/x-aiff", [".aiff"] = "audio/x-aiff", [".ass"] = "audio/aac",
        [".au"] = "audio/basic", [".avi"] = "video/x-msvideo", [".avif"] = "image/avif", [".bat"] = "text/plain",
        [".bcpio"] = "application/x-bcpio", [".bin"] = "application/octet-stream", [".bmp"] = "image/bmp", [".c"] = "text/plain",
        [".cdf"] = "application/x-netcdf", [".cpio"] = "application/x-cpio", [".csh"] = "application/x-csh",
        [".css"] = "text/css", [".csv"] = "text/csv", [".dll"] = "application/octet-stream", [".doc"] = "application/msword",
        [".dot"] = "application/msword", [".dvi"] = "application/x-dvi", [".eml"] = "message/rfc822",
        [".eps"] = "application/postscript", [".etx"] = "text/x-setext", [".exe"] = "application/octet-stream",
        [".gif"] = "image/gif", [".gtar"] = "application/x-gtar", [".h"] = "text/plain", [".h5"] = "application/x-hdf5",
        [".hdf"] = "application/x-hdf", [".heic"] = "image/heic", [".heif"] = "image/heif", [".htm"] = "text/html",
        [".html"] = "text/html", [".ico"] = "image/vnd.microsoft.icon", [".ief"] = "image/ief", [".jpe"] = "image/jpeg",
        [".jpeg"] = "image/jpeg", [".jpg"] = "image/jpeg", [".js"] = "application/javascript", [".json"] = "application/json",
        [".ksh"] = "text/plain", [".latex"] = "application/x-latex", [".loas"] = "audio/aac", [".m1v"] = "video/mpeg",
        [".m3u"] = "application/vnd.apple.mpegurl", [".m3u8"] = "application/vnd.apple.mpegurl",
        [".man"] = "application/x-troff-man", [".me"] = "application/x-troff-me", [".mht"] = "message/rfc822",
        [".mhtml"] = "message/rfc822", [".mif"] = "application/x-mif", [".mjs"] = "application/javascript",
        [".mov"] = "video/quicktime", [".movie"] = "video/x-sgi-movie", [".mp2"] = "audio/mpeg", [".mp3"] = "audio/mpeg",
        [".mp4"] = "video/mp4", [".mpa"] = "video/mpeg", [".mpe"] = "video/mpeg", [".mpeg"] = "video/mpeg",
        [".mpg"] = "video/mpeg", [".ms"] = "application/x-troff-ms", [".n3"] = "text/n3", [".nc"] = "application/x-netcdf",
        [".nq"] = "application/n-quads", [".nt"] = "application/n-triples", [".nws"] = "message/rfc822",
        [".o"] = "application/octet-stream", [".obj"] = "application/octet-stream", [".oda"] = "application/oda",
        [".opus"] = "audio/opus", [".p12"] = "application/x-pkcs12", [".p7c"] = "application/pkcs7-mime",
        [".pbm"] = "image/x-portable-bitmap", [".pdf"] = "application/pdf", [".pfx"] = "application/x-pkcs12",
        [".pgm"] = "image/x-portable-graymap", [".pl"] = "text/plain", [".png"] = "image/png",
        [".pnm"] = "image/x-portable-anymap", [".pot"] = "application/vnd.ms-powerpoint",
        [".ppa"] = "application/vnd.ms-powerpoint", [".ppm"] = "image/x-portable-pixmap",
        [".pps"] = "application/vnd.ms-powerpoint", [".ppt"] = "application/vnd.ms-powerpoint",
        [".ps"] = "application/postscript", [".pwz"] = "application/vnd.ms-powerpoint", [".py"] = "text/x-python",
        [".pyc"] = "application/x-python-code", [".pyo"] = "application/x-python-code", [".qt"] = "video/quicktime",
        [".ra"] = "audio/x-pn-realaudio", [".ram"] = "application/x-pn-realaudio", [".ras"] = "image/x-cmu-raster",
        [".rdf"] = "application/xml", [".rgb"] = "image/x-rgb", [".roff"] = "application/x-troff", [".rtx"] = "text/richtext",
        [".sgm"] = "text/x-sgml", [".sgml"] = "text/x-sgml", [".sh"] = "application/x-sh", [".shar"] = "application/x-shar",
        [".snd"] = "audio/basic", [".so"] = "application/octet-stream", [".src"] = "application/x-wais-source",
        [".srt"] = "text/plain", [".sv4cpio"] = "application/x-sv4cpio", [".sv4crc"] = "application/x-sv4crc",
        [".svg"] = "image/svg+xml", [".swf"] = "application/x-shockwave-flash", [".t"] = "application/x-troff",
        [".tar"] = "application/x-tar", [".tcl"] = "application/x-tcl", [".tex"] = "application/x-tex",
        [".texi"] = "application/x-texinfo", [".texinfo"] = "application/x-texinfo", [".tif"] = "image/tiff",
        [".tiff"] = "image/tiff", [".tr"] = "application/x-troff", [".trig"] = "application/trig",
        [".tsv"] = "text/tab-separated-values", [".txt"] = "text/plain", [".ustar"] = "application/x-ustar",
        [".vcf"] = "text/x-vcard", [".vtt"] = "text/vtt", [".wasm"] = "application/wasm", [".wav"] = "audio/x-wav",
        [".webm"] = "video/webm", [".webmanifest"] = "application/manifest+json", [".wiz"] = "application/msword",
        [".wsdl"] = "application/xml", [".xbm"] = "image/x-xbitmap", [".xlb"] = "application/vnd.ms-excel",
        [".xls"] = "application/vnd.ms-excel", [".xml"] = "text/xml", [".xpdl"] = "application/xml",
        [".xpm"] = "image/x-xpixmap", [".xsl"] = "application/xml", [".xwd"] = "image/x-xwindowdump",
        [".zip"] = "application/zip",
    };

    /// <summary>The Content-Type for a file name (the last segment of an artifact path).</summary>
    public static string Guess(string fileName)
    {
        var (_, ext) = SplitExt(fileName);
        var extension = ext.Replace(".", "", StringComparison.Ordinal);
        if (extension.Length == 0) extension = fileName; // MLmodel, MLproject
        if (TextExtensions.Contains(extension)) return "text/plain";
        return GuessType(fileName) ?? Binary;
    }

    /// <summary>
    /// Python's <c>mimetypes.guess_type(path)</c> or application/octet-stream, without MLflow's text/plain list: what
    /// MLflow's S3 repository signs presigned uploads with (so a .json upload is application/json there).
    /// </summary>
    public static string GuessStandard(string path) => GuessType(path) ?? Binary;

    // mimetypes.MimeTypes.guess_type(url, strict=True)[0]
    private static string? GuessType(string url)
    {
        // urllib.parse._splittype: "scheme:rest" when the part before the first ':' has no '/'.
        var colon = url.IndexOf(':');
        if (colon > 0 && url.AsSpan(0, colon).IndexOf('/') < 0)
        {
            var scheme = url[..colon].ToLowerInvariant();
            url = url[(colon + 1)..];
            if (scheme == "data") return DataUrlType(url);
        }
        var (root, ext) = SplitExt(url);
        while (SuffixMap.TryGetValue(ext.ToLowerInvariant(), out var replaced)) (root, ext) = SplitExt(root + replaced);
        if (Encodings.Contains(ext)) (_, ext) = SplitExt(root);
        return Types.GetValueOrDefault(ext.ToLowerInvariant());
    }

    private static string? DataUrlType(string url)
    {
        var comma = url.IndexOf(',');
        if (comma < 0) return null;
        var semi = url.IndexOf(';', 0, comma);
        var type = semi >= 0 ? url[..semi] : url[..comma];
        return type.Contains('=') || !type.Contains('/') ? "text/plain" : type;
    }

    // posixpath.splitext: leading dots of the name do not start an extension.
    private static (string Root, string Ext) SplitExt(string p)
    {
        var sep = p.LastIndexOf('/');
        var dot = p.LastIndexOf('.');
        if (dot > sep)
        {
            for (var i = sep + 1; i < dot; i++)
                if (p[i] != '.') return (p[..dot], p[dot..]);
        }
        return (p, "");
    }
}
