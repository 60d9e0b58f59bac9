using System.Text.RegularExpressions;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Python;

namespace Sharpflow.Core.Validation;

/// <summary>
/// The pure parts of MLflow's model-version source checks (handlers.py <c>_validate_source_run</c>,
/// <c>_validate_source_model</c>, <c>_validate_non_local_source_contains_relative_paths</c>). A source that names a local
/// path could make the server read any file it can reach (CVE-2023-6909 and relatives): a local source is only allowed
/// inside the artifact folder of the run or logged model the request names, and no other source may hide a relative path.
/// </summary>
public static partial class ModelVersionSources
{
    [GeneratedRegex("/+")]
    private static partial Regex Slashes();

    /// <summary>mlflow.utils.uri.is_local_uri on a POSIX server: no scheme, or file: on this host.</summary>
    public static bool IsLocalUri(string uri)
    {
        var parsed = PyUrl.UrlParse(uri);
        if (parsed.Scheme.Length == 0) return true;
        if (parsed.Scheme != "file") return false;
        var host = Hostname(parsed.Netloc);
        if (host is not null && !(host == "." || host.StartsWith("localhost", StringComparison.Ordinal) || host.StartsWith("127.0.0.1", StringComparison.Ordinal)))
            // MLflow raises this without an error code (a 500); it is the client's input, so Sharpflow says 400.
            throw MlflowException.InvalidParameter(
                $"{uri} is not a valid remote uri. For remote access on windows, please consider using a different scheme such as SMB (e.g. smb://<hostname>/<path>).");
        return true;
    }

    /// <summary>urlparse(...).hostname: the host part of a netloc, lower-cased, or null when empty.</summary>
    internal static string? Hostname(string netloc)
    {
        var host = netloc[(netloc.LastIndexOf('@') + 1)..];
        if (host.StartsWith('['))
        {
            var end = host.IndexOf(']');
            host = end > 0 ? host[1..end] : host[1..];
        }
        else if (host.IndexOf(':') is var colon and >= 0) host = host[..colon];
        return host.Length == 0 ? null : host.ToLowerInvariant();
    }

    /// <summary>local_file_uri_to_path on POSIX: the path of a file: URI, percent-decoded.</summary>
    public static string LocalFileUriToPath(string uri)
    {
        var path = uri.StartsWith("file:", StringComparison.Ordinal) ? PyUrl.UrlParse(uri).Path : uri;
        return PyUrl.Unquote(path);
    }

    /// <summary>
    /// pathlib's <c>Path(p).resolve()</c> (non-strict): absolute against the working directory, <c>.</c> and <c>..</c>
    /// removed, every symbolic link that exists followed, so a link inside an artifact folder cannot point out of it.
    /// </summary>
    public static string Resolve(string path)
    {
        // ".." is applied after the links before it are followed (os.path.realpath), never lexically first.
        var absolute = path.StartsWith('/') ? path : Environment.CurrentDirectory + "/" + path;
        var pending = new Stack<string>(absolute.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse());
        var resolved = new List<string>();
        var hops = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part == ".") continue;
            if (part == "..")
            {
                if (resolved.Count > 0) resolved.RemoveAt(resolved.Count - 1);
                continue;
            }
            var candidate = "/" + string.Join('/', resolved.Append(part));
            string? target = null;
            try
            {
                target = new FileInfo(candidate).LinkTarget;
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
            if (target is null || ++hops > 40)
            {
                resolved.Add(part);
                continue;
            }
            if (target.StartsWith('/')) resolved.Clear();
            foreach (var t in target.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse()) pending.Push(t);
        }
        return "/" + string.Join('/', resolved);
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="root"/> or inside it (both already resolved).</summary>
    public static bool IsWithin(string root, string path) =>
        path == root || path.StartsWith(root.EndsWith('/') ? root : root + "/", StringComparison.Ordinal);

    /// <summary>
    /// Rejects http, mlflow-artifacts, object-store (and any other scheme's) sources whose path, decoded until stable,
    /// has <c>..</c>, NUL, <c>.</c> segments or is not absolute: MLflow compares the path with its resolved form.
    /// </summary>
    public static void CheckNoRelativePaths(string source)
    {
        var message =
            $"Invalid model version source: '{source}'. If supplying a source as an http, https, local file path, ftp, objectstore, " +
            "or mlflow-artifacts uri, an absolute path must be provided without relative path references present. Please provide an absolute path.";
        var decoded = source;
        while (true)
        {
            var next = PyUrl.Unquote(decoded.Replace('+', ' '));
            if (next == decoded) break;
            decoded = next;
        }
        string path;
        try
        {
            path = Slashes().Replace(PyUrl.UrlParse(decoded).Path.TrimEnd('/'), "/");
        }
        catch (FormatException)
        {
            throw MlflowException.InvalidParameter(message);
        }
        if (path.Contains('\0') || decoded.Split('/').Contains("..")) throw MlflowException.InvalidParameter(message);
        // pathlib resolves "" and relative paths against the working directory and drops "." segments, so such a
        // path never equals its resolved form. Symbolic links on this machine are not consulted: the path is a
        // location in a remote store, not here.
        if (!path.StartsWith('/') || path.Split('/').Contains(".")) throw MlflowException.InvalidParameter(message);
    }
}
