using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sharpflow.Artifacts;
using Sharpflow.Core.Python;
using Sharpflow.Server.Http;

namespace Sharpflow.Server.Features.Artifacts;

/// <summary>
/// MLflow 3.11's proxy multipart upload (handlers.py <c>_create_multipart_upload_artifact</c> and friends):
/// <c>POST /mlflow-artifacts/mpu/create|complete|abort/&lt;artifact_path&gt;</c> with the client's local file path in
/// <c>path</c> (only its file name is used). The client PUTs each part to the signed URL it gets back, straight
/// to the store, so big uploads never cross the server. Served when --artifacts-destination is a store that
/// supports it (<see cref="IMultipartUploadStore"/>: S3, GCS, Azure); otherwise MLflow's NOT_IMPLEMENTED, on which
/// the client falls back to a plain PUT through the proxy.
/// </summary>
public static class MultipartEndpoints
{
    private static readonly string[] ApiBases = ["/api/2.0", "/ajax-api/2.0"];
    private static readonly string[] Post = ["POST"];

    private static readonly ProtoMessage Part = new(ProtoMessage.Int("part_number"), ProtoMessage.Str("etag"), ProtoMessage.Str("url"));
    private static readonly ProtoMessage Create = new(ProtoMessage.Str("path"), ProtoMessage.Int("num_parts"));
    private static readonly ProtoMessage Complete = new(ProtoMessage.Str("path"), ProtoMessage.Str("upload_id"), ProtoMessage.MsgList("parts", Part));
    private static readonly ProtoMessage Abort = new(ProtoMessage.Str("path"), ProtoMessage.Str("upload_id"));

    public static void MapMultipartUpload(this IEndpointRouteBuilder app)
    {
        foreach (var api in ApiBases)
        {
            app.MapMethods(api + "/mlflow-artifacts/mpu/create/{**artifact_path}", Post, (HttpContext http, ArtifactProxy proxy) => CreateAsync(http, proxy, api));
            app.MapMethods(api + "/mlflow-artifacts/mpu/complete/{**artifact_path}", Post, (HttpContext http, ArtifactProxy proxy) => CompleteAsync(http, proxy, api));
            app.MapMethods(api + "/mlflow-artifacts/mpu/abort/{**artifact_path}", Post, (HttpContext http, ArtifactProxy proxy) => AbortAsync(http, proxy, api));
        }
    }

    private static async Task<IResult> CreateAsync(HttpContext http, ArtifactProxy proxy, string api)
    {
        if (Early(http, proxy, api, "create") is { } early) return early;
        var r = (await ProtoRequest.ReadAsync(http, Create)).Check("path", Rule.Required, Rule.String).Check("num_parts", Rule.IntLike);
        var (store, path) = Target(http, proxy, api, "create", r);
        var numParts = r.GetInt64("num_parts") ?? 0;
        MultipartUpload.CheckPartCount(numParts);
        var start = await store.CreateMultipartUploadAsync(path, (int)numParts, http.RequestAborted);
        var credentials = start.Credentials
            .Select(c => new CredentialJson(c.Url, c.PartNumber, c.Headers.Count == 0 ? null : new Dictionary<string, string>(c.Headers)))
            .ToList();
        return Reply.Json(new CreateResponseJson(start.UploadId, credentials), MultipartJsonContext.Default.CreateResponseJson);
    }

    private static async Task<IResult> CompleteAsync(HttpContext http, ArtifactProxy proxy, string api)
    {
        if (Early(http, proxy, api, "complete") is { } early) return early;
        var r = (await ProtoRequest.ReadAsync(http, Complete)).Check("path", Rule.Required, Rule.String).Check("upload_id", Rule.String).Check("parts", Rule.Required);
        var (store, path) = Target(http, proxy, api, "complete", r);
        var parts = r.GetMessages("parts").Select(p => new MultipartUploadPart(p.Int64("part_number") ?? 0, NullIfEmpty(p.Str("etag")), NullIfEmpty(p.Str("url")))).ToList();
        await store.CompleteMultipartUploadAsync(path, NullIfEmpty(r.GetString("upload_id")), parts, http.RequestAborted);
        return Reply.Empty();
    }

    private static async Task<IResult> AbortAsync(HttpContext http, ArtifactProxy proxy, string api)
    {
        if (Early(http, proxy, api, "abort") is { } early) return early;
        var r = (await ProtoRequest.ReadAsync(http, Abort)).Check("path", Rule.Required, Rule.String).Check("upload_id", Rule.String);
        var (store, path) = Target(http, proxy, api, "abort", r);
        await store.AbortMultipartUploadAsync(path, NullIfEmpty(r.GetString("upload_id")), http.RequestAborted);
        return Reply.Empty();
    }

    private static IResult? Early(HttpContext http, ArtifactProxy proxy, string api, string verb)
    {
        if (ArtifactResponses.HasRepeatedSlashes(http)) return ArtifactResponses.MergeSlashes(http);
        if (!proxy.Serving) return ArtifactResponses.Disabled(http, $"{api}/mlflow-artifacts/mpu/{verb}/<path:artifact_path>");
        return null;
    }

    /// <summary>The destination store (when it takes multipart uploads) and the file: the route's folder plus the client file's name.</summary>
    private static (IMultipartUploadStore Store, ArtifactPath Path) Target(HttpContext http, ArtifactProxy proxy, string api, string verb, ProtoRequest r)
    {
        var prefix = $"{api}/mlflow-artifacts/mpu/{verb}/";
        var raw = http.Request.Path.Value ?? "";
        var folder = ArtifactPath.Parse(raw.StartsWith(prefix, StringComparison.Ordinal) ? raw[prefix.Length..] : "");
        if (proxy.Destination is not IMultipartUploadStore store) throw MultipartUpload.NotSupported();
        // os.path.basename of the client's local path; a Windows client's backslashes separate names too.
        var local = r.GetStringOrEmpty("path");
        var name = local[(local.LastIndexOfAny(['/', '\\']) + 1)..];
        var path = ArtifactPath.Parse(folder.IsRoot ? name : PyUrl.PosixJoin(folder.Text, name)).RequireFileName();
        return (store, path);
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}

public sealed record CredentialJson(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("part_number")] long PartNumber,
    [property: JsonPropertyName("headers")] Dictionary<string, string>? Headers);

/// <summary>CreateMultipartUpload.Response as MLflow writes it: int64 as numbers, unset upload_id and empty headers left out.</summary>
public sealed record CreateResponseJson(
    [property: JsonPropertyName("upload_id")] string? UploadId,
    [property: JsonPropertyName("credentials")] List<CredentialJson> Credentials);

/// <summary>The multipart routes' own source-generated JSON (kept apart from the shared context).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreateResponseJson))]
public sealed partial class MultipartJsonContext : JsonSerializerContext;
