using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Sharpflow.Artifacts;
using static Sharpflow.Http.Tests.Artifacts.ArtifactApi;

namespace Sharpflow.Http.Tests.Artifacts.Cloud;

/// <summary>
/// The artifact proxy with each cloud store as --artifacts-destination, talking HTTP as the MLflow client does:
/// uploads, listings, downloads (whole and ranged), overwrite, delete, errors, run routes, and a 100 MB file
/// streamed both ways with identical bytes.
/// </summary>
public class CloudProxyTests
{
    internal static async Task<(ArtifactServer Server, string Destination)> StartAsync(CloudStore store)
    {
        var destination = await CloudStores.NewDestinationAsync(store);
        var server = await ArtifactServer.StartAsync(o =>
        {
            o.ArtifactsDestination = destination;
            o.CloudStores = CloudStores.Settings(store);
        });
        return (server, destination);
    }

    [EmulatorFact(CloudStore.Gcs)]
    public Task Gcs_proxy_round_trip() => RoundTripAsync(CloudStore.Gcs);

    [EmulatorFact(CloudStore.S3)]
    public Task S3_proxy_round_trip() => RoundTripAsync(CloudStore.S3);

    [EmulatorFact(CloudStore.Azure)]
    public Task Azure_proxy_round_trip() => RoundTripAsync(CloudStore.Azure);

    [EmulatorFact(CloudStore.Gcs)]
    public Task Gcs_proxy_streams_100_MB() => LargeFileAsync(CloudStore.Gcs);

    [EmulatorFact(CloudStore.S3)]
    public Task S3_proxy_streams_100_MB() => LargeFileAsync(CloudStore.S3);

    [EmulatorFact(CloudStore.Azure)]
    public Task Azure_proxy_streams_100_MB() => LargeFileAsync(CloudStore.Azure);

    [Fact]
    public async Task Local_proxy_streams_100_MB()
    {
        await using var a = await ArtifactServer.StartAsync();
        await AssertLargeRoundTripAsync(a.Server, 100L * 1024 * 1024 + 17);
    }

    private static async Task RoundTripAsync(CloudStore kind)
    {
        var (a, destination) = await StartAsync(kind);
        await using var _ = a;
        var s = a.Server;
        Assert.Equal(HttpStatusCode.OK, (await s.PutTextAsync($"{Proxy}/1/r/artifacts/hello.txt", "hello artifact\n")).StatusCode);
        await s.PutAsync($"{Proxy}/1/r/artifacts/bundle/nested/deeper/d.bin", [0, 1, 2, 98, 105, 110]);
        await s.PutTextAsync($"{Proxy}/1/r/artifacts/odd%20names/file%20with%20space%20%C3%A9.txt", "unicode é中\n");

        Assert.Equal(["1/"], await s.ListProxyAsync(null));
        Assert.Equal(["bundle/", "hello.txt:15", "odd names/"], await s.ListProxyAsync("1/r/artifacts"));
        Assert.Equal(["nested/"], await s.ListProxyAsync("1/r/artifacts/bundle"));
        Assert.Equal(["file with space é.txt:14"], await s.ListProxyAsync("1/r/artifacts/odd names"));
        Assert.Empty(await s.ListProxyAsync("1/r/artifacts/hello.txt"));
        Assert.Empty(await s.ListProxyAsync("1/r/artifacts/does-not-exist"));

        // The bytes are in the bucket, under the destination's prefix.
        var store = CloudStores.Open(kind, destination);
        Assert.Equal(new ArtifactEntry("hello.txt", false, 15), await store.GetInfoAsync(ArtifactPath.Parse("1/r/artifacts/hello.txt")));

        var res = await s.Client.GetAsync($"{Proxy}/1/r/artifacts/hello.txt");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal("text/plain", res.Content.Headers.ContentType!.ToString());
        Assert.Equal(15, res.Content.Headers.ContentLength);
        Assert.Equal("hello artifact\n", await res.Content.ReadAsStringAsync());
        Assert.Equal("unicode é中\n", await s.Client.GetStringAsync($"{Proxy}/1/r/artifacts/odd%20names/file%20with%20space%20%C3%A9.txt"));

        using (var ranged = new HttpRequestMessage(HttpMethod.Get, $"{Proxy}/1/r/artifacts/hello.txt"))
        {
            ranged.Headers.Range = new RangeHeaderValue(6, 13);
            res = await s.Client.SendAsync(ranged);
            Assert.Equal(HttpStatusCode.PartialContent, res.StatusCode);
            Assert.Equal("artifact", await res.Content.ReadAsStringAsync());
        }

        await s.PutAsync($"{Proxy}/1/r/artifacts/hello.txt", "overwritten"u8.ToArray());
        Assert.Equal("overwritten", await s.Client.GetStringAsync($"{Proxy}/1/r/artifacts/hello.txt"));

        var (status, body) = await s.GetAsync($"{Proxy}/1/r/artifacts/missing.txt");
        Assert.Equal(404, status);
        Assert.Equal($"The following failures occurred while downloading one or more artifacts from {destination}:\n" +
                     "##### File 1/r/artifacts/missing.txt #####\nNo such artifact: '1/r/artifacts/missing.txt'", body!["message"]!.GetValue<string>());
        (status, body) = await s.GetAsync($"{Proxy}/1/r/artifacts/bundle");
        Assert.Equal(400, status);
        Assert.Contains("is a folder", body!["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, (await s.PutAsync($"{Proxy}/1/r/artifacts/hello.txt/under-a-file", [1])).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await s.Client.DeleteAsync($"{Proxy}/1/r/artifacts/hello.txt")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await s.Client.DeleteAsync($"{Proxy}/1/r/artifacts/never.bin")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await s.Client.DeleteAsync($"{Proxy}/1/r/artifacts/bundle")).StatusCode);
        Assert.Equal(["odd names/"], await s.ListProxyAsync("1/r/artifacts"));

        // A run's mlflow-artifacts: URI resolves to the same store through the run routes.
        var exp = await s.CreateExperimentAsync("cloud-" + Guid.NewGuid().ToString("N")[..8]);
        var run = await s.CreateRunAsync(exp, "cloud-run", 1700000000000);
        await s.PutTextAsync($"{Proxy}/{exp}/{run}/artifacts/texts/note.txt", "note\n");
        (status, body) = await s.GetAsync($"/api/2.0/mlflow/artifacts/list?run_id={run}");
        Assert.Equal(200, status);
        Assert.Equal(["texts/"], Files(body));
        Assert.Equal("note\n", await s.Client.GetStringAsync($"/get-artifact?path=texts/note.txt&run_id={run}"));
    }

    internal static async Task LargeFileAsync(CloudStore kind)
    {
        var (a, _) = await StartAsync(kind);
        await using var __ = a;
        await AssertLargeRoundTripAsync(a.Server, 100L * 1024 * 1024 + 17);
    }

    /// <summary>Uploads a generated file of <paramref name="size"/> bytes (chunked, never in memory) and checks the download's SHA-256.</summary>
    internal static async Task AssertLargeRoundTripAsync(TestServer s, long size)
    {
        using var client = new HttpClient { BaseAddress = s.Client.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        var content = new StreamContent(new PatternStream(size), 1 << 20);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var put = await client.PutAsync($"{Proxy}/1/big/artifacts/model.bin", content);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal([$"model.bin:{size}"], await s.ListProxyAsync("1/big/artifacts"));

        using var res = await client.GetAsync($"{Proxy}/1/big/artifacts/model.bin", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(size, res.Content.Headers.ContentLength);
        await using var body = await res.Content.ReadAsStreamAsync();
        var got = await SHA256.HashDataAsync(body);
        var expected = await SHA256.HashDataAsync(new PatternStream(size));
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(got));
    }

    /// <summary>Deterministic bytes produced as they are read.</summary>
    internal sealed class PatternStream(long length) : Stream
    {
        private long _position;

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            for (var i = 0; i < n; i++) buffer[offset + i] = (byte)((_position + i) * 2654435761L >> 13);
            _position += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
