using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sharpflow.Artifacts;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Python;
using Sharpflow.Server.Contracts;
using Sharpflow.Server.Http;
using Sharpflow.Store.Tracking;
using static Sharpflow.Server.Http.MlflowRoutes;

namespace Sharpflow.Server.Features.Artifacts;

/// <summary>
/// The artifact routes of MLflow 3.11: the proxy (<c>/mlflow-artifacts/artifacts</c>, paths relative to
/// --artifacts-destination) and the run-relative routes (<c>artifacts/list</c>, <c>/get-artifact</c>, the UI's
/// <c>upload-artifact</c>). Every client path goes through <see cref="ArtifactPath.Parse"/> before a store sees it;
/// bodies stream both ways.
/// </summary>
public static class ArtifactsEndpoints
{
    private const string ProxyRoute = "/mlflow-artifacts/artifacts";
    private const long UiUploadLimit = 10 * 1024 * 1024;
    private static readonly string[] ApiBases = ["/api/2.0", "/ajax-api/2.0"];

    public static void MapArtifacts(this IEndpointRouteBuilder app)
    {
        foreach (var api in ApiBases)
        {
            app.MapMethods(api + ProxyRoute, Get, (HttpContext http, ArtifactProxy proxy) => ListProxy(http, proxy, api));
            app.MapMethods(api + ProxyRoute + "/{**artifact_path}", ["GET", "HEAD"], (HttpContext http, ArtifactProxy proxy) => Download(http, proxy, api));
            app.MapMethods(api + ProxyRoute + "/{**artifact_path}", ["PUT"], (HttpContext http, ArtifactProxy proxy) => Upload(http, proxy, api));
            app.MapMethods(api + ProxyRoute + "/{**artifact_path}", ["DELETE"], (HttpContext http, ArtifactProxy proxy) => DeleteArtifact(http, proxy, api));
        }
        app.MapRpc(Get, "/artifacts/list", ListRunArtifacts);
        app.MapMethods("/get-artifact", ["GET", "HEAD"], GetRunArtifact);
        app.MapAjaxOnly(Post, "/upload-artifact", UploadRunArtifact);
        app.MapMultipartUpload();
        app.MapPresignedUrls();
    }

    /// <summary>The artifact path of a proxy route, as the client sent it (Werkzeug's &lt;path:artifact_path&gt;).</summary>
    private static string RoutePath(HttpContext http, string api)
    {
        var path = http.Request.Path.Value ?? "";
        var prefix = api + ProxyRoute + "/";
        return path.StartsWith(prefix, StringComparison.Ordinal) ? path[prefix.Length..] : "";
    }

    /// <summary>Checks shared by the proxy routes that name a path: served at all, Werkzeug's redirect, the path itself.</summary>
    private static (IResult? Early, ArtifactPath? Path) ProxyPath(HttpContext http, ArtifactProxy proxy, string api)
    {
        if (ArtifactResponses.HasRepeatedSlashes(http)) return (ArtifactResponses.MergeSlashes(http), null);
        if (!proxy.Serving) return (ArtifactResponses.Disabled(http, api, withPath: true), null);
        var raw = RoutePath(http, api);
        if (raw.Length == 0) return (TypedResults.NotFound(), null);
        return (null, ArtifactPath.Parse(raw));
    }

    private static async Task<IResult> ListProxy(HttpContext http, ArtifactProxy proxy, string api)
    {
        if (!proxy.Serving) return ArtifactResponses.Disabled(http, api, withPath: false);
        var r = await ProtoRequest.ReadAsync(http, ArtifactMessages.ListProxy);
        var folder = r.Has("path") ? ArtifactPath.Parse(r.GetStringOrEmpty("path")) : ArtifactPath.Root;
        var entries = await proxy.Destination.ListAsync(folder, http.RequestAborted);
        var files = entries.Count == 0 ? null : entries.Select(e => new FileInfoJson(e.Name, e.IsDir, e.Size)).ToList();
        return Reply.Json(new ListArtifactsResponse(null, files), SharpflowJsonContext.Default.ListArtifactsResponse);
    }

    private static async Task<IResult> Download(HttpContext http, ArtifactProxy proxy, string api)
    {
        var (early, path) = ProxyPath(http, proxy, api);
        if (early is not null) return early;
        var store = proxy.Destination;
        var content = await store.OpenReadAsync(path!, http.RequestAborted);
        if (content is null) throw await MissingAsync(store, path!, direct: false, http.RequestAborted);
        return ArtifactResponses.File(http, content, path!.Name);
    }

    private static async Task<IResult> Upload(HttpContext http, ArtifactProxy proxy, string api)
    {
        var (early, path) = ProxyPath(http, proxy, api);
        if (early is not null) return early;
        await proxy.Destination.WriteAsync(path!.RequireFileName(), http.Request.Body, http.RequestAborted);
        return Reply.Empty();
    }

    private static async Task<IResult> DeleteArtifact(HttpContext http, ArtifactProxy proxy, string api)
    {
        var (early, path) = ProxyPath(http, proxy, api);
        if (early is not null) return early;
        await proxy.Destination.DeleteAsync(path!, http.RequestAborted);
        return Reply.Empty();
    }

    private static async Task<IResult> ListRunArtifacts(HttpContext http, TrackingStore tracking, ArtifactProxy proxy)
    {
        var r = (await ProtoRequest.ReadAsync(http, ArtifactMessages.ListRunArtifacts))
            .Check("run_id", Rule.String, Rule.Required).Check("path", Rule.String).Check("page_token", Rule.String);
        var relative = r.Has("path") ? ArtifactPath.Parse(r.GetStringOrEmpty("path")) : null;
        var run = await tracking.GetRunAsync(r.RunId(), http.RequestAborted);
        var root = proxy.ForRun(run.Info.ArtifactUri);
        var entries = await root.Store.ListAsync(root.Folder.Join(relative ?? ArtifactPath.Root), http.RequestAborted);
        var prefix = relative?.Text ?? "";
        var files = entries.Count == 0 ? null
            : entries.Select(e => new FileInfoJson(prefix.Length == 0 ? e.Name : PyUrl.PosixJoin(prefix, e.Name), e.IsDir, e.Size)).ToList();
        return Reply.Json(new ListArtifactsResponse(run.Info.ArtifactUri, files), SharpflowJsonContext.Default.ListArtifactsResponse);
    }

    private static async Task<IResult> GetRunArtifact(HttpContext http, TrackingStore tracking, ArtifactProxy proxy)
    {
        var query = http.Request.Query;
        var runId = FirstNonEmpty(query["run_id"]) ?? FirstNonEmpty(query["run_uuid"]) ?? "None";
        if (!query.TryGetValue("path", out var rawPath)) return ArtifactResponses.BadRequest();
        var relative = ArtifactPath.Parse(rawPath[0] ?? "");
        var run = await tracking.GetRunAsync(runId, http.RequestAborted);
        var root = proxy.ForRun(run.Info.ArtifactUri);
        var path = root.Folder.Join(relative);
        var content = await root.Store.OpenReadAsync(path, http.RequestAborted);
        if (content is null) throw await MissingAsync(root.Store, path, direct: true, http.RequestAborted);
        return ArtifactResponses.File(http, content, path.Name);
    }

    private static async Task<IResult> UploadRunArtifact(HttpContext http, TrackingStore tracking, ArtifactProxy proxy)
    {
        var query = http.Request.Query;
        var runId = FirstNonEmpty(query["run_uuid"]) ?? throw MlflowException.InvalidParameter("Request must specify run_uuid.");
        var rawPath = FirstNonEmpty(query["path"]) ?? throw MlflowException.InvalidParameter("Request must specify path.");
        var relative = ArtifactPath.Parse(rawPath);
        if (http.Request.ContentLength > UiUploadLimit) throw TooLarge();
        var body = await LimitedBody.OpenAsync(http.Request.Body, UiUploadLimit, TooLarge, http.RequestAborted)
                   ?? throw MlflowException.InvalidParameter("Request must specify data.");
        var run = await tracking.GetRunAsync(runId, http.RequestAborted);
        var root = proxy.ForRun(run.Info.ArtifactUri);
        await root.Store.WriteAsync(root.Folder.Join(relative.RequireFileName()), body, http.RequestAborted);
        return TypedResults.Content("", "application/json");
    }

    private static MlflowException TooLarge() => MlflowException.InvalidParameter("Artifact size is too large. Max size is 10MB.");

    private static string? FirstNonEmpty(Microsoft.Extensions.Primitives.StringValues values) =>
        values.Count > 0 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;

    private static async Task<MlflowException> MissingAsync(IArtifactStore store, ArtifactPath path, bool direct, CancellationToken ct) =>
        await store.GetInfoAsync(path, ct) is { IsDir: true } ? ArtifactResponses.IsFolder(path) : ArtifactResponses.NotFound(store, path, direct);
}
