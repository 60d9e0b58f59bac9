using System.Net;
using System.Net.Http.Headers;
using System.Text;
using static Sharpflow.Http.Tests.Artifacts.ArtifactApi;

namespace Sharpflow.Http.Tests.Artifacts.Cloud;

/// <summary>
/// MLflow 3.11's presigned-URL routes over HTTP: <c>GET /mlflow-artifacts/presigned/&lt;path&gt;</c> (the client's
/// MLFLOW_ENABLE_PROXY_MULTIPART_DOWNLOAD) and <c>POST /mlflow/artifacts/presigned-upload-url</c> (plugins that write
/// to a run's store directly); the bytes then move through the returned URLs only.
/// </summary>
public class PresignedUrlTests
{
    private const string Presigned = "/api/2.0/mlflow-artifacts/presigned";
    private const string UploadUrl = "/api/2.0/mlflow/artifacts/presigned-upload-url";
    private static readonly HttpClient Direct = new();

    [EmulatorFact(CloudStore.S3)]
    public Task S3_download_urls_serve_ranges() => DownloadUrlAsync(CloudStore.S3);

    [EmulatorFact(CloudStore.Azure)]
    public Task Azure_download_urls_serve_ranges() => DownloadUrlAsync(CloudStore.Azure);

    [EmulatorFact(CloudStore.Gcs)]
    public async Task Gcs_without_a_signing_credential_answers_not_implemented()
    {
        var (a, _) = await CloudProxyTests.StartAsync(CloudStore.Gcs);
        await using var server = a;
        Assert.Equal(200, (int)(await a.Server.PutTextAsync($"{Proxy}/1/r/artifacts/a.txt", "abc")).StatusCode);
        await AssertNotImplementedAsync(a.Server.GetAsync($"{Presigned}/1/r/artifacts/a.txt"), "Multipart download is not supported for the current artifact repository");
    }

    [Fact]
    public async Task The_local_store_answers_not_implemented_and_the_route_follows_the_proxy_rules()
    {
        await using var a = await ArtifactServer.StartAsync();
        var s = a.Server;
        await AssertNotImplementedAsync(s.GetAsync($"{Presigned}/1/r/artifacts/model.bin"), "Multipart download is not supported for the current artifact repository");
        var raw = await RawHttp.SendAsync(s, "GET", $"{Presigned}/1/%2e%2e/%2e%2e/etc/passwd");
        Assert.Equal(400, raw.Status);
        Assert.Contains("Invalid path", raw.Text);
    }

    [Fact]
    public async Task Without_serve_artifacts_the_download_route_is_disabled_as_in_mlflow()
    {
        await using var a = await ArtifactServer.StartAsync(o => o.ServeArtifacts = false);
        var res = await a.Server.Client.GetAsync($"{Presigned}/1/r/artifacts/m.bin");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, res.StatusCode);
        Assert.StartsWith("Endpoint: /api/2.0/mlflow-artifacts/presigned/<path:artifact_path> disabled due to the mlflow server running with `--no-serve-artifacts`",
            await res.Content.ReadAsStringAsync());
    }

    [EmulatorFact(CloudStore.S3)]
    public async Task Upload_urls_write_into_a_direct_s3_run()
    {
        var root = await CloudStores.NewDestinationAsync(CloudStore.S3, "mlruns");
        await using var a = await ArtifactServer.StartAsync(o =>
        {
            o.ServeArtifacts = false;
            o.DefaultArtifactRoot = root;
            o.CloudStores = CloudStores.Settings(CloudStore.S3);
        });
        var s = a.Server;
        var exp = await s.CreateExperimentAsync("presigned-" + Guid.NewGuid().ToString("N")[..8]);
        var run = await s.CreateRunAsync(exp, "direct", 1700000000000);

        var (status, body) = await s.PostAsync(UploadUrl, new { run_id = run, path = "models/model.pkl" });
        Assert.Equal(200, status);
        var url = body!["presigned_url"]!.GetValue<string>();
        Assert.Matches("[?&]X-Amz-Expires=(900|899)(&|$)", url); // MLflow's default lifetime
        Assert.Contains($"/mlruns/{exp}/{run}/artifacts/models/model.pkl?", url);
        Assert.Equal("""{"Content-Type":"application/octet-stream"}""", body["headers"]!.ToJsonString());
        var bytes = Encoding.UTF8.GetBytes("pickled bytes");
        using var put = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent(bytes) };
        put.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        Assert.True((await Direct.SendAsync(put)).IsSuccessStatusCode);
        (_, body) = await s.GetAsync($"/api/2.0/mlflow/artifacts/list?run_id={run}&path=models");
        Assert.Equal([$"models/model.pkl:{bytes.Length}"], Files(body));

        (status, body) = await s.PostAsync(UploadUrl, new { run_id = run, path = "a.json", expiration = 60 });
        Assert.Equal(200, status);
        Assert.Matches("[?&]X-Amz-Expires=(60|59)(&|$)", body!["presigned_url"]!.GetValue<string>());
        Assert.Equal("application/json", body["headers"]!["Content-Type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Upload_urls_refuse_proxied_runs_local_stores_and_bad_requests()
    {
        await using (var a = await ArtifactServer.StartAsync())
        {
            var s = a.Server;
            var exp = await s.CreateExperimentAsync("presigned-proxied");
            var run = await s.CreateRunAsync(exp, "r", 1700000000000);
            var (status, body) = await s.PostAsync(UploadUrl, new { run_id = run, path = "model.pkl" });
            Assert.Equal(400, status);
            Assert.Equal("INVALID_PARAMETER_VALUE", body!["error_code"]!.GetValue<string>());
            Assert.Equal("Presigned upload is not supported for runs with proxied artifact storage (artifact URI scheme: mlflow-artifacts). " +
                         "This endpoint requires a run with a direct cloud storage artifact URI.", body["message"]!.GetValue<string>());

            (status, body) = await s.PostAsync(UploadUrl, new { path = "model.pkl" });
            Assert.Equal(400, status);
            Assert.Contains("'run_id'", body!["message"]!.GetValue<string>());
            (status, body) = await s.PostAsync(UploadUrl, new { run_id = run, path = "../../etc/passwd" });
            Assert.Equal(400, status);
            Assert.Contains("Invalid path", body!["message"]!.GetValue<string>());
            (status, body) = await s.PostAsync(UploadUrl, new { run_id = run, path = "m.pkl", expiration = 0 });
            Assert.Equal(400, status);
            (status, _) = await s.PostAsync(UploadUrl, new { run_id = "0123456789abcdef0123456789abcdef", path = "m.pkl" });
            Assert.Equal(404, status);
        }
        await using (var a = await ArtifactServer.StartAsync(o => o.ServeArtifacts = false))
        {
            var exp = await a.Server.CreateExperimentAsync("presigned-local");
            var run = await a.Server.CreateRunAsync(exp, "r", 1700000000000);
            await AssertNotImplementedAsync(a.Server.PostAsync(UploadUrl, new { run_id = run, path = "model.pkl" }),
                "Presigned upload is not supported for the current artifact repository");
        }
    }

    private static async Task AssertNotImplementedAsync(Task<(int Status, System.Text.Json.Nodes.JsonNode? Body)> call, string message)
    {
        var (status, body) = await call;
        Assert.Equal(501, status);
        Assert.Equal("NOT_IMPLEMENTED", body!["error_code"]!.GetValue<string>());
        Assert.Equal(message, body["message"]!.GetValue<string>());
    }

    private static async Task DownloadUrlAsync(CloudStore kind)
    {
        var (a, _) = await CloudProxyTests.StartAsync(kind);
        await using var server = a;
        var s = a.Server;
        var data = new byte[2 * 1024 * 1024 + 99];
        new Random(5).NextBytes(data);
        Assert.Equal(HttpStatusCode.OK, (await s.PutAsync($"{Proxy}/1/r/artifacts/model/weights.bin", data)).StatusCode);

        var (status, body) = await s.GetAsync($"{Presigned}/1/r/artifacts/model/weights.bin");
        Assert.Equal(200, status);
        Assert.Equal(data.Length, body!["file_size"]!.GetValue<long>());
        Assert.Equal("{}", body["headers"]!.ToJsonString()); // to_dict() always writes headers
        var url = body["url"]!.GetValue<string>();
        var got = new List<byte>();
        for (long from = 0; from < data.Length; from += 1024 * 1024)
        {
            using var get = new HttpRequestMessage(HttpMethod.Get, url);
            get.Headers.Range = new RangeHeaderValue(from, Math.Min(from + 1024 * 1024, data.Length) - 1);
            using var res = await Direct.SendAsync(get);
            Assert.Equal(HttpStatusCode.PartialContent, res.StatusCode);
            got.AddRange(await res.Content.ReadAsByteArrayAsync());
        }
        Assert.Equal(data, got.ToArray());

        (status, body) = await s.GetAsync($"{Presigned}/1/r/artifacts/model/missing.bin");
        Assert.Equal(404, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", body!["error_code"]!.GetValue<string>());
        (status, body) = await s.GetAsync($"{Presigned}/1/r/artifacts/model");
        Assert.Equal(400, status); // a folder
    }
}
