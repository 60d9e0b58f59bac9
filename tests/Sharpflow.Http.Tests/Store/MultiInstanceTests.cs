using System.Text.Json.Nodes;
using Npgsql;
using Sharpflow.Store.Schema;

namespace Sharpflow.Http.Tests.Store;

/// <summary>
/// Several stateless instances on one PostgreSQL database, as Cloud Run runs them: simultaneous first starts leave one
/// correct schema, and clients spread over two instances see one consistent state.
/// </summary>
public class MultiInstanceTests
{
    [PgFact]
    public async Task Ten_simultaneous_first_starts_on_an_empty_database_leave_one_correct_schema()
    {
        await using var reference = await PgScratch.CreateAsync();
        await using (await TestServer.StartAsync(reference.Uri)) { }
        await using var scratch = await PgScratch.CreateAsync();

        var starts = Enumerable.Range(0, 10).Select(_ => Task.Run(() => TestServer.StartAsync(scratch.Uri))).ToList();
        var servers = await Task.WhenAll(starts);
        try
        {
            foreach (var s in servers)
            {
                var (status, body) = await s.GetAsync("/api/2.0/mlflow/experiments/get?experiment_id=0");
                Assert.Equal(200, status);
                Assert.Equal("Default", body!["experiment"]!["name"]!.GetValue<string>());
            }
        }
        finally
        {
            foreach (var s in servers) await s.DisposeAsync();
        }

        Assert.Equal("1", await scratch.ScalarAsync("SELECT count(*) FROM alembic_version"));
        Assert.Equal(SchemaInitializer.HeadRevision, await scratch.ScalarAsync("SELECT version_num FROM alembic_version"));
        Assert.Equal("1", await scratch.ScalarAsync("SELECT count(*) FROM experiments"));
        var diff = (await Catalog(scratch.Uri)).DiffAgainst(await Catalog(reference.Uri), "after 10 starts", "after 1 start").ToList();
        Assert.True(diff.Count == 0, string.Join("\n", diff));
    }

    private static async Task<SchemaCatalog> Catalog(string uri)
    {
        var b = new NpgsqlConnectionStringBuilder(Sharpflow.Store.StoreUri.Parse(uri).ConnectionString) { Pooling = false };
        await using var conn = new NpgsqlConnection(b.ConnectionString);
        await conn.OpenAsync();
        return await SchemaCatalog.ReadPostgresAsync(conn);
    }

    [PgFact]
    public async Task Clients_spread_over_two_instances_see_one_consistent_state()
    {
        await using var scratch = await PgScratch.CreateAsync();
        await using var a = await TestServer.StartAsync(scratch.Uri);
        await using var b = await TestServer.StartAsync(scratch.Uri);
        TestServer Pick(int i) => i % 2 == 0 ? a : b;

        var (_, exp) = await a.PostAsync("/api/2.0/mlflow/experiments/create", new { name = "shared" });
        var experimentId = exp!["experiment_id"]!.GetValue<string>();
        await b.PostAsync("/api/2.0/mlflow/registered-models/create", new { name = "shared-model" });

        // 8 clients: each creates its run on one instance and logs to it through the other, then registers a version
        // of one shared model through either; version numbers must come out unique and gapless.
        var clients = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            var (status, run) = await Pick(c).PostAsync("/api/2.0/mlflow/runs/create", new { experiment_id = experimentId, start_time = 1, run_name = $"client-{c}" });
            Assert.Equal(200, status);
            var runId = run!["run"]!["info"]!["run_id"]!.GetValue<string>();
            for (var batch = 0; batch < 10; batch++)
            {
                var (s, body) = await Pick(c + batch + 1).PostAsync("/api/2.0/mlflow/runs/log-batch", new
                {
                    run_id = runId,
                    metrics = Enumerable.Range(0, 20).Select(k => new { key = "loss", value = c + batch * 20 + k, timestamp = 1000 + batch * 20 + k, step = batch * 20 + k }).ToArray(),
                    @params = new[] { new { key = $"p{batch}", value = "v" } },
                    tags = new[] { new { key = "last_batch", value = batch.ToString() } },
                });
                Assert.True(s == 200, body?.ToJsonString());
            }
            var (vs, version) = await Pick(c + 1).PostAsync("/api/2.0/mlflow/model-versions/create",
                new { name = "shared-model", source = $"runs:/{runId}/model", run_id = runId });
            Assert.True(vs == 200, version?.ToJsonString());
            return (runId, version: int.Parse(version!["model_version"]!["version"]!.GetValue<string>()));
        })).ToList();
        var results = await Task.WhenAll(clients);

        Assert.Equal(Enumerable.Range(1, 8), results.Select(r => r.version).Order());
        var search = new { experiment_ids = new[] { experimentId }, order_by = new[] { "attributes.run_name ASC" }, max_results = 100 };
        var (_, fromA) = await a.PostAsync("/api/2.0/mlflow/runs/search", search);
        var (_, fromB) = await b.PostAsync("/api/2.0/mlflow/runs/search", search);
        Assert.Equal(fromA!.ToJsonString(), fromB!.ToJsonString());
        var runs = fromA["runs"]!.AsArray();
        Assert.Equal(8, runs.Count);
        foreach (var run in runs)
        {
            var data = run!["data"]!;
            Assert.Equal(10, data["params"]!.AsArray().Count);
            Assert.Equal("9", data["tags"]!.AsArray().Single(t => t!["key"]!.GetValue<string>() == "last_batch")!["value"]!.GetValue<string>());
            var latest = data["metrics"]!.AsArray().Single()!;
            Assert.Equal(199, latest["step"]!.GetValue<long>());
            var runId = run["info"]!["run_id"]!.GetValue<string>();
            var (_, history) = await b.GetAsync($"/api/2.0/mlflow/metrics/get-history?run_id={runId}&metric_key=loss&max_results=1000");
            Assert.Equal(200, history!["metrics"]!.AsArray().Count);
        }
        var (_, model) = await a.GetAsync("/api/2.0/mlflow/registered-models/get?name=shared-model");
        Assert.Equal("8", model!["registered_model"]!["latest_versions"]!.AsArray().Single()!["version"]!.GetValue<string>());
    }
}
