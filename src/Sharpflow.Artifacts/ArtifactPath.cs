using Sharpflow.Core.Errors;
using Sharpflow.Core.Python;
using Sharpflow.Core.Validation;

namespace Sharpflow.Artifacts;

/// <summary>
/// A relative artifact path that passed the safety check; the only kind of path an <see cref="IArtifactStore"/> accepts.
/// <para>
/// <see cref="Parse"/> applies MLflow 3.11's <c>validate_path_is_safe</c> (mlflow/utils/uri.py): percent-decoding
/// repeated until stable (so <c>%2e%2e</c> and <c>%252e%252e</c> are <c>..</c>), control characters escaped, and then
/// "Invalid path" (400) for a <c>#</c>, a <c>..</c> segment, a POSIX or Windows absolute path (also via a
/// <c>file:</c> URI). Stricter than MLflow: a name with a backslash or a control character (NUL included) can never
/// exist in a Sharpflow store (<see cref="CanExist"/> is false): reads answer "not found" as MLflow does for them,
/// listings are empty, deletes do nothing and writes are refused; decoding that does not settle is refused too.
/// </para>
/// </summary>
public sealed class ArtifactPath : IEquatable<ArtifactPath>
{
    private readonly string[] _segments;

    private ArtifactPath(string text, string[] segments, bool canExist)
    {
        Text = text;
        _segments = segments;
        CanExist = canExist;
    }

    /// <summary>The root of a store.</summary>
    public static ArtifactPath Root { get; } = new("", [], true);

    /// <summary>The path as MLflow's check returns it (decoded, control characters as %xx); MLflow's messages print this.</summary>
    public string Text { get; }

    /// <summary>The path's names, without empty and "." segments.</summary>
    public IReadOnlyList<string> Segments => _segments;

    /// <summary>Segments joined with '/' ("" for the root), as <c>os.path.normpath</c> would give it.</summary>
    public string Normalized => string.Join('/', _segments);

    public bool IsRoot => _segments.Length == 0;

    /// <summary>False for names no Sharpflow store ever holds (backslashes, control characters).</summary>
    public bool CanExist { get; }

    /// <summary>The last name ("" for the root).</summary>
    public string Name => IsRoot ? "" : _segments[^1];

    public ArtifactPath Parent =>
        IsRoot ? this : new ArtifactPath(PosixDirName(Text), _segments[..^1], CanExist);

    /// <summary>The MLflow error for an unsafe path.</summary>
    public static MlflowException InvalidPath() => MlflowException.InvalidParameter("Invalid path");

    /// <summary>Checks a client-given path; throws <see cref="InvalidPath"/> (400) when it is unsafe.</summary>
    public static ArtifactPath Parse(string raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var decoded = Decode(raw) ?? throw InvalidPath();
        var hasControl = false;
        foreach (var c in decoded) hasControl |= IsControl(c);
        var text = hasControl ? EscapeControl(decoded) : decoded;
        if (text.Contains('#')) throw InvalidPath();
        if (ParseOrNull(text) is not { } parsed) throw InvalidPath();
        if (parsed.Scheme == "file") text = LocalFileUriPath(text);
        if (text.Split('/').Contains("..") || IsWindowsAbsolute(text) || text.StartsWith('/')) throw InvalidPath();
        var segments = text.Split('/').Where(s => s.Length > 0 && s != ".").ToArray();
        return new ArtifactPath(text, segments, canExist: !hasControl && !text.Contains('\\'));
    }

    /// <summary>Parse, or null when the path is unsafe.</summary>
    public static ArtifactPath? TryParse(string raw)
    {
        try
        {
            return Parse(raw);
        }
        catch (MlflowException)
        {
            return null;
        }
    }

    /// <summary>This path followed by a relative one (<c>posixpath.join</c> of the texts).</summary>
    public ArtifactPath Join(ArtifactPath relative) =>
        relative.IsRoot && relative.Text.Length == 0 ? this
        : IsRoot && Text.Length == 0 ? relative
        : new ArtifactPath(PyUrl.PosixJoin(Text, relative.Text), [.. _segments, .. relative._segments], CanExist && relative.CanExist);

    /// <summary>
    /// The checks MLflow makes before it writes a file here (<c>verify_artifact_path</c> on the folder part, then a
    /// file name after it). MLflow fails with a 500 on these; Sharpflow answers 400 with MLflow's message.
    /// </summary>
    public ArtifactPath RequireFileName()
    {
        var slash = Text.LastIndexOf('/');
        var head = slash < 0 ? "" : Text[..slash];
        var tail = Text[(slash + 1)..];
        if (head.Length > 0)
        {
            var norm = PosixPath.NormPath(head);
            if (norm != head || norm == "." || norm.StartsWith("..", StringComparison.Ordinal) || norm.StartsWith('/'))
                throw MlflowException.InvalidParameter(
                    $"Invalid artifact path: '{head}'. Names may be treated as files in certain cases, and must not resolve to " +
                    $"other names when treated as such. This name would resolve to {PythonRepr.Str(norm)}");
        }
        if (tail.Length == 0 || tail == "." || IsRoot)
            throw MlflowException.InvalidParameter($"Invalid artifact path: '{Text}'. An upload needs a file name at the end of the path.");
        return this;
    }

    // MLflow's _decode: unquote and round-trip through urlparse/urlunparse until nothing changes (at most 10 times).
    private static string? Decode(string url)
    {
        for (var i = 0; i < 10; i++)
        {
            if (ParseOrNull(PyUrl.Unquote(url)) is not { } parsed) return null;
            var again = PyUrl.UrlUnparse(parsed);
            if (again == url) return url;
            url = again;
        }
        return null;
    }

    private static PyUrl.ParseResult? ParseOrNull(string s)
    {
        try
        {
            return PyUrl.UrlParse(s);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static bool IsControl(char c) => c <= 31 || c == 127;

    private static string EscapeControl(string s) =>
        string.Concat(s.Select(c => IsControl(c) ? $"%{(int)c:x2}" : c.ToString()));

    // mlflow.utils.file_utils.local_file_uri_to_path on POSIX.
    private static string LocalFileUriPath(string uri) =>
        PyUrl.Unquote(uri.StartsWith("file:", StringComparison.Ordinal) ? PyUrl.UrlParse(uri).Path : uri);

    // pathlib.PureWindowsPath(p).is_absolute(): a drive ("C:" or "\\server\share") followed by a root.
    private static bool IsWindowsAbsolute(string p)
    {
        var s = p.Replace('\\', '/');
        if (s.Length >= 3 && char.IsAsciiLetter(s[0]) && s[1] == ':' && s[2] == '/') return true;
        if (s.Length > 2 && s[0] == '/' && s[1] == '/' && s[2] != '/')
        {
            // UNC: \\server\share (the share may be empty, but not a second separator right after the server).
            var serverEnd = s.IndexOf('/', 2);
            return serverEnd > 0 && s.IndexOf('/', serverEnd + 1) != serverEnd + 1;
        }
        return false;
    }

    private static string PosixDirName(string p)
    {
        var i = p.LastIndexOf('/') + 1;
        var head = p[..i];
        return head.Length > 0 && head.Trim('/').Length > 0 ? head.TrimEnd('/') : head;
    }

    public bool Equals(ArtifactPath? other) => other is not null && Normalized == other.Normalized && CanExist == other.CanExist;

    public override bool Equals(object? obj) => Equals(obj as ArtifactPath);

    public override int GetHashCode() => Normalized.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Text;
}
