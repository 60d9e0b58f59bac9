using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using static Sharpflow.Http.Tests.Artifacts.ArtifactApi;

namespace Sharpflow.Http.Tests.Artifacts;

/// <summary>The proxy routes (/api/2.0/mlflow-artifacts/artifacts): paths relative to --artifacts-destination.</summary>
public class ArtifactProxyTests
{
    [Fact]
    public async Task Upload_list_download_overwrite_and_delete_round_trip()
    {
        await using var a = await ArtifactServer.StartAsync();
        var s = a.Server;
        Assert.Equal(HttpStatusCode.OK, (await s.PutTextAsync($"{Proxy}/1/r/artifacts/hello.txt", "hello artifact\n")).StatusCode);
        var put = await s.PutAsync($"{Proxy}/1/r/artifacts/bundle/nested/deeper/d.bin", [0, 1, 2, 98, 105, 110]);
        Assert.Equal("application/json", put.Content.Headers.ContentType!.MediaType);
        Assert.Equal("{}", await put.Content.ReadAsStringAsync());
        await s.PutTextAsync($"{Proxy}/1/r/artifacts/odd%20names/file%20with%20space%20%C3%A9.txt", "unicode é中\n");

        Assert.Equal(["1/"], await s.ListProxyAsync(null));
        Assert.Equal(["bundle/", "hello.txt:15", "odd names/"], await s.ListProxyAsync("1/r/artifacts"));
        Assert.Equal(["file with space é.txt:14"], await s.ListProxyAsync("1/r/artifacts/odd names"));
        Assert.Empty(await s.ListProxyAsync("1/r/artifacts/hello.txt"));
        Assert.Empty(await s.ListProxyAsync("1/r/artifacts/does-not-exist"));
        Assert.Equal("hello artifact\n", File.ReadAllText(Path.Combine(a.Destination, "1", "r", "artifacts", "hello.txt")));

        var res = await s.Client.GetAsync($"{Proxy}/1/r/artifacts/hello.txt");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal("text/plain", res.Content.Headers.ContentType!.ToString());
        Assert.Equal(15, res.Content.Headers.ContentLength);
        Assert.Equal("attachment; filename=hello.txt", res.Content.Headers.ContentDisposition!.ToString());
        Assert.Equal("nosniff", res.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("hello artifact\n", await res.Content.ReadAsStringAsync());

        res = await s.Client.GetAsync($"{Proxy}/1/r/artifacts/bundle/nested/deeper/d.bin");
        Assert.Equal("application/octet-stream", res.Content.Headers.ContentType!.ToString());
        Assert.Equal(new byte[] { 0, 1, 2, 98, 105, 110 }, await res.Content.ReadAsByteArrayAsync());

        res = await s.Client.GetAsync($"{Proxy}/1/r/artifacts/odd%20names/file%20with%20space%20%C3%A9.txt");
        Assert.Equal("unicode é中\n", await res.Content.ReadAsStringAsync());
        Assert.Equal("file with space é.txt", res.Content.Headers.ContentDisposition!.FileNameStar);

        await s.PutAsync($"{Proxy}/1/r/artifacts/hello.txt", "overwritten"u8.ToArray());
        Assert.Equal("overwritten", await s.Client.GetStringAsync($"{Proxy}/1/r/artifacts/hello.txt"));

        Assert.Equal("{}", await (await s.Client.DeleteAsync($"{Proxy}/1/r/artifacts/hello.txt")).Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await s.Client.DeleteAsync($"{Proxy}/1/r/artifacts/never.bin")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await s.Client.DeleteAsync($"{Proxy}/1/r/artifacts/bundle")).StatusCode);
        Assert.Equal(["odd names/"], await s.ListProxyAsync("1/r/artifacts"));
    }

    [Fact]
    public async Task Missing_files_and_folders_answer_clear_errors()
    {
        await using var a = await ArtifactServer.StartAsync();
        var s = a.Server;
        await s.PutTextAsync($"{Proxy}/1/r/artifacts/bundle/a.txt", "A");

        var (status, body) = await s.GetAsync($"{Proxy}/1/r/artifacts/missing.txt");
        Assert.Equal(404, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", body!["error_code"]!.GetValue<string>());
        Assert.Equal($"The following failures occurred while downloading one or more artifacts from {a.Destination}:\n" +
                     "##### File 1/r/artifacts/missing.txt #####\nNo such artifact: '1/r/artifacts/missing.txt'", body["message"]!.GetValue<string>());

        // MLflow crashes with a 500 page on a folder; Sharpflow says what to do instead.
        (status, body) = await s.GetAsync($"{Proxy}/1/r/artifacts/bundle");
        Assert.Equal(400, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", body!["error_code"]!.GetValue<string>());
        Assert.Contains("is a folder", body["message"]!.GetValue<string>());

        // Upload paths MLflow would crash on: a trailing slash, an un-normalised folder.
        var res = await s.PutAsync($"{Proxy}/1/r/artifacts/bundle/", [1]);
        Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
        res = await s.PutAsync($"{Proxy}/1/r/artifacts/bundle", [1]);
        Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
        Assert.Contains("it is a folder", await res.Content.ReadAsStringAsync());
        res = await s.PutAsync($"{Proxy}/1/r/artifacts/bundle/a.txt/under-a-file", [1]);
        Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
        Assert.Equal(["a.txt:1"], await s.ListProxyAsync("1/r/artifacts/bundle"));
    }

    [Fact]
    public async Task Downloads_support_head_and_ranges()
    {
        await using var a = await ArtifactServer.StartAsync();
        var s = a.Server;
        await s.PutTextAsync($"{Proxy}/x/a.txt", "hello world 0123456789");

        var head = await s.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"{Proxy}/x/a.txt"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(22, head.Content.Headers.ContentLength);
        Assert.Equal("bytes", head.Headers.AcceptRanges.Single());

        var req = new HttpRequestMessage(HttpMethod.Get, $"{Proxy}/x/a.txt");
        req.Headers.Range = new RangeHeaderValue(6, 10);
        var res = await s.Client.SendAsync(req);
        Assert.Equal(HttpStatusCode.PartialContent, res.StatusCode);
        Assert.Equal("world", await res.Content.ReadAsStringAsync());
        Assert.Equal("bytes 6-10/22", res.Content.Headers.ContentRange!.ToString());

        req = new HttpRequestMessage(HttpMethod.Get, $"{Proxy}/x/a.txt");
        req.Headers.Range = new RangeHeaderValue(null, 4);
        Assert.Equal("6789", await (await s.Client.SendAsync(req)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_large_upload_and_download_stream_without_change()
    {
        await using var a = await ArtifactServer.StartAsync();
        var s = a.Server;
        var bytes = new byte[40 * 1024 * 1024 + 17];
        new Random(7).NextBytes(bytes);
        var res = await s.PutAsync($"{Proxy}/big/model.bin", bytes);
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal([$"model.bin:{bytes.Length}"], await s.ListProxyAsync("big"));
        using var download = await s.Client.GetAsync($"{Proxy}/big/model.bin", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(bytes.Length, download.Content.Headers.ContentLength);
        Assert.Equal(SHA256.HashData(bytes), await SHA256.HashDataAsync(await download.Content.ReadAsStreamAsync()));
    }

    [Fact]
    public async Task The_ajax_api_serves_the_same_routes()
    {
        await using var a = await ArtifactServer.StartAsync();
        var s = a.Server;
        await s.PutTextAsync("/ajax-api/2.0/mlflow-artifacts/artifacts/u/a.txt", "ui");
        Assert.Equal("ui", await s.Client.GetStringAsync($"{Proxy}/u/a.txt"));
        var (status, body) = await s.GetAsync("/ajax-api/2.0/mlflow-artifacts/artifacts?path=u");
        Assert.Equal(200, status);
        Assert.Equal(["a.txt:2"], Files(body));
        Assert.Equal(HttpStatusCode.OK, (await s.Client.DeleteAsync("/ajax-api/2.0/mlflow-artifacts/artifacts/u/a.txt")).StatusCode);
    }

    [Fact]
    public async Task Repeated_slashes_redirect_as_MLflow_does()
    {
        await using var a = await ArtifactServer.StartAsync();
        foreach (var target in new[] { $"{Proxy}//corpus-abs/secret.txt", $"{Proxy}/%2Fcorpus-abs%2Fsecret.txt" })
        {
            var res = await RawHttp.SendAsync(a.Server, "GET", target);
            Assert.Equal(308, res.Status);
            Assert.Equal($"{a.Server.Client.BaseAddress!.ToString().TrimEnd('/')}{Proxy}/corpus-abs/secret.txt", res.Header("Location"));
            Assert.StartsWith("text/html", res.Header("Content-Type"));
        }
    }

    [Fact]
    public async Task No_serve_artifacts_turns_the_proxy_off_with_MLflows_503()
    {
        await using var a = await ArtifactServer.StartAsync(o => o.ServeArtifacts = false);
        var s = a.Server;
        var res = await s.PutTextAsync($"{Proxy}/1/a.txt", "x");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, res.StatusCode);
        Assert.Equal("Endpoint: /api/2.0/mlflow-artifacts/artifacts/<path:artifact_path> disabled due to the mlflow server running with " +
                     "`--no-serve-artifacts`. To enable artifacts server functionality, run `mlflow server` with `--serve-artifacts`",
            await res.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await s.Client.GetAsync($"{Proxy}/1/a.txt")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await s.Client.DeleteAsync($"{Proxy}/1/a.txt")).StatusCode);
        var (status, body) = await s.GetAsync($"{Proxy}?path=1");
        Assert.Equal(503, status);
        Assert.StartsWith("Endpoint: /api/2.0/mlflow-artifacts/artifacts disabled", body!.GetValue<string>());
        Assert.False(Directory.Exists(a.Destination));
    }

    [Fact]
    public async Task Static_prefix_serves_the_routes_under_the_prefix_only()
    {
        await using var a = await ArtifactServer.StartAsync(o => o.StaticPrefix = "/mlflow");
        var s = a.Server;
        Assert.Equal(HttpStatusCode.OK, (await s.PutTextAsync($"/mlflow{Proxy}/p/a.txt", "prefixed")).StatusCode);
        Assert.Equal("prefixed", await s.Client.GetStringAsync($"/mlflow{Proxy}/p/a.txt"));
        Assert.Equal(HttpStatusCode.NotFound, (await s.Client.GetAsync($"{Proxy}/p/a.txt")).StatusCode);
        var res = await RawHttp.SendAsync(s, "GET", $"/mlflow{Proxy}//p/a.txt");
        Assert.Equal(308, res.Status);
        Assert.EndsWith($"/mlflow{Proxy}/p/a.txt", res.Header("Location"));
    }

    [Fact]
    public async Task Artifacts_only_keeps_the_proxy_and_blocks_tracking_routes()
    {
        await using var a = await ArtifactServer.StartAsync(o => o.ArtifactsOnly = true);
        var s = a.Server;
        Assert.Equal(HttpStatusCode.OK, (await s.PutTextAsync($"{Proxy}/o/a.txt", "only")).StatusCode);
        Assert.Equal("only", await s.Client.GetStringAsync($"{Proxy}/o/a.txt"));
        Assert.Equal(["a.txt:4"], await s.ListProxyAsync("o"));
        var res = await s.Client.GetAsync("/api/2.0/mlflow/artifacts/list?run_id=abc");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, res.StatusCode);
        Assert.Contains("--artifacts-only", await res.Content.ReadAsStringAsync());
    }
}
