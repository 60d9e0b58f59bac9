using Amazon.S3;
using Amazon.S3.Model;
using Sharpflow.Artifacts.S3;

namespace Sharpflow.Artifacts.Tests.Cloud;

/// <summary>The store contract on moto's S3 server, under a fresh prefix per test, plus presigned multipart uploads.</summary>
[RequiresEmulator(Emulators.S3)]
public class S3ArtifactStoreTests : ArtifactStoreContract
{
    private const string Bucket = "sharpflow-tests";
    private readonly string _prefix = "t-" + Guid.NewGuid().ToString("N")[..12];

    // Any key works with moto; an explicit one keeps the SDK from looking for credentials elsewhere.
    internal static S3Settings Settings => new(Emulators.Require(Emulators.S3), IgnoreTls: false, AddressingStyle: null, Region: "us-east-1", "test", "test");

    internal static async Task EnsureBucketAsync(string bucket)
    {
        try
        {
            await Settings.Client().PutBucketAsync(bucket);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
        {
        }
    }

    protected override async Task<IArtifactStore> CreateEmptyStoreAsync()
    {
        await EnsureBucketAsync(Bucket);
        return new S3ArtifactStore($"s3://{Bucket}/{_prefix}/root", Settings);
    }

    protected override async Task DeleteStoreAsync()
    {
        var s3 = Settings.Client();
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, Prefix = _prefix + "/" });
        foreach (var o in listed.S3Objects ?? []) await s3.DeleteObjectAsync(Bucket, o.Key);
    }

    private readonly SemaphoreSlim _oneWriter = new(1, 1);

    /// <summary>
    /// moto 5.2 answers 500 when two PUTs of one key overlap (the replaced key's buffer is closed while the other
    /// request reads its ETag); S3 itself takes them, so only the writes are serialised here, readers still race them.
    /// </summary>
    protected override async Task<long> ConcurrentPutAsync(string path, byte[] bytes)
    {
        await _oneWriter.WaitAsync();
        try
        {
            return await PutAsync(path, bytes);
        }
        finally
        {
            _oneWriter.Release();
        }
    }

    [StoreFact]
    public Task Presigned_put_and_ranged_get_move_the_bytes() =>
        PresignedScenarios.UploadAndDownloadAsync((IPresignedUrlStore)Store, Store, "X-Amz-Expires");

    [StoreFact]
    public async Task Large_uploads_are_multipart_and_land_under_the_prefix()
    {
        await Store.WriteAsync(P("big/model.bin"), new PatternStream(3L * ObjectArtifactStorePartSize + 5));
        var head = await Settings.Client().GetObjectMetadataAsync(Bucket, $"{_prefix}/root/big/model.bin");
        Assert.Equal(3L * ObjectArtifactStorePartSize + 5, head.ContentLength);
        Assert.EndsWith("-4\"", head.ETag); // S3's ETag of a 4-part upload
    }

    private const int ObjectArtifactStorePartSize = Sharpflow.Artifacts.Cloud.ObjectArtifactStore.PartSize;

    [StoreFact]
    public async Task Uploads_carry_crc32_checksums_that_the_store_keeps_as_boto3s_do()
    {
        var s3 = Settings.Client();
        Task<GetObjectMetadataResponse> HeadAsync(string key) => s3.GetObjectMetadataAsync(new GetObjectMetadataRequest
        {
            BucketName = Bucket, Key = $"{_prefix}/root/{key}", ChecksumMode = ChecksumMode.ENABLED,
        });

        var small = "hello, checksum"u8.ToArray();
        await Store.WriteAsync(P("small.txt"), new MemoryStream(small));
        Assert.Equal(Sharpflow.Artifacts.Cloud.UploadChecksums.Crc32(small), (await HeadAsync("small.txt")).ChecksumCRC32);

        // A multipart upload declared CRC32: the object's checksum is S3's composite one, the CRC32 of the parts'
        // CRC32s, which the store can only build from checksums sent with every part.
        var data = new byte[2 * ObjectArtifactStorePartSize + 7];
        new Random(11).NextBytes(data);
        await Store.WriteAsync(P("big.bin"), new MemoryStream(data));
        var partChecksums = new List<byte>();
        for (var offset = 0; offset < data.Length; offset += ObjectArtifactStorePartSize)
        {
            var part = data.AsSpan(offset, Math.Min(ObjectArtifactStorePartSize, data.Length - offset));
            partChecksums.AddRange(Convert.FromBase64String(Sharpflow.Artifacts.Cloud.UploadChecksums.Crc32(part)));
        }
        var head = await HeadAsync("big.bin");
        Assert.Equal(Sharpflow.Artifacts.Cloud.UploadChecksums.Crc32(partChecksums.ToArray()), head.ChecksumCRC32.Split('-')[0]); // S3 adds "-3", moto not
    }

    [StoreFact]
    public async Task With_checksums_off_as_boto3s_when_required_uploads_carry_none()
    {
        var store = new S3ArtifactStore($"s3://{Bucket}/{_prefix}/root", Settings with { UploadChecksums = false });
        await store.WriteAsync(P("plain.txt"), new MemoryStream("no checksum"u8.ToArray()));
        var head = await Settings.Client().GetObjectMetadataAsync(new GetObjectMetadataRequest
        {
            BucketName = Bucket, Key = $"{_prefix}/root/plain.txt", ChecksumMode = ChecksumMode.ENABLED,
        });
        Assert.Null(head.ChecksumCRC32);
        Assert.Equal(11, head.ContentLength);
    }

    [StoreFact]
    public async Task A_missing_bucket_is_an_error_not_an_empty_store()
    {
        var store = new S3ArtifactStore($"s3://missing-{Guid.NewGuid():N}/x", Settings);
        var e = await Assert.ThrowsAsync<Core.Errors.MlflowException>(() => store.ListAsync(ArtifactPath.Root));
        Assert.Equal(Core.Errors.ErrorCode.RESOURCE_DOES_NOT_EXIST, e.Code);
        Assert.Contains("NoSuchBucket", e.Message);
        await Assert.ThrowsAsync<Core.Errors.MlflowException>(() => store.WriteAsync(P("a.txt"), new MemoryStream([1])));
    }

    [StoreFact]
    public Task Presigned_multipart_upload_assembles_the_parts() => MultipartScenarios.UploadInPartsAsync((IMultipartUploadStore)Store, Store);

    [StoreFact]
    public async Task An_aborted_multipart_upload_leaves_nothing()
    {
        var mpu = (IMultipartUploadStore)Store;
        var start = await mpu.CreateMultipartUploadAsync(P("aborted.bin"), 2);
        await mpu.AbortMultipartUploadAsync(P("aborted.bin"), start.UploadId);
        var uploads = await Settings.Client().ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = Bucket, Prefix = _prefix });
        Assert.Empty(uploads.MultipartUploads ?? []);
        Assert.Null(await Store.GetInfoAsync(P("aborted.bin")));
    }
}

/// <summary>S3 settings read from the environment (no emulator needed).</summary>
public class S3SettingsTests
{
    [Fact]
    public void Checksums_follow_aws_request_checksum_calculation()
    {
        var before = Environment.GetEnvironmentVariable("AWS_REQUEST_CHECKSUM_CALCULATION");
        try
        {
            Environment.SetEnvironmentVariable("AWS_REQUEST_CHECKSUM_CALCULATION", null);
            Assert.True(S3Settings.FromEnvironment().UploadChecksums);
            Environment.SetEnvironmentVariable("AWS_REQUEST_CHECKSUM_CALCULATION", "WHEN_REQUIRED");
            Assert.False(S3Settings.FromEnvironment().UploadChecksums);
            Environment.SetEnvironmentVariable("AWS_REQUEST_CHECKSUM_CALCULATION", "when_supported");
            Assert.True(S3Settings.FromEnvironment().UploadChecksums);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_REQUEST_CHECKSUM_CALCULATION", before);
        }
    }
}
