using System.Globalization;
using System.Text.RegularExpressions;
using Sharpflow.Http.Tests.Registry;

namespace Sharpflow.Http.Tests.Prometheus;

/// <summary>
/// <c>--expose-prometheus DIR</c>: <c>/metrics</c> in Prometheus' text format with MLflow's metric families
/// (prometheus_flask_exporter's, prefixed "mlflow") plus Sharpflow's per-route histogram.
/// </summary>
public class PrometheusTests
{
    private static async Task<(TestServer Server, TempDir Dir)> StartAsync(string? staticPrefix = null, bool expose = true)
    {
        var dir = new TempDir();
        var server = await TestServer.StartAsync($"sqlite:///{dir.File("mlflow.db")}", o =>
        {
            o.ArtifactsDestination = dir.File("artifacts");
            o.ExposePrometheus = expose ? dir.File("prometheus") : null;
            o.StaticPrefix = staticPrefix;
        });
        return (server, dir);
    }

    private static async Task<string> ScrapeAsync(TestServer s, string query = "")
    {
        var res = await s.Client.GetAsync("/metrics" + query);
        Assert.Equal(200, (int)res.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", res.Content.Headers.ContentType!.ToString());
        return await res.Content.ReadAsStringAsync();
    }

    /// <summary>The value of one sample line (exact name and label set), or null when there is none.</summary>
    private static double? Value(string exposition, string series)
    {
        var m = Regex.Match(exposition, "^" + Regex.Escape(series) + " (\\S+)$", RegexOptions.Multiline);
        return m.Success ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    [Fact]
    public async Task Requests_are_counted_and_timed_with_mlflows_families_and_by_route_template()
    {
        var (s, dir) = await StartAsync();
        await using var _ = s;
        using var __ = dir;
        Assert.True(Directory.Exists(dir.File("prometheus")), "the folder is created, as MLflow does");
        var exp = await s.CreateExperimentAsync("prom");
        var run = await s.CreateRunAsync(exp, "r", 1);
        await s.GetAsync($"/api/2.0/mlflow/runs/get?run_id={run}");
        await s.GetAsync("/api/2.0/mlflow/runs/get?run_id=0123456789abcdef0123456789abcdef"); // 404
        await s.SendAsync(HttpMethod.Get, "/logged-models/m-0123456789"); // 404 on a route with a parameter
        await s.GetAsync("/no/such/route");
        await s.GetAsync("/health");
        await s.GetAsync("/version");

        var text = await ScrapeAsync(s);
        Assert.Contains("# TYPE mlflow_http_request_duration_seconds histogram", text);
        Assert.Contains("# TYPE mlflow_http_request_total counter", text);
        Assert.Contains("# TYPE mlflow_http_request_exceptions_total counter", text);
        Assert.Matches(@"(?m)^mlflow_exporter_info\{version=""[^""]+""\} 1\.0$", text);
        Assert.Equal<double?>(2, Value(text, @"mlflow_http_request_total{method=""POST"",status=""200""}"));
        Assert.Equal<double?>(1, Value(text, @"mlflow_http_request_total{method=""GET"",status=""200""}"));
        Assert.Equal<double?>(3, Value(text, @"mlflow_http_request_total{method=""GET"",status=""404""}"));
        const string labels = @"method=""POST"",mlflow_version=""3.11.2.dev0"",status=""200""";
        Assert.Equal<double?>(2, Value(text, $"mlflow_http_request_duration_seconds_count{{{labels}}}"));
        Assert.Equal<double?>(2, Value(text, $"mlflow_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}}"));
        Assert.True(Value(text, $"mlflow_http_request_duration_seconds_sum{{{labels}}}") > 0);
        // Buckets are cumulative and use prometheus_client's default bounds.
        var buckets = Regex.Matches(text, "^mlflow_http_request_duration_seconds_bucket\\{" + Regex.Escape(labels) + ",le=\"([^\"]+)\"\\} (\\S+)$", RegexOptions.Multiline)
            .Select(m => (Le: m.Groups[1].Value, N: double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(["0.005", "0.01", "0.025", "0.05", "0.075", "0.1", "0.25", "0.5", "0.75", "1.0", "2.5", "5.0", "7.5", "10.0", "+Inf"], buckets.Select(b => b.Le));
        Assert.Equal(buckets.Select(b => b.N).Order(), buckets.Select(b => b.N));

        // Per route: the template, never the path with its ids or query.
        Assert.Equal<double?>(2, Value(text, @"sharpflow_http_request_duration_seconds_count{method=""GET"",route=""/api/2.0/mlflow/runs/get"",status=""200""}") +
                        Value(text, @"sharpflow_http_request_duration_seconds_count{method=""GET"",route=""/api/2.0/mlflow/runs/get"",status=""404""}"));
        Assert.Equal<double?>(1, Value(text, @"sharpflow_http_request_duration_seconds_count{method=""GET"",route=""/api/2.0/mlflow/logged-models/{model_id}"",status=""404""}"));
        Assert.Equal<double?>(1, Value(text, @"sharpflow_http_request_duration_seconds_count{method=""GET"",route=""unmatched"",status=""404""}"));
        Assert.DoesNotContain(run, text);
        Assert.DoesNotContain("m-0123456789", text);
        // /health, /version and the scrapes themselves are not counted (MLflow's excluded paths).
        Assert.DoesNotContain("/health", text);
        Assert.DoesNotContain("/version", text);
        Assert.DoesNotContain("/metrics", await ScrapeAsync(s));
    }

    [Fact]
    public async Task Name_filter_keeps_the_families_asked_for()
    {
        var (s, dir) = await StartAsync();
        await using var _ = s;
        using var __ = dir;
        await s.CreateExperimentAsync("filter");
        var text = await ScrapeAsync(s, "?name[]=mlflow_http_request_total&name[]=mlflow_http_request_duration_seconds_count");
        Assert.Contains("mlflow_http_request_total{", text);
        Assert.Contains("mlflow_http_request_duration_seconds_count{", text);
        Assert.DoesNotContain("mlflow_exporter_info", text);
        Assert.DoesNotContain("sharpflow_http_request_duration_seconds", text);
    }

    [Fact]
    public async Task Metrics_stay_at_the_root_under_a_static_prefix_and_are_absent_without_the_flag()
    {
        var (s, dir) = await StartAsync("/mlflow");
        await using (s)
        using (dir)
        {
            await s.PostAsync("/mlflow/api/2.0/mlflow/experiments/create", new { name = "prefixed" });
            var text = await ScrapeAsync(s);
            Assert.Equal<double?>(1, Value(text, @"sharpflow_http_request_duration_seconds_count{method=""POST"",route=""/api/2.0/mlflow/experiments/create"",status=""200""}"));
            Assert.Equal(404, (int)(await s.Client.GetAsync("/mlflow/metrics")).StatusCode);
        }

        var (plain, plainDir) = await StartAsync(expose: false);
        await using (plain)
        using (plainDir)
        {
            Assert.Equal(404, (int)(await plain.Client.GetAsync("/metrics")).StatusCode);
            Assert.False(Directory.Exists(plainDir.File("prometheus")));
        }
    }
}
