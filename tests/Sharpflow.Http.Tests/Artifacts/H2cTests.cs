using System.Net;
using System.Security.Cryptography;
using static Sharpflow.Http.Tests.Artifacts.ArtifactApi;

namespace Sharpflow.Http.Tests.Artifacts;

/// <summary>
/// `--h2c`: HTTP/2 over cleartext with prior knowledge, as Cloud Run's "HTTP/2 end-to-end" sends it, so request
/// bodies above Cloud Run's 32 MiB HTTP/1 cap reach the artifact proxy.
/// </summary>
public class H2cTests
{
    [Fact]
    public async Task With_h2c_the_server_speaks_http2_cleartext_and_takes_a_large_upload()
    {
        await using var a = await ArtifactServer.StartAsync(o => o.H2c = true);
        using var h2 = new HttpClient
        {
            BaseAddress = a.Server.Client.BaseAddress,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact, // prior knowledge: no upgrade dance
        };
        var health = await h2.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpVersion.Version20, health.Version);

        var bytes = new byte[40 * 1024 * 1024 + 3]; // over Cloud Run's HTTP/1 request cap
        new Random(3).NextBytes(bytes);
        var put = await h2.PutAsync($"{Proxy}/1/r/artifacts/big.bin", new ByteArrayContent(bytes));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        using var get = await h2.GetAsync($"{Proxy}/1/r/artifacts/big.bin", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(SHA256.HashData(bytes), await SHA256.HashDataAsync(await get.Content.ReadAsStreamAsync()));
    }

    [Fact]
    public async Task Without_h2c_the_cleartext_port_speaks_http1()
    {
        await using var a = await ArtifactServer.StartAsync();
        using var h2 = new HttpClient
        {
            BaseAddress = a.Server.Client.BaseAddress,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => h2.GetAsync("/health"));
    }
}
