using Google.Cloud.Storage.V1;

namespace Sharpflow.Artifacts.Gcs;

/// <summary>
/// Presigned single-file URLs on GCS (beyond MLflow 3.11, whose GCS repository has none): V4-signed XML-API URLs,
/// a PUT signed with the file's Content-Type (the client sends it back, as with S3) and a GET that serves ranges.
/// Signing needs what client-side multipart uploads need (a service-account key, or IAM signBlob on Cloud Run).
/// </summary>
public sealed partial class GcsArtifactStore
{
    public bool CanSign => _xmlApiBase is not null && _gcs.Signer is not null;

    public Task<PresignedUpload> CreatePresignedUploadUrlAsync(ArtifactPath path, TimeSpan lifetime, CancellationToken ct = default) => Guard(async () =>
    {
        var signer = RequireSigner(PresignedUrls.UploadNotSupported);
        await EnsureWritableAsync(path, ct).ConfigureAwait(false);
        var contentType = ArtifactMimeTypes.GuessStandard(path.Text);
        var template = UrlSigner.RequestTemplate.FromBucket(Container).WithObjectName(KeyOf(path)).WithHttpMethod(HttpMethod.Put)
            .WithContentHeaders(new Dictionary<string, IEnumerable<string>> { ["Content-Type"] = [contentType] });
        var url = await signer.SignAsync(template, SigningOptions(lifetime), ct).ConfigureAwait(false);
        return new PresignedUpload(url, new Dictionary<string, string> { ["Content-Type"] = contentType });
    });

    public Task<PresignedDownload?> GetPresignedDownloadUrlAsync(ArtifactPath path, TimeSpan lifetime, CancellationToken ct = default) => Guard(async () =>
    {
        var signer = RequireSigner(PresignedUrls.DownloadNotSupported);
        var key = KeyOf(path);
        if (await HeadAsync(key, ct).ConfigureAwait(false) is not { } head) return null;
        var template = UrlSigner.RequestTemplate.FromBucket(Container).WithObjectName(key).WithHttpMethod(HttpMethod.Get);
        var url = await signer.SignAsync(template, SigningOptions(lifetime), ct).ConfigureAwait(false);
        return (PresignedDownload?)new PresignedDownload(url, new Dictionary<string, string>(), head.Size);
    });

    private UrlSigner RequireSigner(Func<Core.Errors.MlflowException> notSupported) =>
        _xmlApiBase is not null && _gcs.Signer is { } signer ? signer : throw notSupported();
}
