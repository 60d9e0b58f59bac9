using Azure.Storage.Sas;

namespace Sharpflow.Artifacts.AzureBlob;

/// <summary>
/// Presigned single-file URLs on Azure (beyond MLflow 3.11, whose Azure repository has none): blob SAS URLs signed with
/// the account key. The upload is one Put Blob, so the client must send <c>x-ms-blob-type: BlockBlob</c> (and the
/// Content-Type the blob should get); the download URL serves ranged GETs.
/// </summary>
public sealed partial class AzureBlobArtifactStore
{
    /// <summary>Only an account key (connection string or AZURE_STORAGE_ACCESS_KEY) signs a SAS here.</summary>
    public bool CanSign => _container.CanGenerateSasUri;

    public Task<PresignedUpload> CreatePresignedUploadUrlAsync(ArtifactPath path, TimeSpan lifetime, CancellationToken ct = default) => Guard(async () =>
    {
        if (!CanSign) throw PresignedUrls.UploadNotSupported();
        await EnsureWritableAsync(path, ct).ConfigureAwait(false);
        var sas = _container.GetBlobClient(KeyOf(path)).GenerateSasUri(BlobSasPermissions.Create | BlobSasPermissions.Write, DateTimeOffset.UtcNow + lifetime);
        return new PresignedUpload(sas.ToString(), new Dictionary<string, string>
        {
            ["x-ms-blob-type"] = "BlockBlob",
            ["Content-Type"] = ArtifactMimeTypes.GuessStandard(path.Text),
        });
    });

    public Task<PresignedDownload?> GetPresignedDownloadUrlAsync(ArtifactPath path, TimeSpan lifetime, CancellationToken ct = default) => Guard(async () =>
    {
        if (!CanSign) throw PresignedUrls.DownloadNotSupported();
        var key = KeyOf(path);
        if (await HeadAsync(key, ct).ConfigureAwait(false) is not { } head) return null;
        var sas = _container.GetBlobClient(key).GenerateSasUri(BlobSasPermissions.Read, DateTimeOffset.UtcNow + lifetime);
        return (PresignedDownload?)new PresignedDownload(sas.ToString(), new Dictionary<string, string>(), head.Size);
    });
}
