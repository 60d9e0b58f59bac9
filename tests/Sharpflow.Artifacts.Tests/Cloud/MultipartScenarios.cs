using System.Net.Http.Headers;

namespace Sharpflow.Artifacts.Tests.Cloud;

/// <summary>What MLflow's client does with a multipart upload (http_artifact_repo._try_multipart_upload), against a store.</summary>
public static class MultipartScenarios
{
    private static readonly HttpClient Http = new();

    /// <summary>Three parts (S3's 5 MiB minimum for all but the last), PUT in parallel to the signed URLs, then completed.</summary>
    public static async Task UploadInPartsAsync(IMultipartUploadStore mpu, IArtifactStore store)
    {
        const int partSize = 5 * 1024 * 1024;
        var data = new byte[2 * partSize + 1234];
        new Random(7).NextBytes(data);
        var path = ArtifactPath.Parse("mpu/model.bin");
        var start = await mpu.CreateMultipartUploadAsync(path, 3);
        Assert.Equal([1L, 2L, 3L], start.Credentials.Select(c => c.PartNumber));

        var parts = await Task.WhenAll(start.Credentials.Select(async c =>
        {
            var offset = (int)(c.PartNumber - 1) * partSize;
            var content = new ByteArrayContent(data, offset, Math.Min(partSize, data.Length - offset));
            using var request = new HttpRequestMessage(HttpMethod.Put, c.Url) { Content = content };
            foreach (var (k, v) in c.Headers) request.Headers.TryAddWithoutValidation(k, v);
            using var response = await Http.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode, $"part {c.PartNumber}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return new MultipartUploadPart(c.PartNumber, response.Headers.ETag?.ToString() ?? "", c.Url);
        }));
        Assert.Null(await store.GetInfoAsync(path)); // nothing until completed
        await mpu.CompleteMultipartUploadAsync(path, start.UploadId, parts);

        Assert.Equal(new ArtifactEntry("model.bin", false, data.Length), await store.GetInfoAsync(path));
        await using var read = await store.OpenReadAsync(path);
        using var ms = new MemoryStream();
        await read!.Stream.CopyToAsync(ms);
        Assert.True(data.AsSpan().SequenceEqual(ms.ToArray()), "the assembled file differs from the parts");
    }
}
