using System.Text.Json.Nodes;

namespace Sharpflow.Http.Tests;

public class TrackingApiTests
{
    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Experiment_lifecycle_round_trips(Backend backend)
    {
        await using var s = await TestServer.StartAsync(backend);
        var (status, body) = await s.PostAsync("/api/2.0/mlflow/experiments/create", new { name = "exp-a", tags = new[] { new { key = "team", value = "ml" } } });
        Assert.Equal(200, status);
        var id = body!["experiment_id"]!.GetValue<string>();

        (status, body) = await s.GetAsync($"/api/2.0/mlflow/experiments/get?experiment_id={id}");
        Assert.Equal(200, status);
        Assert.Equal("exp-a", body!["experiment"]!["name"]!.GetValue<string>());
        Assert.Equal($"mlflow-artifacts:/{id}", body["experiment"]!["artifact_location"]!.GetValue<string>());
        Assert.Equal("team", body["experiment"]!["tags"]![0]!["key"]!.GetValue<string>());

        (status, body) = await s.PostAsync("/api/2.0/mlflow/experiments/create", new { name = "exp-a" });
        Assert.Equal(400, status);
        Assert.Equal("RESOURCE_ALREADY_EXISTS", body!["error_code"]!.GetValue<string>());

        (status, _) = await s.PostAsync("/api/2.0/mlflow/experiments/delete", new { experiment_id = id });
        Assert.Equal(200, status);
        (_, body) = await s.GetAsync($"/api/2.0/mlflow/experiments/get?experiment_id={id}");
        Assert.Equal("deleted", body!["experiment"]!["lifecycle_stage"]!.GetValue<string>());

        (status, body) = await s.GetAsync("/api/2.0/mlflow/experiments/get?experiment_id=987654321");
        Assert.Equal(404, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", body!["error_code"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Log_batch_is_atomic_and_metrics_round_trip(Backend backend)
    {
        await using var s = await TestServer.StartAsync(backend);
        var (_, body) = await s.PostAsync("/api/2.0/mlflow/runs/create", new { experiment_id = "0", run_name = "r1", start_time = 1700000000000 });
        var runId = body!["run"]!["info"]!["run_id"]!.GetValue<string>();

        var (status, _) = await s.PostAsync("/api/2.0/mlflow/runs/log-batch", new
        {
            run_id = runId,
            metrics = new object[]
            {
                new { key = "loss", value = 1.0, timestamp = 1, step = 0 },
                new { key = "loss", value = 0.5, timestamp = 2, step = 1 },
                new { key = "nan", value = "NaN", timestamp = 1, step = 0 },
                new { key = "inf", value = "Infinity", timestamp = 1, step = 0 },
            },
            @params = new[] { new { key = "p", value = "1" } },
            tags = new[] { new { key = "t", value = "x" } },
        });
        Assert.Equal(200, status);

        // A conflicting param must reject the whole batch: the new metric is not written either.
        (status, body) = await s.PostAsync("/api/2.0/mlflow/runs/log-batch", new
        {
            run_id = runId,
            metrics = new[] { new { key = "other", value = 1.0, timestamp = 1, step = 0 } },
            @params = new[] { new { key = "p", value = "2" } },
        });
        Assert.Equal(400, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", body!["error_code"]!.GetValue<string>());

        (_, body) = await s.GetAsync($"/api/2.0/mlflow/runs/get?run_id={runId}");
        var metrics = body!["run"]!["data"]!["metrics"]!.AsArray();
        Assert.DoesNotContain(metrics, m => m!["key"]!.GetValue<string>() == "other");
        var loss = metrics.Single(m => m!["key"]!.GetValue<string>() == "loss")!;
        Assert.Equal(0.5, loss["value"]!.GetValue<double>());
        Assert.Equal("NaN", metrics.Single(m => m!["key"]!.GetValue<string>() == "nan")!["value"]!.GetValue<string>());

        (_, body) = await s.GetAsync($"/api/2.0/mlflow/metrics/get-history?run_id={runId}&metric_key=loss");
        Assert.Equal(2, body!["metrics"]!.AsArray().Count);
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Bad_input_gets_mlflow_errors_not_500(Backend backend)
    {
        await using var s = await TestServer.StartAsync(backend);
        var res = await s.Client.PostAsync("/api/2.0/mlflow/experiments/create",
            new StringContent("{\"name\": \"x\"", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(400, (int)res.StatusCode);
        var (status, body) = await s.PostAsync("/api/2.0/mlflow/experiments/create", new { name = 123 });
        Assert.Equal(400, status);
        Assert.Contains("Hint: Value was of type 'int'", body!["message"]!.GetValue<string>());
        (status, body) = await s.PostAsync("/api/2.0/mlflow/experiments/create", new[] { 1, 2 });
        Assert.Equal(400, status);
        (status, _) = await s.GetAsync("/api/2.0/mlflow/nope");
        Assert.Equal(404, status);
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Concurrent_writers_to_one_run_lose_nothing(Backend backend)
    {
        await using var s = await TestServer.StartAsync(backend);
        var (_, body) = await s.PostAsync("/api/2.0/mlflow/runs/create", new { experiment_id = "0" });
        var runId = body!["run"]!["info"]!["run_id"]!.GetValue<string>();
        const int writers = 8, batches = 10;
        var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var b = 0; b < batches; b++)
            {
                var metrics = Enumerable.Range(0, 50).Select(i => new { key = "m", value = (double)i, timestamp = 1000 + w, step = b * 50 + i }).ToArray();
                var (st, err) = await s.PostAsync("/api/2.0/mlflow/runs/log-batch", new { run_id = runId, metrics });
                Assert.True(st == 200, err?.ToJsonString());
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        (_, body) = await s.GetAsync($"/api/2.0/mlflow/metrics/get-history?run_id={runId}&metric_key=m&max_results=25000");
        Assert.Equal(writers * batches * 50, body!["metrics"]!.AsArray().Count);
    }
}
