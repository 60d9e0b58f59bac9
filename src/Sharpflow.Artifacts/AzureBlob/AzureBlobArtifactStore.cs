using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Sas;
using Sharpflow.Artifacts.Cloud;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Python;

namespace Sharpflow.Artifacts.AzureBlob;

/// <summary>
/// Artifacts in Azure Blob Storage under <c>wasbs://container@account.blob.core.windows.net/prefix</c> (MLflow's
/// AzureBlobArtifactRepository). Uploads are streamed by <see cref="PartUploader"/> as staged blocks committed at the
/// end (one Put Blob when the body fits in a part), so a failed upload leaves the previous blob; downloads stream
/// ranged GETs. Client-side multipart uploads get SAS Put Block URLs and a
/// Put Block List on completion, as MLflow does, when the credential is an account key (it signs the SAS); single
/// files SAS URLs (AzurePresigned.cs). Credentials: <see cref="AzureBlobSettings"/>.
/// </summary>
public sealed partial class AzureBlobArtifactStore : ObjectArtifactStore, IMultipartUploadStore, IPresignedUrlStore
{
    private readonly BlobContainerClient _container;

    public AzureBlobArtifactStore(string uri, AzureBlobSettings settings) : this(uri, ParseUri(uri), settings)
    {
    }

    private AzureBlobArtifactStore(string uri, WasbsUri parsed, AzureBlobSettings settings) : base(uri, parsed.Container, parsed.Path)
    {
        _container = settings.Client(parsed.Account, parsed.EndpointSuffix).GetBlobContainerClient(parsed.Container);
    }

    public sealed record WasbsUri(string Container, string Account, string Path, string EndpointSuffix);

    [GeneratedRegex(@"^([^@]+)@([^.]+)\.(blob\.core\.(windows\.net|chinacloudapi\.cn|usgovcloudapi\.net))$", RegexOptions.CultureInvariant)]
    private static partial Regex Netloc();

    /// <summary>AzureBlobArtifactRepository.parse_wasbs_uri, with its messages.</summary>
    public static WasbsUri ParseUri(string uri)
    {
        var parsed = PyUrl.UrlParse(uri);
        if (parsed.Scheme != "wasbs") throw MlflowException.InvalidParameter($"Not a WASBS URI: {uri}");
        var m = Netloc().Match(parsed.Netloc);
        if (!m.Success)
            throw MlflowException.InvalidParameter(
                "WASBS URI must be of the form <container>@<account>.blob.core.windows.net or <container>@<account>.blob.core.chinacloudapi.cn " +
                "or <container>@<account>.blob.core.usgovcloudapi.net");
        return new WasbsUri(m.Groups[1].Value, m.Groups[2].Value, parsed.Path.TrimStart('/'), m.Groups[3].Value);
    }

    protected override async IAsyncEnumerable<ObjectPage> ListPagesAsync(string prefix, bool delimited, int? pageSize,
        [EnumeratorCancellation] CancellationToken ct)
    {
        if (delimited)
        {
            var pages = _container.GetBlobsByHierarchyAsync(new GetBlobsByHierarchyOptions { Prefix = prefix, Delimiter = "/" }, ct).AsPages(pageSizeHint: pageSize);
            await foreach (var page in pages.ConfigureAwait(false))
            {
                var objects = page.Values.Where(i => i.IsBlob).Select(i => ToObject(i.Blob)).ToList();
                yield return new ObjectPage(objects, page.Values.Where(i => i.IsPrefix).Select(i => i.Prefix).ToList());
            }
        }
        else
        {
            await foreach (var page in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, ct).AsPages(pageSizeHint: pageSize).ConfigureAwait(false))
                yield return new ObjectPage(page.Values.Select(ToObject).ToList(), []);
        }
    }

    private static StoredObject ToObject(BlobItem b) => new(b.Name, b.Properties.ContentLength ?? 0, b.Properties.LastModified);

    protected override async Task<StoredObject?> HeadAsync(string key, CancellationToken ct)
    {
        try
        {
            var p = await _container.GetBlobClient(key).GetPropertiesAsync(cancellationToken: ct).ConfigureAwait(false);
            return new StoredObject(key, p.Value.ContentLength, p.Value.LastModified);
        }
        catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode != "ContainerNotFound")
        {
            return null;
        }
    }

    protected override async Task<ArtifactContent?> OpenObjectAsync(string key, CancellationToken ct)
    {
        var blob = _container.GetBlobClient(key);
        BlobDownloadStreamingResult first;
        try
        {
            first = (await blob.DownloadStreamingAsync(cancellationToken: ct).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode != "ContainerNotFound")
        {
            return null;
        }
        var length = first.Details.ContentLength;
        var stream = new RangedReadStream(first.Content, length, async (offset, token) =>
        {
            var r = await blob.DownloadStreamingAsync(new BlobDownloadOptions { Range = new HttpRange(offset) }, token).ConfigureAwait(false);
            return r.Value.Content;
        });
        return new ArtifactContent(stream, length, first.Details.LastModified);
    }

    protected override async Task UploadObjectAsync(string key, Stream content, string contentType, CancellationToken ct)
    {
        var blob = _container.GetBlockBlobClient(key);
        var headers = new BlobHttpHeaders { ContentType = contentType };
        var nonce = Guid.NewGuid().ToString("N");
        var blocks = await PartUploader.UploadAsync(content,
            (body, token) => blob.UploadAsync(PartUploader.AsStream(body), new BlobUploadOptions { HttpHeaders = headers }, token),
            async (number, body, token) =>
            {
                var id = BlockId(nonce, number);
                await blob.StageBlockAsync(id, PartUploader.AsStream(body), cancellationToken: token).ConfigureAwait(false);
                return id;
            },
            50_000, ct).ConfigureAwait(false);
        // Staged blocks stay invisible until committed, so a failed upload leaves the previous blob.
        if (blocks is not null)
            await blob.CommitBlockListAsync(blocks, new CommitBlockListOptions { HttpHeaders = headers }, ct).ConfigureAwait(false);
    }

    protected override async Task DeleteObjectsAsync(IReadOnlyList<string> keys, CancellationToken ct)
    {
        // Blob batches need another package; single deletes, a few at a time, are enough for artifact folders.
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (key, token) =>
            await _container.GetBlobClient(key).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: token).ConfigureAwait(false))
            .ConfigureAwait(false);
    }

    protected override MlflowException? Translate(Exception error) => error switch
    {
        RequestFailedException e => Failure(e.Status switch
        {
            403 => ErrorCode.PERMISSION_DENIED,
            401 => ErrorCode.UNAUTHENTICATED,
            404 => ErrorCode.RESOURCE_DOES_NOT_EXIST,
            400 => ErrorCode.INVALID_PARAMETER_VALUE,
            _ => ErrorCode.INTERNAL_ERROR,
        }, $"{e.ErrorCode}: {FirstLine(e.Message)}"),
        // DefaultAzureCredential found no identity, or the identity was refused a token.
        Azure.Identity.AuthenticationFailedException e => Failure(ErrorCode.UNAUTHENTICATED, FirstLine(e.Message)),
        _ => null,
    };

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    // ---- multipart uploads by the client: SAS Put Block URLs (AzureBlobArtifactRepository.create_multipart_upload) ----

    public Task<MultipartUploadStart> CreateMultipartUploadAsync(ArtifactPath path, int numParts, CancellationToken ct = default) => Guard(async () =>
    {
        MultipartUpload.CheckPartCount(numParts);
        var blob = _container.GetBlobClient(KeyOf(path));
        if (!blob.CanGenerateSasUri) throw MultipartUpload.NotSupported();
        await EnsureWritableAsync(path, ct).ConfigureAwait(false);
        // MLflow names blocks "mlflow_block_<n>"; Azure wants every block id of a blob the same length, and a
        // per-upload nonce keeps two concurrent uploads of one file from mixing blocks, hence the upload id.
        var uploadId = Guid.NewGuid().ToString("N");
        var sas = blob.GenerateSasUri(BlobSasPermissions.Read | BlobSasPermissions.Write, DateTimeOffset.UtcNow + MultipartUpload.UrlLifetime);
        var credentials = Enumerable.Range(1, numParts).Select(i =>
            new MultipartUploadCredential($"{sas}&comp=block&blockid={Uri.EscapeDataString(BlockId(uploadId, i))}", i, new Dictionary<string, string>()))
            .ToList();
        return new MultipartUploadStart(uploadId, credentials);
    });

    public Task CompleteMultipartUploadAsync(ArtifactPath path, string? uploadId, IReadOnlyList<MultipartUploadPart> parts, CancellationToken ct = default) =>
        Guard(async () =>
        {
            if (string.IsNullOrEmpty(uploadId)) throw MlflowException.InvalidParameter("upload_id is required for an Azure multipart upload.");
            var blocks = parts.OrderBy(p => p.PartNumber).Select(p => BlockId(uploadId, p.PartNumber));
            await _container.GetBlockBlobClient(KeyOf(path)).CommitBlockListAsync(blocks, new CommitBlockListOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = ArtifactMimeTypes.Guess(path.Name) },
            }, ct).ConfigureAwait(false);
        });

    /// <summary>Uncommitted blocks cannot be deleted; Azure drops them after 7 days (MLflow's abort does nothing either).</summary>
    public Task AbortMultipartUploadAsync(ArtifactPath path, string? uploadId, CancellationToken ct = default) => Task.CompletedTask;

    private static string BlockId(string uploadId, long part) => Convert.ToBase64String(Encoding.ASCII.GetBytes($"{uploadId}-{part:D5}"));
}
