using System.Net;
using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Sharpflow.Artifacts.Cloud;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Python;

namespace Sharpflow.Artifacts.S3;

/// <summary>
/// Artifacts in S3 (or an S3-compatible service) under <c>s3://bucket/prefix</c> (MLflow's S3ArtifactRepository).
/// Uploads are streamed by <see cref="PartUploader"/> (S3 multipart upload, a few parts in flight; one PutObject when
/// the body fits in a part), so memory stays a few parts whatever the file size; a failed upload is aborted and
/// leaves the previous object. Downloads stream the GetObject body, with ranged GETs.
/// Multipart uploads from clients get presigned UploadPart URLs, as MLflow's repository gives them; single files
/// presigned PutObject / GetObject URLs (S3Presigned.cs).
/// </summary>
public sealed partial class S3ArtifactStore : ObjectArtifactStore, IMultipartUploadStore, IPresignedUrlStore
{
    private readonly S3Settings _settings;
    private readonly IAmazonS3 _s3;

    // Parts are whole buffers, so a plain body (no aws-chunked framing, which S3-compatible services decode slowly
    // or not at all) signed with its SHA-256, or over HTTPS not signed at all: TLS already protects it, and
    // hashing every byte costs CPU on the proxy's path. Each body carries its CRC32 in a header, and multipart
    // uploads declare CRC32 as their checksum, as boto3 does by default (both off with
    // AWS_REQUEST_CHECKSUM_CALCULATION=when_required, boto3's switch too): the store checks every part against the
    // bytes this server read, and builds the object's checksum from the parts' (without a declared algorithm, S3 and
    // moto compute a CRC64 over the whole object at completion; moto took 12 s of its CPU for 2 GiB).
    private readonly bool _unsignedPayload;
    private readonly bool _checksums;

    public S3ArtifactStore(string uri, S3Settings settings, IAmazonS3? client = null)
        : this(uri, Parse(uri), settings, client)
    {
    }

    private S3ArtifactStore(string uri, (string Bucket, string Prefix) parsed, S3Settings settings, IAmazonS3? client)
        : base(uri, parsed.Bucket, parsed.Prefix)
    {
        _settings = settings;
        _s3 = client ?? settings.Client();
        _unsignedPayload = settings.UrlProtocol == Protocol.HTTPS;
        _checksums = settings.UploadChecksums;
    }

    private ChecksumAlgorithm? Algorithm => _checksums ? ChecksumAlgorithm.CRC32 : null;

    private string? Checksum(ReadOnlySpan<byte> body) => _checksums ? UploadChecksums.Crc32(body) : null;

    /// <summary>S3ArtifactRepository.parse_s3_compliant_uri: the netloc is the bucket, the path (no leading '/') the prefix.</summary>
    public static (string Bucket, string Prefix) Parse(string uri)
    {
        var parsed = PyUrl.UrlParse(uri);
        if (parsed.Scheme != "s3") throw MlflowException.InvalidParameter($"Not an S3 URI: {uri}");
        if (parsed.Netloc.Length == 0) throw MlflowException.InvalidParameter($"The S3 URI '{uri}' names no bucket (s3://bucket/path).");
        return (parsed.Netloc, parsed.Path.TrimStart('/'));
    }

    protected override async IAsyncEnumerable<ObjectPage> ListPagesAsync(string prefix, bool delimited, int? pageSize,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var request = new ListObjectsV2Request { BucketName = Container, Prefix = prefix, Delimiter = delimited ? "/" : null };
        if (pageSize is { } n) request.MaxKeys = n;
        while (true)
        {
            var page = await _s3.ListObjectsV2Async(request, ct).ConfigureAwait(false);
            // SDK v4 leaves empty collections null.
            var objects = (page.S3Objects ?? []).Select(o => new StoredObject(o.Key, o.Size ?? 0, o.LastModified)).ToList();
            yield return new ObjectPage(objects, (page.CommonPrefixes ?? []).ToList());
            if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken)) yield break;
            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    protected override async Task<StoredObject?> HeadAsync(string key, CancellationToken ct)
    {
        try
        {
            var meta = await _s3.GetObjectMetadataAsync(Container, key, ct).ConfigureAwait(false);
            return new StoredObject(key, meta.ContentLength, meta.LastModified);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
        {
            return null;
        }
    }

    protected override async Task<ArtifactContent?> OpenObjectAsync(string key, CancellationToken ct)
    {
        GetObjectResponse first;
        try
        {
            first = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = Container, Key = key }, ct).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
        {
            return null;
        }
        var stream = new RangedReadStream(first.ResponseStream, first.ContentLength, async (offset, token) =>
        {
            var r = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = Container, Key = key, ByteRange = new ByteRange($"bytes={offset}-") }, token)
                .ConfigureAwait(false);
            return r.ResponseStream;
        });
        return new ArtifactContent(stream, first.ContentLength, first.LastModified is { } t ? new DateTimeOffset(t.ToUniversalTime(), TimeSpan.Zero) : null);
    }

    protected override async Task UploadObjectAsync(string key, Stream content, string contentType, CancellationToken ct)
    {
        Task<string>? starting = null;
        try
        {
            var parts = await PartUploader.UploadAsync(content,
                (body, token) => _s3.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = Container, Key = key, ContentType = contentType, InputStream = PartUploader.AsStream(body),
                    UseChunkEncoding = false, DisablePayloadSigning = _unsignedPayload,
                    ChecksumAlgorithm = Algorithm, ChecksumCRC32 = Checksum(body.Span),
                }, token),
                async (number, body, token) =>
                {
                    // The first part starts the upload; the lambda runs synchronously up to its first await, in part
                    // order, so later parts find the same task.
                    var uploadId = await (starting ??= StartUploadAsync(key, contentType, ct)).ConfigureAwait(false);
                    var r = await _s3.UploadPartAsync(new UploadPartRequest
                    {
                        BucketName = Container, Key = key, UploadId = uploadId, PartNumber = number, PartSize = body.Length,
                        InputStream = PartUploader.AsStream(body), UseChunkEncoding = false, DisablePayloadSigning = _unsignedPayload,
                        ChecksumAlgorithm = Algorithm, ChecksumCRC32 = Checksum(body.Span),
                    }, token).ConfigureAwait(false);
                    // The store answers with the part's checksum when it keeps them; completing then has to repeat it.
                    return new PartETag(number, r.ETag) { ChecksumCRC32 = r.ChecksumCRC32 };
                },
                MultipartUpload.MaxParts, ct).ConfigureAwait(false);
            if (parts is null) return;
            await _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = Container, Key = key, UploadId = await starting!.ConfigureAwait(false), PartETags = parts.ToList(),
            }, ct).ConfigureAwait(false);
        }
        catch when (starting is not null)
        {
            // Uploaded parts cost storage until aborted; the previous object (if any) is untouched.
            try
            {
                await _s3.AbortMultipartUploadAsync(Container, key, await starting.ConfigureAwait(false), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // the upload never started, or the abort failed: S3 lifecycle rules clean up either way
            }
            throw;
        }
    }

    private async Task<string> StartUploadAsync(string key, string contentType, CancellationToken ct) =>
        (await _s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = Container, Key = key, ContentType = contentType, ChecksumAlgorithm = Algorithm,
        }, ct).ConfigureAwait(false)).UploadId;

    protected override async Task DeleteObjectsAsync(IReadOnlyList<string> keys, CancellationToken ct)
    {
        var r = await _s3.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = Container,
            Objects = keys.Select(k => new KeyVersion { Key = k }).ToList(),
        }, ct).ConfigureAwait(false);
        if (r.DeleteErrors is { Count: > 0 } errors)
            throw Failure(ErrorCode.INTERNAL_ERROR, $"could not delete {errors[0].Key}: {errors[0].Code} {errors[0].Message}");
    }

    protected override MlflowException? Translate(Exception error) => error switch
    {
        AmazonS3Exception e => Failure(e.ErrorCode switch
        {
            "AccessDenied" => ErrorCode.PERMISSION_DENIED,
            "NoSuchBucket" or "NoSuchKey" or "NoSuchUpload" => ErrorCode.RESOURCE_DOES_NOT_EXIST,
            "InvalidAccessKeyId" or "SignatureDoesNotMatch" => ErrorCode.UNAUTHENTICATED,
            "InvalidPart" or "InvalidPartOrder" or "EntityTooSmall" => ErrorCode.INVALID_PARAMETER_VALUE,
            _ => ErrorCode.INTERNAL_ERROR,
        }, $"{e.ErrorCode}: {e.Message}"),
        AmazonClientException e => Failure(ErrorCode.INTERNAL_ERROR, e.Message),
        _ => null,
    };

    // ---- multipart uploads by the client (presigned UploadPart URLs, as S3ArtifactRepository.create_multipart_upload) ----

    public Task<MultipartUploadStart> CreateMultipartUploadAsync(ArtifactPath path, int numParts, CancellationToken ct = default) => Guard(async () =>
    {
        MultipartUpload.CheckPartCount(numParts);
        await EnsureWritableAsync(path, ct).ConfigureAwait(false);
        var key = KeyOf(path);
        var created = await _s3.InitiateMultipartUploadAsync(
            new InitiateMultipartUploadRequest { BucketName = Container, Key = key, ContentType = ArtifactMimeTypes.Guess(path.Name) }, ct).ConfigureAwait(false);
        var credentials = new List<MultipartUploadCredential>(numParts);
        for (var i = 1; i <= numParts; i++)
        {
            var url = await _s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
            {
                BucketName = Container, Key = key, Verb = HttpVerb.PUT, UploadId = created.UploadId, PartNumber = i,
                Expires = DateTime.UtcNow + MultipartUpload.UrlLifetime, Protocol = _settings.UrlProtocol,
            }).ConfigureAwait(false);
            credentials.Add(new MultipartUploadCredential(url, i, new Dictionary<string, string>()));
        }
        return new MultipartUploadStart(created.UploadId, credentials);
    });

    public Task CompleteMultipartUploadAsync(ArtifactPath path, string? uploadId, IReadOnlyList<MultipartUploadPart> parts, CancellationToken ct = default) =>
        Guard(() => _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = Container, Key = KeyOf(path), UploadId = RequireUploadId(uploadId),
            PartETags = parts.Select(p => new PartETag((int)p.PartNumber, p.ETag)).ToList(),
        }, ct));

    public Task AbortMultipartUploadAsync(ArtifactPath path, string? uploadId, CancellationToken ct = default) =>
        Guard(() => _s3.AbortMultipartUploadAsync(Container, KeyOf(path), RequireUploadId(uploadId), ct));

    private static string RequireUploadId(string? uploadId) =>
        string.IsNullOrEmpty(uploadId) ? throw MlflowException.InvalidParameter("upload_id is required for an S3 multipart upload.") : uploadId;
}
