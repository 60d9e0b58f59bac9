namespace Sharpflow.Artifacts;

/// <summary>
/// A store that takes large uploads in parts sent by the client straight to the store (MLflow's
/// <c>MultipartUploadMixin</c>, used by <c>MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD</c>): the server only starts,
/// completes or aborts the upload, so no part passes through it (and Cloud Run's 32 MiB request cap does not apply).
/// Stores without it answer MLflow's "Multipart upload is not supported" and clients fall back to a plain PUT.
/// </summary>
public interface IMultipartUploadStore
{
    /// <summary>Starts an upload to <paramref name="path"/> and returns one signed URL per part (numbered from 1).</summary>
    Task<MultipartUploadStart> CreateMultipartUploadAsync(ArtifactPath path, int numParts, CancellationToken ct = default);

    /// <summary>Assembles the uploaded parts into the file at <paramref name="path"/>.</summary>
    Task CompleteMultipartUploadAsync(ArtifactPath path, string? uploadId, IReadOnlyList<MultipartUploadPart> parts, CancellationToken ct = default);

    /// <summary>Drops an unfinished upload and its parts.</summary>
    Task AbortMultipartUploadAsync(ArtifactPath path, string? uploadId, CancellationToken ct = default);
}

/// <summary>Where the client sends one part: a PUT of the part's bytes to <see cref="Url"/> with these headers.</summary>
public sealed record MultipartUploadCredential(string Url, long PartNumber, IReadOnlyDictionary<string, string> Headers);

/// <summary>A started upload: its id (null for stores that need none, as MLflow's Azure one) and the part URLs.</summary>
public sealed record MultipartUploadStart(string? UploadId, IReadOnlyList<MultipartUploadCredential> Credentials);

/// <summary>A part the client uploaded: its number, the ETag the store answered, and the URL it used.</summary>
public sealed record MultipartUploadPart(long PartNumber, string? ETag, string? Url);

/// <summary>MLflow's texts and limits for multipart uploads.</summary>
public static class MultipartUpload
{
    /// <summary>The message MLflow's client looks for to fall back to a single PUT (exceptions.py).</summary>
    public const string NotSupportedMessage = "Multipart upload is not supported for the current artifact repository";

    /// <summary>S3's and GCS's limit on part numbers.</summary>
    public const int MaxParts = 10_000;

    /// <summary>How long part URLs stay valid (MLflow signs GCS part URLs for 60 minutes).</summary>
    public static readonly TimeSpan UrlLifetime = TimeSpan.FromHours(1);

    public static Core.Errors.MlflowException NotSupported() => new(Core.Errors.ErrorCode.NOT_IMPLEMENTED, NotSupportedMessage);

    /// <summary>Checks a client's part count.</summary>
    public static void CheckPartCount(long numParts)
    {
        if (numParts < 1 || numParts > MaxParts)
            throw Core.Errors.MlflowException.InvalidParameter($"num_parts must be between 1 and {MaxParts}, got {numParts}.");
    }
}
