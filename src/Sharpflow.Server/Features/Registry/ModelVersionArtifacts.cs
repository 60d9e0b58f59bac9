using Microsoft.AspNetCore.Http;
using Sharpflow.Artifacts;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Python;
using Sharpflow.Server.Features.Artifacts;
using Sharpflow.Store.Registry;
using Sharpflow.Store.Tracking;

namespace Sharpflow.Server.Features.Registry;

/// <summary>
/// Reading a model's files by registry or logged-model coordinates: GET /model-versions/get-artifact (what the UI and
/// models:/name/version downloads use) resolves the version's download URI to a store, as MLflow's artifact repositories do.
/// </summary>
public static class ModelVersionArtifacts
{
    public static async Task<IResult> Download(HttpContext http, RegistryStore registry, TrackingStore tracking, ArtifactProxy proxy)
    {
        var query = http.Request.Query;
        if (!query.TryGetValue("path", out var rawPath)) return ArtifactResponses.BadRequest();
        var relative = ArtifactPath.Parse(rawPath[0] ?? "");
        var uri = await registry.GetModelVersionDownloadUriAsync(query["name"].FirstOrDefault()!, query["version"].FirstOrDefault()!, http.RequestAborted);
        var root = await RootAsync(uri, tracking, proxy, http.RequestAborted);
        return await SendAsync(http, root, relative);
    }

    /// <summary>
    /// The store and folder behind an artifact URI: runs:/&lt;run&gt;/&lt;path&gt; is that folder of the run's artifacts
    /// (RunsArtifactRepository), proxied URIs read the --artifacts-destination, anything else the store its scheme names.
    /// </summary>
    public static async Task<RunArtifactRoot> RootAsync(string uri, TrackingStore tracking, ArtifactProxy proxy, CancellationToken ct)
    {
        var parsed = PyUrl.UrlParse(uri);
        if (parsed.Scheme != "runs") return proxy.ForRun(uri);
        var parts = parsed.Path.TrimStart('/').Split('/', 2);
        if (parts[0].Length == 0)
            throw MlflowException.InvalidParameter($"Not a proper runs:/ URI: {uri}. Runs URIs must be of the form 'runs:/<run_id>/run-relative/path/to/artifact'");
        var run = await tracking.GetRunAsync(parts[0], ct);
        var runRoot = proxy.ForRun(run.Info.ArtifactUri);
        return parts.Length == 1 || parts[1].Length == 0 ? runRoot : runRoot with { Folder = runRoot.Folder.Join(ArtifactPath.Parse(parts[1])) };
    }

    /// <summary>Streams one file (an attachment, as MLflow's _send_artifact); a folder or a missing file is an error.</summary>
    public static async Task<IResult> SendAsync(HttpContext http, RunArtifactRoot root, ArtifactPath relative)
    {
        var path = root.Folder.Join(relative);
        var content = await root.Store.OpenReadAsync(path, http.RequestAborted);
        if (content is not null) return ArtifactResponses.File(http, content, path.Name);
        throw await root.Store.GetInfoAsync(path, http.RequestAborted) is { IsDir: true }
            ? ArtifactResponses.IsFolder(path)
            : ArtifactResponses.NotFound(root.Store, path, direct: false);
    }
}
