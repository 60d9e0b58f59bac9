using Amazon.S3;
using Amazon.S3.Model;

namespace Sharpflow.Artifacts.S3;

/// <summary>
/// Presigned single-file URLs, as MLflow 3.11's S3ArtifactRepository makes them: a PutObject URL signed with the
/// file's Content-Type (so the client must send that header: it is part of the signature), and a GetObject URL
/// with the object's size from a HEAD first (the client splits its ranged GETs by it).
/// </summary>
public sealed partial class S3ArtifactStore
{
    // The SDK signs X-Amz-Expires as the expiry minus a signing time truncated to the second; an expiry on a whole
    // second keeps that equal to the lifetime asked for (boto3's ExpiresIn) instead of one second more.
    private static DateTime ExpiryAfter(TimeSpan lifetime)
    {
        var now = DateTime.UtcNow;
        return new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc) + lifetime;
    }

    /// <summary>Any S3 credential signs (SigV4 is computed locally), so every S3 store can.</summary>
    public bool CanSign => true;

    public Task<PresignedUpload> CreatePresignedUploadUrlAsync(ArtifactPath path, TimeSpan lifetime, CancellationToken ct = default) => Guard(async () =>
    {
        // The client will write without us: the same refusal of a file over a folder (or under a file) as our own writes.
        await EnsureWritableAsync(path, ct).ConfigureAwait(false);
        var contentType = ArtifactMimeTypes.GuessStandard(path.Text);
        var url = await _s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = Container, Key = KeyOf(path), Verb = HttpVerb.PUT, ContentType = contentType,
            Expires = ExpiryAfter(lifetime), Protocol = _settings.UrlProtocol,
        }).ConfigureAwait(false);
        return new PresignedUpload(url, new Dictionary<string, string> { ["Content-Type"] = contentType });
    });

    public Task<PresignedDownload?> GetPresignedDownloadUrlAsync(ArtifactPath path, TimeSpan lifetime, CancellationToken ct = default) => Guard(async () =>
    {
        var key = KeyOf(path);
        if (await HeadAsync(key, ct).ConfigureAwait(false) is not { } head) return null;
        var url = await _s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = Container, Key = key, Verb = HttpVerb.GET, Expires = ExpiryAfter(lifetime), Protocol = _settings.UrlProtocol,
        }).ConfigureAwait(false);
        return (PresignedDownload?)new PresignedDownload(url, new Dictionary<string, string>(), head.Size);
    });
}
