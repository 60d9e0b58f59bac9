using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Google;
using Google.Cloud.Storage.V1;
using Sharpflow.Artifacts.Cloud;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Python;

namespace Sharpflow.Artifacts.Gcs;

/// <summary>
/// Artifacts in Google Cloud Storage under <c>gs://bucket/prefix</c> (MLflow's GCSArtifactRepository).
/// Uploads use the client's resumable upload in <see cref="ObjectArtifactStore.PartSize"/> chunks read from the
/// request body, so memory is one chunk and an interrupted upload never replaces the previous object. Downloads
/// are media GETs on the client's authorised HTTP channel, streamed, with Range for ranged reads (the client's
/// own download API writes into a stream instead of handing one out). Client-side multipart uploads use GCS's XML
/// multipart API with V4-signed part URLs, as MLflow does (GcsMultipart.cs); single files V4-signed URLs (GcsPresigned.cs).
/// </summary>
public sealed partial class GcsArtifactStore : ObjectArtifactStore, IMultipartUploadStore, IPresignedUrlStore
{
    private readonly GcsConnection _gcs;
    private readonly string? _xmlApiBase;

    public GcsArtifactStore(string uri, GcsSettings settings) : this(uri, settings.Connect(), settings.XmlApiBase)
    {
    }

    public GcsArtifactStore(string uri, GcsConnection connection, string? xmlApiBase) : this(uri, Parse(uri), connection, xmlApiBase)
    {
    }

    private GcsArtifactStore(string uri, (string Bucket, string Prefix) parsed, GcsConnection connection, string? xmlApiBase)
        : base(uri, parsed.Bucket, parsed.Prefix)
    {
        _gcs = connection;
        _xmlApiBase = xmlApiBase?.TrimEnd('/');
    }

    private StorageClient Client => _gcs.Client;

    /// <summary>GCSArtifactRepository.parse_gcs_uri: the netloc is the bucket, the path (no leading '/') the prefix.</summary>
    public static (string Bucket, string Prefix) Parse(string uri)
    {
        var parsed = PyUrl.UrlParse(uri);
        if (parsed.Scheme != "gs") throw MlflowException.InvalidParameter($"Not a GCS URI: {uri}");
        if (parsed.Netloc.Length == 0) throw MlflowException.InvalidParameter($"The GCS URI '{uri}' names no bucket (gs://bucket/path).");
        return (parsed.Netloc, parsed.Path.TrimStart('/'));
    }

    protected override async IAsyncEnumerable<ObjectPage> ListPagesAsync(string prefix, bool delimited, int? pageSize,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var options = new ListObjectsOptions { Delimiter = delimited ? "/" : null, PageSize = pageSize };
        await foreach (var page in Client.ListObjectsAsync(Container, prefix, options).AsRawResponses().WithCancellation(ct).ConfigureAwait(false))
        {
            var objects = (page.Items ?? []).Select(o => new StoredObject(o.Name, (long)(o.Size ?? 0), o.UpdatedDateTimeOffset)).ToList();
            yield return new ObjectPage(objects, page.Prefixes?.ToList() ?? []);
        }
    }

    protected override async Task<StoredObject?> HeadAsync(string key, CancellationToken ct)
    {
        try
        {
            var o = await Client.GetObjectAsync(Container, key, cancellationToken: ct).ConfigureAwait(false);
            return new StoredObject(o.Name, (long)(o.Size ?? 0), o.UpdatedDateTimeOffset);
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.NotFound && !IsBucketMissing(e))
        {
            return null;
        }
    }

    protected override async Task<ArtifactContent?> OpenObjectAsync(string key, CancellationToken ct)
    {
        var first = await GetMediaAsync(key, 0, ct).ConfigureAwait(false);
        if (first is null) return null;
        var length = first.Content.Headers.ContentLength
                     ?? throw Failure(ErrorCode.INTERNAL_ERROR, $"no Content-Length for {key}");
        var body = await first.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var stream = new RangedReadStream(body, length, async (offset, token) =>
        {
            var r = await GetMediaAsync(key, offset, token).ConfigureAwait(false)
                    ?? throw new IOException($"{key} disappeared during the download.");
            return await r.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
        });
        return new ArtifactContent(stream, length, first.Content.Headers.LastModified);
    }

    /// <summary>GET ...?alt=media from an offset; null when the object is not there.</summary>
    private async Task<HttpResponseMessage?> GetMediaAsync(string key, long offset, CancellationToken ct)
    {
        var url = $"{Client.Service.BaseUri}b/{Uri.EscapeDataString(Container)}/o/{Uri.EscapeDataString(key)}?alt=media";
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (offset > 0) request.Headers.Range = new RangeHeaderValue(offset, null);
        // Identity encoding: the bytes as stored, so Content-Length is the object's size.
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("identity"));
        var response = await Client.Service.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound && !text.Contains(BucketMissingText, StringComparison.OrdinalIgnoreCase)) return null;
            throw new GoogleApiException("storage", $"{(int)response.StatusCode} {response.ReasonPhrase}: {text}") { HttpStatusCode = response.StatusCode };
        }
    }

    protected override async Task UploadObjectAsync(string key, Stream content, string contentType, CancellationToken ct)
    {
        var target = new Google.Apis.Storage.v1.Data.Object { Bucket = Container, Name = key, ContentType = contentType };
        // The upload is checked as the client's default validation does (the object's CRC32C against the bytes sent;
        // on a mismatch the object is deleted and the upload fails), but hashed here as the bytes go by, with a
        // vectorised CRC32C: the client's own hashing was most of the server's CPU on the proxy's upload path.
        var crc = UploadChecksums.NewCrc32c();
        var uploaded = await Client.UploadObjectAsync(target, new HashingReadStream(content, crc),
            new UploadObjectOptions { ChunkSize = PartSize, UploadValidationMode = UploadValidationMode.None }, ct).ConfigureAwait(false);
        var sent = UploadChecksums.Base64(crc.GetCurrentHashAsUInt32());
        if (uploaded.Crc32c is { } stored && stored != sent)
        {
            try
            {
                await Client.DeleteObjectAsync(uploaded, new DeleteObjectOptions { IfGenerationMatch = uploaded.Generation }, CancellationToken.None)
                    .ConfigureAwait(false);
            }
            catch (GoogleApiException)
            {
                // replaced or removed meanwhile: nothing of ours to clean up
            }
            throw Failure(ErrorCode.INTERNAL_ERROR, $"The upload of {key} arrived corrupted (CRC32C {stored}, sent {sent}); it was deleted.");
        }
    }


    protected override async Task DeleteObjectsAsync(IReadOnlyList<string> keys, CancellationToken ct)
    {
        // The JSON API deletes one object per call; a few at a time keeps big folders quick.
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (key, token) =>
        {
            try
            {
                await Client.DeleteObjectAsync(Container, key, cancellationToken: token).ConfigureAwait(false);
            }
            catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.NotFound)
            {
            }
        }).ConfigureAwait(false);
    }

    // GCS says "The specified bucket does not exist." for a missing bucket and "No such object: ..." for an object.
    private const string BucketMissingText = "bucket does not exist";

    private static bool IsBucketMissing(GoogleApiException e) =>
        (e.Error?.Message ?? e.Message).Contains(BucketMissingText, StringComparison.OrdinalIgnoreCase);

    protected override MlflowException? Translate(Exception error) => error switch
    {
        GoogleApiException e => Failure(e.HttpStatusCode switch
        {
            HttpStatusCode.Forbidden => ErrorCode.PERMISSION_DENIED,
            HttpStatusCode.Unauthorized => ErrorCode.UNAUTHENTICATED,
            HttpStatusCode.NotFound => ErrorCode.RESOURCE_DOES_NOT_EXIST,
            HttpStatusCode.BadRequest => ErrorCode.INVALID_PARAMETER_VALUE,
            _ => ErrorCode.INTERNAL_ERROR,
        }, e.Error?.Message ?? e.Message),
        HttpRequestException e => Failure(ErrorCode.INTERNAL_ERROR, e.Message),
        _ => null,
    };
}
