using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Sharpflow.Artifacts;
using Sharpflow.Core.Errors;

namespace Sharpflow.Server.Features.Artifacts;

/// <summary>The artifact routes' responses and MLflow's texts for them.</summary>
public static class ArtifactResponses
{
    /// <summary>
    /// Streams an artifact as MLflow sends it (an attachment, MLflow's Content-Type, nosniff) with Content-Length,
    /// Last-Modified and HTTP range requests; the file is never read into memory.
    /// </summary>
    public static IResult File(HttpContext http, ArtifactContent content, string fileName)
    {
        var headers = http.Response.Headers;
        headers.ContentDisposition = Disposition(fileName);
        headers.XContentTypeOptions = "nosniff";
        var seekable = content.Stream.CanSeek;
        if (!seekable) http.Response.ContentLength = content.Length;
        return TypedResults.Stream(content.Stream, ArtifactMimeTypes.Guess(fileName), lastModified: content.LastModified,
            enableRangeProcessing: seekable);
    }

    // MLflow writes "attachment; filename=<name>" as is; names a header cannot carry get RFC 6266's filename*.
    private static string Disposition(string fileName)
    {
        if (fileName.All(c => c is >= ' ' and <= '~' && c != '"')) return $"attachment; filename={fileName}";
        var value = new ContentDispositionHeaderValue("attachment");
        value.SetHttpFileName(fileName);
        return value.ToString();
    }

    /// <summary>MLflow's error for a file that is not there, as its download path words it.</summary>
    public static MlflowException NotFound(IArtifactStore store, ArtifactPath path, bool direct)
    {
        // LocalArtifactRepository answers a direct download itself; everything else goes through the repository's
        // download_artifacts, which collects failures per file.
        var error = $"No such artifact: '{(direct ? path.Text : path.Normalized)}'";
        if (direct && store is LocalArtifactStore) return MlflowException.NotFound(error);
        var failures = $"##### File {path.Text} #####\n{error}";
        if (failures.Length > 10_000)
            failures = failures[..5_000] + "\n\n*** Error message is too long, truncated ***\n\n" + failures[^5_000..];
        return MlflowException.NotFound(
            $"The following failures occurred while downloading one or more artifacts from {store.RootUri}:\n{failures}");
    }

    /// <summary>MLflow answers a 500 for a folder; Sharpflow says what happened.</summary>
    public static MlflowException IsFolder(ArtifactPath path) =>
        MlflowException.InvalidParameter(
            $"'{path.Text}' is a folder, not a file: list it with GET /api/2.0/mlflow-artifacts/artifacts?path=<folder> and download its files one by one.");

    /// <summary><c>--no-serve-artifacts</c>: MLflow's 503 text, naming the route rule.</summary>
    public static IResult Disabled(HttpContext http, string apiBase, bool withPath) =>
        Disabled(http, $"{apiBase}/mlflow-artifacts/artifacts{(withPath ? "/<path:artifact_path>" : "")}");

    /// <summary><c>--no-serve-artifacts</c>: MLflow's 503 text for the route rule given (without the static prefix).</summary>
    public static IResult Disabled(HttpContext http, string rule) =>
        Html(StatusCodes.Status503ServiceUnavailable,
            $"Endpoint: {http.Request.PathBase}{rule} " +
            "disabled due to the mlflow server running with `--no-serve-artifacts`. To enable artifacts server functionality, " +
            "run `mlflow server` with `--serve-artifacts`");

    /// <summary>Werkzeug's answer to a missing required query argument.</summary>
    public static IResult BadRequest() =>
        Html(StatusCodes.Status400BadRequest,
            "<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n" +
            "<p>The browser (or proxy) sent a request that this server could not understand.</p>\n");

    /// <summary>True when the path has repeated slashes, which MLflow's router (Werkzeug) redirects away.</summary>
    public static bool HasRepeatedSlashes(HttpContext http) => (http.Request.Path.Value ?? "").Contains("//", StringComparison.Ordinal);

    /// <summary>Werkzeug's merge_slashes redirect: 308 to the same URL with single slashes.</summary>
    public static IResult MergeSlashes(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "/";
        while (path.Contains("//", StringComparison.Ordinal)) path = path.Replace("//", "/", StringComparison.Ordinal);
        var req = http.Request;
        var url = $"{req.Scheme}://{req.Host}{Quote(req.PathBase.Value + path)}{req.QueryString}";
        var escaped = WebUtility.HtmlEncode(url);
        http.Response.Headers.Location = url;
        return Html(StatusCodes.Status308PermanentRedirect,
            "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n" +
            $"<p>You should be redirected automatically to the target URL: <a href=\"{escaped}\">{escaped}</a>. If not, click the link.\n");
    }

    private static string Quote(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));

    private static IResult Html(int status, string text) =>
        TypedResults.Text(text, "text/html; charset=utf-8", Encoding.UTF8, status);
}
