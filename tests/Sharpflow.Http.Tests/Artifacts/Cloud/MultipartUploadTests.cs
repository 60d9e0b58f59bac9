using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using static Sharpflow.Http.Tests.Artifacts.ArtifactApi;

namespace Sharpflow.Http.Tests.Artifacts.Cloud;

/// <summary>
/// POST /mlflow-artifacts/mpu/create|complete|abort as MLflow 3.11's client drives them (MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD):
/// the server hands out signed part URLs, the client PUTs each part to the store itself, then completes; stores
/// that cannot sign answer MLflow's NOT_IMPLEMENTED so the client falls back to a plain PUT.
/// </summary>
public class MultipartUploadTests
{
    private const string Mpu = "/api/2.0/mlflow-artifacts/mpu";
    private static readonly HttpClient Parts = new();

    [EmulatorFact(CloudStore.S3)]
    public Task S3_parts_go_to_presigned_urls() => UploadInPartsAsync(CloudStore.S3, expectUploadId: true);

    [EmulatorFact(CloudStore.Azure)]
    public Task Azure_parts_go_to_sas_block_urls() => UploadInPartsAsync(CloudStore.Azure, expectUploadId: true);

    [EmulatorFact(CloudStore.Gcs)]
    public async Task Gcs_without_a_signing_credential_sends_clients_back_to_put()
    {
        var (a, _) = await CloudProxyTests.StartAsync(CloudStore.Gcs);
        await using var _ = a;
        await AssertNotSupportedAsync(a.Server);
    }

    [Fact]
    public async Task The_local_store_sends_clients_back_to_put()
    {
        await using var a = await ArtifactServer.StartAsync();
        await AssertNotSupportedAsync(a.Server);
    }

    [Fact]
    public async Task Without_serve_artifacts_the_routes_are_disabled_as_in_mlflow()
    {
        await using var a = await ArtifactServer.StartAsync(o => o.ServeArtifacts = false);
        var res = await a.Server.Client.PostAsync($"{Mpu}/create/1/r/artifacts", Json(new { path = "/tmp/m.bin", num_parts = 2 }));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, res.StatusCode);
        Assert.Equal("Endpoint: /api/2.0/mlflow-artifacts/mpu/create/<path:artifact_path> disabled due to the mlflow server running with " +
                     "`--no-serve-artifacts`. To enable artifacts server functionality, run `mlflow server` with `--serve-artifacts`",
            await res.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Unsafe_paths_and_bad_requests_are_refused_before_any_store_call()
    {
        await using var a = await ArtifactServer.StartAsync();
        var s = a.Server;
        // Sent byte for byte: HttpClient would resolve the dot segments itself.
        var raw = await RawHttp.SendAsync(s, "POST", $"{Mpu}/create/1/%2e%2e/%2e%2e/etc", Encoding.UTF8.GetBytes("{\"path\": \"/tmp/passwd\", \"num_parts\": 1}"), "application/json");
        Assert.Equal(400, raw.Status);
        Assert.Contains("Invalid path", raw.Text);
        var (status, body) = await s.PostAsync($"{Mpu}/create/1/r/artifacts", new { num_parts = 1 });
        Assert.Equal(400, status);
        Assert.Contains("'path'", body!["message"]!.GetValue<string>());
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static async Task AssertNotSupportedAsync(TestServer s)
    {
        var (status, body) = await s.PostAsync($"{Mpu}/create/1/r/artifacts", new { path = "/home/me/model.bin", num_parts = 3 });
        Assert.Equal(501, status);
        Assert.Equal("NOT_IMPLEMENTED", body!["error_code"]!.GetValue<string>());
        Assert.Equal("Multipart upload is not supported for the current artifact repository", body["message"]!.GetValue<string>());
    }

    private static async Task UploadInPartsAsync(CloudStore kind, bool expectUploadId)
    {
        var (a, _) = await CloudProxyTests.StartAsync(kind);
        await using var _ = a;
        var s = a.Server;
        const int partSize = 5 * 1024 * 1024; // S3's minimum for every part but the last
        var data = new byte[2 * partSize + 4321];
        new Random(11).NextBytes(data);

        // The client sends its local file path; the server keeps only the file name, under the route's folder.
        var (status, created) = await s.PostAsync($"{Mpu}/create/1/r/artifacts/models", new { path = "/home/me/data/model.bin", num_parts = 3 });
        Assert.Equal(200, status);
        var uploadId = created!["upload_id"]?.GetValue<string>();
        Assert.Equal(expectUploadId, !string.IsNullOrEmpty(uploadId));
        var credentials = created["credentials"]!.AsArray();
        Assert.Equal([1L, 2L, 3L], credentials.Select(c => c!["part_number"]!.GetValue<long>()));
        Assert.All(credentials, c => Assert.Null(c!["headers"])); // an empty map is left out, as protobuf's JSON does

        var parts = await Task.WhenAll(credentials.Select(async c =>
        {
            var number = c!["part_number"]!.GetValue<long>();
            var url = c["url"]!.GetValue<string>();
            var offset = (int)(number - 1) * partSize;
            using var put = await Parts.PutAsync(url, new ByteArrayContent(data, offset, Math.Min(partSize, data.Length - offset)));
            Assert.True(put.IsSuccessStatusCode, $"part {number}: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");
            return new { part_number = number, etag = put.Headers.ETag?.ToString() ?? "", url };
        }));
        Assert.Empty(await s.ListProxyAsync("1/r/artifacts/models"));

        var (done, reply) = await s.PostAsync($"{Mpu}/complete/1/r/artifacts/models",
            new { path = "/home/me/data/model.bin", upload_id = uploadId, parts });
        Assert.Equal(200, done);
        Assert.Equal("{}", reply!.ToJsonString());
        Assert.Equal([$"model.bin:{data.Length}"], await s.ListProxyAsync("1/r/artifacts/models"));
        Assert.Equal(data, await s.Client.GetByteArrayAsync($"{Proxy}/1/r/artifacts/models/model.bin"));

        // An abandoned upload is aborted the same way.
        (status, created) = await s.PostAsync($"{Mpu}/create/1/r/artifacts", new { path = "C:\\Users\\me\\other.bin", num_parts = 1 });
        Assert.Equal(200, status);
        var (aborted, _) = await s.PostAsync($"{Mpu}/abort/1/r/artifacts",
            new { path = "C:\\Users\\me\\other.bin", upload_id = created!["upload_id"]?.GetValue<string>() });
        Assert.Equal(200, aborted);
        Assert.Equal(["models/"], await s.ListProxyAsync("1/r/artifacts"));
    }
}
