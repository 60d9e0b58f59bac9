using Azure.Storage.Blobs;
using Sharpflow.Artifacts.AzureBlob;

namespace Sharpflow.Artifacts.Tests.Cloud;

/// <summary>The store contract on azurite, under a fresh prefix per test, plus SAS block multipart uploads.</summary>
[RequiresEmulator(Emulators.Azure)]
public class AzureBlobArtifactStoreTests : ArtifactStoreContract
{
    private const string Container = "sharpflow-tests";
    private readonly string _prefix = "t-" + Guid.NewGuid().ToString("N")[..12];

    internal static AzureBlobSettings Settings => new(Emulators.Require(Emulators.Azure), null);

    internal static BlobContainerClient ContainerClient(string name) => new BlobServiceClient(Emulators.Require(Emulators.Azure)).GetBlobContainerClient(name);

    protected override async Task<IArtifactStore> CreateEmptyStoreAsync()
    {
        await ContainerClient(Container).CreateIfNotExistsAsync();
        return new AzureBlobArtifactStore($"wasbs://{Container}@devstoreaccount1.blob.core.windows.net/{_prefix}/root", Settings);
    }

    protected override async Task DeleteStoreAsync()
    {
        var container = ContainerClient(Container);
        await foreach (var b in container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = _prefix + "/" }))
            await container.DeleteBlobIfExistsAsync(b.Name);
    }

    [StoreFact]
    public async Task Blobs_land_under_the_prefix()
    {
        await PutAsync("1/r/artifacts/hello.txt", "hello");
        var props = await ContainerClient(Container).GetBlobClient($"{_prefix}/root/1/r/artifacts/hello.txt").GetPropertiesAsync();
        Assert.Equal(5, props.Value.ContentLength);
        Assert.Equal("text/plain", props.Value.ContentType);
    }

    [StoreFact]
    public Task Sas_block_multipart_upload_assembles_the_parts() => MultipartScenarios.UploadInPartsAsync((IMultipartUploadStore)Store, Store);

    [StoreFact]
    public Task Sas_put_and_ranged_get_move_the_bytes() =>
        PresignedScenarios.UploadAndDownloadAsync((IPresignedUrlStore)Store, Store, null);

    [StoreFact]
    public void Wasbs_uris_parse_as_mlflow_parses_them()
    {
        var u = AzureBlobArtifactStore.ParseUri("wasbs://c@acct.blob.core.chinacloudapi.cn/a/b");
        Assert.Equal(new AzureBlobArtifactStore.WasbsUri("c", "acct", "a/b", "blob.core.chinacloudapi.cn"), u);
        var e = Assert.Throws<Core.Errors.MlflowException>(() => AzureBlobArtifactStore.ParseUri("wasbs://c@acct.example.com/x"));
        Assert.StartsWith("WASBS URI must be of the form", e.Message);
    }
}
