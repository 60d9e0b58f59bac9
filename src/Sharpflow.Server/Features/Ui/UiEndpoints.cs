using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace Sharpflow.Server.Features.Ui;

/// <summary>
/// Serves the web UI (ui/, built by the Server project's BuildUi target into the output's <c>ui/</c> folder) the way
/// MLflow serves its React app: <c>index.html</c> at <c>/</c> and the bundle under <c>/static-files/...</c>, both under
/// <c>--static-prefix</c> (the prefix middleware has already moved it into PathBase). The app is a hash-router SPA,
/// so its own routes never reach the server; a browser navigation to any other unknown path (an old or hand-made link)
/// still gets index.html, which turns the path into a hash route.
/// </summary>
public static class UiEndpoints
{
    /// <summary>MLflow's cache lifetime for its hashed static files (28 days).</summary>
    private const string StaticCacheControl = "public, max-age=2419200";

    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    // MLflow's answer when its build is missing, so a server built with -p:SkipUi=true says what is going on.
    private const string MissingUiText =
        "Unable to display MLflow UI - landing page (index.html) not found.\n\n" +
        "This Sharpflow server was built without its web UI (dotnet build -p:SkipUi=true, or Node.js was missing).\n" +
        "Build it with `dotnet build src/Sharpflow.Cli` (needs Node.js 20.19+ and npm), or run the UI's dev server:\n" +
        "cd ui && npm run dev\n";

    /// <summary>The folder holding index.html: SHARPFLOW_UI_DIR when set (UI development), else ui/ next to the binaries.</summary>
    public static string Folder { get; } = Path.GetFullPath(
        Environment.GetEnvironmentVariable("SHARPFLOW_UI_DIR") is { Length: > 0 } dir ? dir : Path.Combine(AppContext.BaseDirectory, "ui"));

    public static void MapUi(this WebApplication app, SharpflowOptions options)
    {
        _ = options; // the prefix arrives as PathBase; kept in the signature for future UI settings
        // Runs after routing chose (or did not choose) an endpoint: only requests no route claimed, and only a
        // browser's page navigation, get the app. Everything else keeps MLflow's 404/405 pages.
        app.Use((http, next) => http.GetEndpoint() is null && IsPageNavigation(http.Request) ? ServeIndex(http) : next(http));
        app.MapMethods("/", ["GET", "HEAD"], ServeIndex);
        app.MapMethods("/static-files/{**path}", ["GET", "HEAD"], (HttpContext http, string? path) => ServeStatic(http, path));
    }

    private static bool IsPageNavigation(HttpRequest request)
    {
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)) return false;
        var path = request.Path.Value ?? "";
        if (path.StartsWith("/api/", StringComparison.Ordinal) || path.StartsWith("/ajax-api/", StringComparison.Ordinal)
            || path.StartsWith("/static-files/", StringComparison.Ordinal) || Path.HasExtension(path))
            return false;
        return request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);
    }

    private static async Task ServeIndex(HttpContext http)
    {
        var file = Path.Combine(Folder, "index.html");
        var res = http.Response;
        if (!File.Exists(file))
        {
            res.ContentType = "text/plain; charset=utf-8";
            await res.WriteAsync(MissingUiText);
            return;
        }
        // The bundle's URLs are relative (./static-files/...). A <base> naming the app's root makes them, and the
        // app's API calls, resolve under --static-prefix from whatever path the page was opened at.
        var root = http.Request.PathBase.Value + "/";
        var html = (await File.ReadAllTextAsync(file, http.RequestAborted))
            .Replace("<head>", $"<head><base href=\"{WebUtility.HtmlEncode(root)}\">", StringComparison.Ordinal);
        res.ContentType = "text/html; charset=utf-8";
        res.Headers.CacheControl = "no-cache";
        if (HttpMethods.IsHead(http.Request.Method)) { res.ContentLength = System.Text.Encoding.UTF8.GetByteCount(html); return; }
        await res.WriteAsync(html, http.RequestAborted);
    }

    private static IResult ServeStatic(HttpContext http, string? path)
    {
        var root = Path.Combine(Folder, "static-files") + Path.DirectorySeparatorChar;
        if (string.IsNullOrEmpty(path) || path.Contains('\\') || path.Contains('\0')) return Results.NotFound();
        var full = Path.GetFullPath(Path.Combine(root, path));
        // The one path check: nothing outside the static folder, whatever the path's dots and slashes say.
        if (!full.StartsWith(root, StringComparison.Ordinal) || !File.Exists(full)) return Results.NotFound();
        if (!ContentTypes.TryGetContentType(full, out var type)) type = "application/octet-stream";
        http.Response.Headers.CacheControl = StaticCacheControl;
        return Results.File(full, type, lastModified: File.GetLastWriteTimeUtc(full),
            entityTag: new EntityTagHeaderValue($"\"{File.GetLastWriteTimeUtc(full).Ticks:x}-{new FileInfo(full).Length:x}\""));
    }
}
