using System.Net;
using System.Net.Http.Headers;

namespace Sharpflow.Artifacts.Tests.Cloud;

/// <summary>
/// What a client does with presigned URLs, against a store: one PUT of the whole file with the returned headers
/// (sagemaker-mlflow's use of CreatePresignedUploadUrl), then ranged GETs of the download URL (MLflow's multipart
/// download). The bytes go through the URLs only; the store's own API just checks the result.
/// </summary>
public static class PresignedScenarios
{
    private static readonly HttpClient Http = new();

    /// <param name="expiryParameter">The URL parameter that carries the lifetime ("X-Amz-Expires"), or null when it is an end time.</param>
    public static async Task UploadAndDownloadAsync(IPresignedUrlStore presigned, IArtifactStore store, string? expiryParameter)
    {
        Assert.True(presigned.CanSign);
        var data = new byte[3 * 1024 * 1024 + 17];
        new Random(11).NextBytes(data);
        var path = ArtifactPath.Parse("presigned/model weights.json");

        var upload = await presigned.CreatePresignedUploadUrlAsync(path, TimeSpan.FromSeconds(600));
        if (expiryParameter is not null) // 600 asked; 599 when the clock crossed a second while signing
            Assert.Matches($"[?&]{expiryParameter}=(600|599)(&|$)", upload.Url);
        Assert.Equal("application/json", upload.Headers["Content-Type"]);
        using (var put = new HttpRequestMessage(HttpMethod.Put, upload.Url) { Content = new ByteArrayContent(data) })
        {
            foreach (var (name, value) in upload.Headers)
                if (!put.Headers.TryAddWithoutValidation(name, value)) put.Content.Headers.TryAddWithoutValidation(name, value);
            using var response = await Http.SendAsync(put);
            Assert.True(response.IsSuccessStatusCode, $"PUT to the presigned URL: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        Assert.Equal(new ArtifactEntry("model weights.json", false, data.Length), await store.GetInfoAsync(path));

        var download = await presigned.GetPresignedDownloadUrlAsync(path, TimeSpan.FromSeconds(300));
        Assert.NotNull(download);
        Assert.Equal(data.Length, download.FileSize);
        // Two ranges, as the client's chunked download asks for them (inclusive ends).
        var got = new byte[data.Length];
        foreach (var (from, to) in new[] { (0L, 1024L * 1024 - 1), (1024L * 1024, data.Length - 1L) })
        {
            using var get = new HttpRequestMessage(HttpMethod.Get, download.Url);
            foreach (var (name, value) in download.Headers) get.Headers.TryAddWithoutValidation(name, value);
            get.Headers.Range = new RangeHeaderValue(from, to);
            using var response = await Http.SendAsync(get);
            Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal(to - from + 1, bytes.Length);
            bytes.CopyTo(got, from);
        }
        Assert.True(data.AsSpan().SequenceEqual(got), "the bytes read through the download URL differ");

        Assert.Null(await presigned.GetPresignedDownloadUrlAsync(ArtifactPath.Parse("presigned/missing.bin"), TimeSpan.FromSeconds(60)));
        Assert.Null(await presigned.GetPresignedDownloadUrlAsync(ArtifactPath.Parse("presigned"), TimeSpan.FromSeconds(60))); // a folder
        // A presigned PUT must not be able to put a file over a folder, as the store's own writes cannot.
        await Assert.ThrowsAsync<Core.Errors.MlflowException>(() => presigned.CreatePresignedUploadUrlAsync(ArtifactPath.Parse("presigned"), TimeSpan.FromSeconds(60)));
    }
}
