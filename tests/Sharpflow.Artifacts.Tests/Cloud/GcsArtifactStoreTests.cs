using System.Net;
using Google;
using Google.Cloud.Storage.V1;
using Sharpflow.Artifacts.Gcs;

namespace Sharpflow.Artifacts.Tests.Cloud;

/// <summary>The store contract on the GCS JSON API emulator (the firebase-tools shim), under a fresh prefix per test.</summary>
[RequiresEmulator(Emulators.Gcs)]
public class GcsArtifactStoreTests : ArtifactStoreContract
{
    private const string Bucket = "sharpflow-tests";
    private static readonly SemaphoreSlim BucketLock = new(1, 1);
    private readonly string _prefix = "t-" + Guid.NewGuid().ToString("N")[..12];

    internal static GcsSettings Settings => new(Emulators.Require(Emulators.Gcs), XmlApiBase: null);

    internal static async Task EnsureBucketAsync(string bucket)
    {
        await BucketLock.WaitAsync();
        try
        {
            var client = Settings.Connect().Client;
            try
            {
                await client.GetBucketAsync(bucket);
            }
            catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.NotFound)
            {
                await client.CreateBucketAsync("demo-test", bucket);
            }
        }
        finally
        {
            BucketLock.Release();
        }
    }

    protected override async Task<IArtifactStore> CreateEmptyStoreAsync()
    {
        await EnsureBucketAsync(Bucket);
        return new GcsArtifactStore($"gs://{Bucket}/{_prefix}/root", Settings);
    }

    protected override async Task DeleteStoreAsync()
    {
        var client = Settings.Connect().Client;
        await foreach (var o in client.ListObjectsAsync(Bucket, _prefix + "/")) await client.DeleteObjectAsync(o);
    }

    [StoreFact]
    public async Task Objects_land_under_the_prefix_and_a_bucket_root_store_works_too()
    {
        await PutAsync("1/r/artifacts/hello.txt", "hello");
        var client = Settings.Connect().Client;
        var o = await client.GetObjectAsync(Bucket, $"{_prefix}/root/1/r/artifacts/hello.txt");
        Assert.Equal(5UL, o.Size);
        Assert.Equal("text/plain", o.ContentType);

        var bucket = "sf-bucket-" + Guid.NewGuid().ToString("N")[..8]; // "bucket" in the name: a missing object is still just missing
        await EnsureBucketAsync(bucket);
        var root = new GcsArtifactStore($"gs://{bucket}", Settings);
        Assert.Null(await root.OpenReadAsync(P("missing.txt")));
        await root.WriteAsync(P("a/b.txt"), new MemoryStream("x"u8.ToArray()));
        Assert.Equal([new ArtifactEntry("a", true, null)], await root.ListAsync(ArtifactPath.Root));
        Assert.True(await root.DeleteAsync(P("a")));
        Assert.Empty(await root.ListAsync(ArtifactPath.Root));
    }

    [StoreFact]
    public async Task Without_a_signing_credential_multipart_upload_is_not_supported()
    {
        var e = await Assert.ThrowsAsync<Core.Errors.MlflowException>(() => ((IMultipartUploadStore)Store).CreateMultipartUploadAsync(P("big.bin"), 3));
        Assert.Equal(MultipartUpload.NotSupportedMessage, e.Message);
        Assert.Equal(501, e.HttpStatus);
    }

    [StoreFact]
    public async Task An_upload_over_several_chunks_is_stored_with_the_crc32c_of_the_bytes_sent()
    {
        var data = new byte[Sharpflow.Artifacts.Cloud.ObjectArtifactStore.PartSize + 12345];
        new Random(7).NextBytes(data);
        await Store.WriteAsync(P("big.bin"), new MemoryStream(data));
        var o = await Settings.Connect().Client.GetObjectAsync(Bucket, $"{_prefix}/root/big.bin");
        var crc = Sharpflow.Artifacts.Cloud.UploadChecksums.NewCrc32c();
        crc.Append(data);
        Assert.Equal(Sharpflow.Artifacts.Cloud.UploadChecksums.Base64(crc.GetCurrentHashAsUInt32()), o.Crc32c);
        Assert.Equal((ulong)data.Length, o.Size);
    }

    [StoreFact]
    public async Task A_body_corrupted_on_the_way_to_the_store_fails_the_upload_and_leaves_no_object()
    {
        await EnsureBucketAsync(Bucket);
        var client = new StorageClientBuilder
        {
            BaseUri = Settings.EmulatorBaseUri, UnauthenticatedAccess = true, HttpClientFactory = new CorruptingHttpClientFactory(),
        }.Build();
        var store = new GcsArtifactStore($"gs://{Bucket}/{_prefix}/root", new GcsConnection(client, null), null);
        var e = await Assert.ThrowsAsync<Core.Errors.MlflowException>(() => store.WriteAsync(P("flipped.bin"), new MemoryStream(new byte[100_000])));
        Assert.Contains("corrupted", e.Message);
        Assert.Null(await Store.OpenReadAsync(P("flipped.bin")));
    }

    /// <summary>Flips the first byte of every upload chunk, as a faulty network or proxy on the way would.</summary>
    private sealed class CorruptingHttpClientFactory : Google.Apis.Http.HttpClientFactory
    {
        protected override HttpMessageHandler CreateHandler(Google.Apis.Http.CreateHttpClientArgs args) =>
            new Corrupting { InnerHandler = base.CreateHandler(args) };

        private sealed class Corrupting : DelegatingHandler
        {
            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
            {
                if (request.Method == HttpMethod.Put && request.Content is { } content && request.RequestUri!.AbsolutePath.Contains("/upload/"))
                {
                    var bytes = await content.ReadAsByteArrayAsync(ct);
                    if (bytes.Length > 0) bytes[0] ^= 0xFF;
                    var replaced = new ByteArrayContent(bytes);
                    foreach (var h in content.Headers) replaced.Headers.TryAddWithoutValidation(h.Key, h.Value);
                    request.Content = replaced;
                }
                return await base.SendAsync(request, ct);
            }
        }
    }
}
