using System.Net;
using System.Net.Http.Headers;
using static Sharpflow.Http.Tests.Artifacts.ArtifactApi;

namespace Sharpflow.Http.Tests.Artifacts;

/// <summary>The run-relative routes: artifacts/list, /get-artifact and the UI's upload-artifact.</summary>
public class RunArtifactRoutesTests
{
    private static async Task<(string Exp, string Run)> RunAsync(TestServer s)
    {
        var exp = await s.CreateExperimentAsync("artifacts-" + Guid.NewGuid().ToString("N")[..8]);
        var run = await s.CreateRunAsync(exp, "art-run", 1700000000000);
        return (exp, run);
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task A_runs_artifacts_are_listed_and_served_relative_to_its_artifact_uri(Backend backend)
    {
        await using var s = await TestServer.StartAsync(backend);
        var (exp, run) = await RunAsync(s);
        await s.PutTextAsync($"{Proxy}/{exp}/{run}/artifacts/bundle/a.txt", "A\n");
        await s.PutTextAsync($"{Proxy}/{exp}/{run}/artifacts/bundle/nested/c.json", "{\"c\": 3}\n");
        await s.PutTextAsync($"{Proxy}/{exp}/{run}/artifacts/texts/note.txt", "plain text body\nsecond line\n");

        var (status, body) = await s.GetAsync($"/api/2.0/mlflow/artifacts/list?run_id={run}&path=bundle");
        Assert.Equal(200, status);
        Assert.Equal($"mlflow-artifacts:/{exp}/{run}/artifacts", body!["root_uri"]!.GetValue<string>());
        Assert.Equal(["bundle/a.txt:2", "bundle/nested/"], Files(body));

        (status, body) = await s.GetAsync($"/ajax-api/2.0/mlflow/artifacts/list?run_uuid={run}");
        Assert.Equal(200, status);
        Assert.Equal(["bundle/", "texts/"], Files(body));

        (_, body) = await s.GetAsync($"/api/2.0/mlflow/artifacts/list?run_id={run}&path=nothing-here");
        Assert.Null(body!["files"]);
        Assert.NotNull(body["root_uri"]);

        var res = await s.Client.GetAsync($"/get-artifact?path=texts/note.txt&run_id={run}");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal("text/plain", res.Content.Headers.ContentType!.ToString());
        Assert.Equal("attachment; filename=note.txt", res.Content.Headers.ContentDisposition!.ToString());
        Assert.Equal("plain text body\nsecond line\n", await res.Content.ReadAsStringAsync());
        Assert.Equal("{\"c\": 3}\n", await s.Client.GetStringAsync($"/get-artifact?path=bundle/nested/c.json&run_uuid={run}"));
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Run_route_errors_are_MLflows(Backend backend)
    {
        await using var s = await TestServer.StartAsync(backend);
        var (exp, run) = await RunAsync(s);
        await s.PutTextAsync($"{Proxy}/{exp}/{run}/artifacts/dir/a.txt", "A");

        var (status, body) = await s.GetAsync("/api/2.0/mlflow/artifacts/list");
        Assert.Equal(400, status);
        Assert.Equal("Missing value for required parameter 'run_id'. See the API docs for more information about request parameters.",
            body!["message"]!.GetValue<string>());
        (status, body) = await s.GetAsync("/api/2.0/mlflow/artifacts/list?run_id=deadbeefdeadbeefdeadbeefdeadbeef");
        Assert.Equal(404, status);
        Assert.Equal("Run with id=deadbeefdeadbeefdeadbeefdeadbeef not found", body!["message"]!.GetValue<string>());

        var res = await s.Client.GetAsync($"/get-artifact?run_id={run}");
        Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
        Assert.Equal("text/html", res.Content.Headers.ContentType!.MediaType);
        (status, body) = await s.GetAsync("/get-artifact?path=a.txt");
        Assert.Equal(404, status);
        Assert.Equal("Run with id=None not found", body!["message"]!.GetValue<string>());
        (status, body) = await s.GetAsync($"/get-artifact?path=dir/missing.txt&run_id={run}");
        Assert.Equal(404, status);
        Assert.Equal($"No such artifact: '{exp}/{run}/artifacts/dir/missing.txt'", body!["message"]!.GetValue<string>());
        (status, body) = await s.GetAsync($"/get-artifact?path=dir&run_id={run}");
        Assert.Equal(400, status);
        Assert.Contains("is a folder", body!["message"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task The_UI_upload_writes_into_the_run(Backend backend)
    {
        await using var s = await TestServer.StartAsync(backend);
        var (_, run) = await RunAsync(s);
        var url = $"/ajax-api/2.0/mlflow/upload-artifact?run_uuid={run}&path=";
        var res = await s.Client.PostAsync(url + "images/plot.png", new ByteArrayContent([137, 80, 78, 71]));
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal("application/json", res.Content.Headers.ContentType!.MediaType);
        Assert.Equal("", await res.Content.ReadAsStringAsync());
        var download = await s.Client.GetAsync($"/get-artifact?path=images/plot.png&run_id={run}");
        Assert.Equal("image/png", download.Content.Headers.ContentType!.ToString());
        Assert.Equal(new byte[] { 137, 80, 78, 71 }, await download.Content.ReadAsByteArrayAsync());

        async Task<string> Error(string target, HttpContent content)
        {
            var r = await s.Client.PostAsync(target, content);
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            return (await r.Content.ReadAsStringAsync()).Split("\"message\":\"")[1].Split('"')[0];
        }
        Assert.Equal("Request must specify run_uuid.", await Error("/ajax-api/2.0/mlflow/upload-artifact?path=a.txt", new ByteArrayContent([1])));
        Assert.Equal("Request must specify path.", await Error($"/ajax-api/2.0/mlflow/upload-artifact?run_uuid={run}", new ByteArrayContent([1])));
        Assert.Equal("Invalid path", await Error(url + "../../x.txt", new ByteArrayContent([1])));
        Assert.Equal("Request must specify data.", await Error(url + "empty.txt", new ByteArrayContent([])));
        var big = new ByteArrayContent(new byte[10 * 1024 * 1024 + 1]);
        Assert.Equal("Artifact size is too large. Max size is 10MB.", await Error(url + "big.bin", big));
        // Without a Content-Length the limit is enforced while streaming.
        var chunked = new StreamContent(new MemoryStream(new byte[10 * 1024 * 1024 + 1]));
        chunked.Headers.ContentLength = null;
        var chunkedReq = new HttpRequestMessage(HttpMethod.Post, url + "big2.bin") { Content = chunked };
        chunkedReq.Headers.TransferEncodingChunked = true;
        Assert.Equal(HttpStatusCode.BadRequest, (await s.Client.SendAsync(chunkedReq)).StatusCode);
        var (_, listing) = await s.GetAsync($"/api/2.0/mlflow/artifacts/list?run_id={run}");
        Assert.Equal(["images/"], Files(listing));
    }

    [Fact]
    public async Task Without_the_proxy_runs_keep_artifacts_under_the_default_root_and_are_still_listed_and_served()
    {
        await using var a = await ArtifactServer.StartAsync(o => o.ServeArtifacts = false);
        var s = a.Server;
        var (exp, run) = await RunAsync(s);
        var (_, body) = await s.GetAsync($"/api/2.0/mlflow/runs/get?run_id={run}");
        var uri = body!["run"]!["info"]!["artifact_uri"]!.GetValue<string>();
        Assert.Equal(Path.Combine(a.Dir, "mlruns", exp, run, "artifacts"), uri);

        // The client writes to the store itself; here, the UI upload goes to the same folder.
        var res = await s.Client.PostAsync($"/ajax-api/2.0/mlflow/upload-artifact?run_uuid={run}&path=m/x.txt", new ByteArrayContent("local"u8.ToArray()));
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal("local", File.ReadAllText(Path.Combine(uri, "m", "x.txt")));
        (_, body) = await s.GetAsync($"/api/2.0/mlflow/artifacts/list?run_id={run}&path=m");
        Assert.Equal(["m/x.txt:5"], Files(body));
        Assert.Equal("local", await s.Client.GetStringAsync($"/get-artifact?path=m/x.txt&run_id={run}"));
    }
}
