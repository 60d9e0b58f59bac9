using System.Net;
using System.Text.RegularExpressions;
using Sharpflow.Http.Tests.Artifacts;
using Sharpflow.Server.Features.Ui;

namespace Sharpflow.Http.Tests.Ui;

/// <summary>
/// The web UI's routes (Features/Ui/UiEndpoints): index.html at the root with a base naming the static prefix, the
/// bundle under /static-files/, browser navigations to unknown paths answered with the app, and MLflow's 404/405 pages
/// kept for everything else. The bundle is the one the build copied next to the test binaries (absent only with
/// -p:SkipUi=true, when the root answers MLflow's "index.html not found" text).
/// </summary>
public class UiEndpointsTests
{
    private static bool UiBuilt => File.Exists(Path.Combine(UiEndpoints.Folder, "index.html"));

    private static async Task<(TestServer Server, TempDir Dir)> StartAsync(string? staticPrefix = null)
    {
        var dir = new TempDir();
        var server = await TestServer.StartAsync($"sqlite:///{dir.File("mlflow.db")}", o => o.StaticPrefix = staticPrefix);
        return (server, dir);
    }

    private static HttpRequestMessage Page(string path) =>
        new(HttpMethod.Get, path) { Headers = { { "Accept", "text/html,application/xhtml+xml,*/*;q=0.8" } } };

    [Fact]
    public async Task Root_serves_index_with_a_base_and_the_bundle_is_cached()
    {
        var (s, dir) = await StartAsync();
        await using var _ = s;
        using var __ = dir;
        var res = await s.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        var body = await res.Content.ReadAsStringAsync();
        if (!UiBuilt)
        {
            Assert.Contains("Unable to display MLflow UI - landing page (index.html) not found.", body);
            return;
        }
        Assert.Equal("text/html; charset=utf-8", res.Content.Headers.ContentType!.ToString());
        Assert.Equal("no-cache", res.Headers.CacheControl!.ToString());
        Assert.Contains("<head><base href=\"/\">", body);
        var script = Regex.Match(body, "src=\"\\./(static-files/assets/[^\"]+\\.js)\"").Groups[1].Value;
        Assert.NotEmpty(script);
        var js = await s.Client.GetAsync("/" + script);
        Assert.Equal(HttpStatusCode.OK, js.StatusCode);
        Assert.Equal("text/javascript", js.Content.Headers.ContentType!.MediaType);
        Assert.Equal("public, max-age=2419200", js.Headers.CacheControl!.ToString());
        Assert.Equal(HttpStatusCode.NotModified, (await s.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/" + script)
        {
            Headers = { { "If-None-Match", js.Headers.ETag!.ToString() } },
        })).StatusCode);
    }

    [Fact]
    public async Task Static_prefix_moves_the_app_and_its_base()
    {
        var (s, dir) = await StartAsync("/mlf");
        await using var _ = s;
        using var __ = dir;
        Assert.Equal(HttpStatusCode.NotFound, (await s.Client.GetAsync("/")).StatusCode);
        var res = await s.Client.GetAsync("/mlf/");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        if (UiBuilt) Assert.Contains("<base href=\"/mlf/\">", await res.Content.ReadAsStringAsync());
        var page = await s.Client.SendAsync(Page("/mlf/experiments/0"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        if (UiBuilt) Assert.Contains("<base href=\"/mlf/\">", await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Only_browser_navigations_to_unknown_paths_get_the_app()
    {
        var (s, dir) = await StartAsync();
        await using var _ = s;
        using var __ = dir;
        var page = await s.Client.SendAsync(Page("/experiments/0/runs/abc"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);

        // API clients, API paths, files and other methods keep MLflow's answers.
        var plain = await s.Client.GetAsync("/experiments/0");
        Assert.Equal(HttpStatusCode.NotFound, plain.StatusCode);
        Assert.Contains("The requested URL was not found on the server.", await plain.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await s.Client.SendAsync(Page("/api/2.0/mlflow/no-such-route"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await s.Client.SendAsync(Page("/ajax-api/2.0/mlflow/no-such-route"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await s.Client.SendAsync(Page("/favicon.ico"))).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await s.Client.SendAsync(Page("/api/2.0/mlflow/runs/create"))).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await s.Client.PostAsync("/api/2.0/mlflow/runs/get", new StringContent("{}"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await s.Client.PostAsync("/experiments/0", new StringContent("{}"))).StatusCode);
    }

    [Theory]
    [InlineData("/static-files/../index.html")]
    [InlineData("/static-files/%2e%2e/index.html")]
    [InlineData("/static-files/assets/..%2f..%2findex.html")]
    [InlineData("/static-files/..%5cindex.html")]
    [InlineData("/static-files/no-such-file.js")]
    [InlineData("/static-files/")]
    public async Task Static_files_never_leave_the_bundle(string path)
    {
        var (s, dir) = await StartAsync();
        await using var _ = s;
        using var __ = dir;
        // Sent as written: HttpClient would normalise the dots before they reach the server.
        var res = await RawHttp.SendAsync(s, "GET", path);
        Assert.Equal(404, res.Status);
        Assert.DoesNotContain("<div id=\"root\">", res.Text);
    }
}
