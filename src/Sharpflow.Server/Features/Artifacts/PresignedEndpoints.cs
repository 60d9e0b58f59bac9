using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sharpflow.Artifacts;
using Sharpflow.Core.Errors;
using Sharpflow.Server.Http;
using Sharpflow.Store.Tracking;
using static Sharpflow.Server.Http.MlflowRoutes;

namespace Sharpflow.Server.Features.Artifacts;

/// <summary>
/// MLflow 3.11's presigned-URL routes. <c>POST /mlflow/artifacts/presigned-upload-url</c> (handlers.py
/// <c>_create_presigned_upload_url</c>, used by plugins such as sagemaker-mlflow) signs a PUT into a run's artifact
/// folder, for runs whose artifact_uri is a store, not the proxy. <c>GET /mlflow-artifacts/presigned/&lt;path&gt;</c>
/// (<c>_get_presigned_download_url</c>, the client's MLFLOW_ENABLE_PROXY_MULTIPART_DOWNLOAD) signs a GET under
/// --artifacts-destination, so the client downloads ranges from the store directly. Which stores sign is the
/// store's business (<see cref="IPresignedUrlStore"/>); the others answer MLflow's NOT_IMPLEMENTED, on which the
/// client falls back to the proxy.
/// </summary>
public static class PresignedEndpoints
{
    private static readonly string[] ApiBases = ["/api/2.0", "/ajax-api/2.0"];
    private const string DownloadRoute = "/mlflow-artifacts/presigned";

    private static readonly ProtoMessage CreateUpload = new(ProtoMessage.Str("run_id"), ProtoMessage.Str("path"), ProtoMessage.Int("expiration"));

    public static void MapPresignedUrls(this IEndpointRouteBuilder app)
    {
        app.MapRpc(Post, "/artifacts/presigned-upload-url", CreateUploadUrlAsync);
        foreach (var api in ApiBases)
            app.MapMethods(api + DownloadRoute + "/{**artifact_path}", Get, (HttpContext http, ArtifactProxy proxy) => DownloadUrlAsync(http, proxy, api));
    }

    private static async Task<IResult> CreateUploadUrlAsync(HttpContext http, TrackingStore tracking, ArtifactProxy proxy)
    {
        // MLflow's order: schema, the path's safety, then the run, its URI's scheme, the store.
        var r = (await ProtoRequest.ReadAsync(http, CreateUpload))
            .Check("run_id", Rule.Required, Rule.String).Check("path", Rule.Required, Rule.String).Check("expiration", Rule.IntLike);
        var relative = ArtifactPath.Parse(r.GetStringOrEmpty("path"));
        var lifetime = r.GetInt64("expiration") is { } seconds ? PresignedUrls.Lifetime(seconds, "expiration") : PresignedUrls.DefaultUploadLifetime;
        var run = await tracking.GetRunAsync(r.GetStringOrEmpty("run_id"), http.RequestAborted);
        var uri = run.Info.ArtifactUri ?? "";
        if (ArtifactStoreFactory.IsProxyUri(uri))
            throw MlflowException.InvalidParameter(
                "Presigned upload is not supported for runs with proxied artifact storage " +
                $"(artifact URI scheme: {ArtifactStoreFactory.Scheme(uri)}). " +
                "This endpoint requires a run with a direct cloud storage artifact URI.");
        var root = proxy.ForRun(uri);
        if (root.Store is not IPresignedUrlStore { CanSign: true } store) throw PresignedUrls.UploadNotSupported();
        var signed = await store.CreatePresignedUploadUrlAsync(root.Folder.Join(relative).RequireFileName(), lifetime, http.RequestAborted);
        return Reply.Json(new PresignedUploadJson(signed.Url, signed.Headers.Count == 0 ? null : new Dictionary<string, string>(signed.Headers)),
            PresignedJsonContext.Default.PresignedUploadJson);
    }

    private static async Task<IResult> DownloadUrlAsync(HttpContext http, ArtifactProxy proxy, string api)
    {
        if (ArtifactResponses.HasRepeatedSlashes(http)) return ArtifactResponses.MergeSlashes(http);
        if (!proxy.Serving) return ArtifactResponses.Disabled(http, $"{api}{DownloadRoute}/<path:artifact_path>");
        var raw = http.Request.Path.Value ?? "";
        var prefix = api + DownloadRoute + "/";
        if (!raw.StartsWith(prefix, StringComparison.Ordinal) || raw.Length == prefix.Length) return TypedResults.NotFound();
        var path = ArtifactPath.Parse(raw[prefix.Length..]);
        var destination = proxy.Destination;
        if (destination is not IPresignedUrlStore { CanSign: true } store) throw PresignedUrls.DownloadNotSupported();
        // MLflow's S3 repository answers a missing key with a 500 carrying S3's "Not Found"; a 404 says what happened,
        // and MLflow's client treats it like a server without presigned downloads: it falls back to the proxy, which
        // then reports the missing file in MLflow's words.
        var signed = await store.GetPresignedDownloadUrlAsync(path, proxy.PresignedDownloadLifetime, http.RequestAborted)
                     ?? throw (await destination.GetInfoAsync(path, http.RequestAborted) is { IsDir: true }
                         ? ArtifactResponses.IsFolder(path) : ArtifactResponses.NotFound(destination, path, direct: false));
        return Reply.Json(new PresignedDownloadJson(signed.Url, new Dictionary<string, string>(signed.Headers), signed.FileSize),
            PresignedJsonContext.Default.PresignedDownloadJson);
    }
}

/// <summary>CreatePresignedUploadUrl.Response as MLflow's message_to_json writes it (an empty map is left out).</summary>
public sealed record PresignedUploadJson(
    [property: JsonPropertyName("presigned_url")] string PresignedUrl,
    [property: JsonPropertyName("headers")] Dictionary<string, string>? Headers);

/// <summary>PresignedDownloadUrlResponse.to_dict(): headers always present, file_size only when known.</summary>
public sealed record PresignedDownloadJson(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("headers")] Dictionary<string, string> Headers,
    [property: JsonPropertyName("file_size")] long? FileSize);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PresignedUploadJson))]
[JsonSerializable(typeof(PresignedDownloadJson))]
public sealed partial class PresignedJsonContext : JsonSerializerContext;
