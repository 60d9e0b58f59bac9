using Sharpflow.Core.Errors;

namespace Sharpflow.Artifacts;

/// <summary>
/// A store that can hand out URLs signed with the server's credentials, so a client moves one file to or from the
/// store directly (MLflow 3.11's <c>PresignedUploadMixin</c> and <c>MultipartDownloadMixin</c>). MLflow 3.11 has them
/// for S3 only; Sharpflow also signs GCS V4 URLs and Azure SAS URLs, since MLflow's client only needs a URL that takes
/// a PUT of the whole file, or ranged GETs. A store whose credential cannot sign (GCS user credentials, Azure without an
/// account key) says so through <see cref="CanSign"/>, and the routes answer MLflow's NOT_IMPLEMENTED, on which the
/// client falls back to the proxy.
/// </summary>
public interface IPresignedUrlStore
{
    /// <summary>False when this store's credential cannot sign URLs.</summary>
    bool CanSign { get; }

    /// <summary>A URL that takes one PUT of the whole file at <paramref name="path"/>, with the headers the PUT must carry.</summary>
    Task<PresignedUpload> CreatePresignedUploadUrlAsync(ArtifactPath path, TimeSpan lifetime, CancellationToken ct = default);

    /// <summary>A URL that serves the file at <paramref name="path"/> (ranges too), with its size; null when there is no file.</summary>
    Task<PresignedDownload?> GetPresignedDownloadUrlAsync(ArtifactPath path, TimeSpan lifetime, CancellationToken ct = default);
}

/// <summary>A signed upload URL and the headers the client must send with its PUT (they are part of the signature).</summary>
public sealed record PresignedUpload(string Url, IReadOnlyDictionary<string, string> Headers);

/// <summary>A signed download URL, headers to send with each GET, and the file's size (the client splits ranges by it).</summary>
public sealed record PresignedDownload(string Url, IReadOnlyDictionary<string, string> Headers, long? FileSize);

/// <summary>MLflow's texts and limits for presigned URLs.</summary>
public static class PresignedUrls
{
    /// <summary>CreatePresignedUploadUrl's default lifetime (handlers.py: 900 s).</summary>
    public static readonly TimeSpan DefaultUploadLifetime = TimeSpan.FromSeconds(900);

    /// <summary>MLFLOW_PRESIGNED_DOWNLOAD_URL_TTL_SECONDS's default.</summary>
    public static readonly TimeSpan DefaultDownloadLifetime = TimeSpan.FromSeconds(300);

    /// <summary>The longest lifetime every store accepts: SigV4 and GCS V4 signatures are valid for at most 7 days.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(7);

    public const string UploadNotSupportedMessage = "Presigned upload is not supported for the current artifact repository";

    public const string DownloadNotSupportedMessage = "Multipart download is not supported for the current artifact repository";

    public static MlflowException UploadNotSupported() => new(ErrorCode.NOT_IMPLEMENTED, UploadNotSupportedMessage);

    public static MlflowException DownloadNotSupported() => new(ErrorCode.NOT_IMPLEMENTED, DownloadNotSupportedMessage);

    /// <summary>
    /// A lifetime in seconds as clients send it. MLflow passes any integer to boto3, which signs URLs that S3 then
    /// refuses (0, negative, over 7 days); refusing them here tells the caller why instead.
    /// </summary>
    public static TimeSpan Lifetime(long seconds, string name)
    {
        if (seconds < 1 || seconds > (long)MaxLifetime.TotalSeconds)
            throw MlflowException.InvalidParameter($"{name} must be between 1 and {(long)MaxLifetime.TotalSeconds} seconds (7 days), got {seconds}.");
        return TimeSpan.FromSeconds(seconds);
    }
}
