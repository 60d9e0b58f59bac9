using System.Net;
using Npgsql;

namespace Sharpflow.Http.Tests.Store;

/// <summary>
/// PostgreSQL going away and coming back (a restart, a Cloud SQL failover, a proxy dropping idle connections):
/// pooled connections that died are replaced without failing requests, and while the database is really down
/// requests get 503 TEMPORARILY_UNAVAILABLE in MLflow's JSON, never a 500.
/// </summary>
public class DatabaseOutageTests
{
    [PgFact]
    public async Task Dropped_pooled_connections_are_replaced_and_an_outage_answers_503_until_the_database_is_back()
    {
        await using var scratch = await PgScratch.CreateAsync();
        var b = new NpgsqlConnectionStringBuilder(Sharpflow.Store.StoreUri.Parse(scratch.Uri).ConnectionString);
        await using var relay = new TcpRelay(new IPEndPoint(IPAddress.Loopback, b.Port));
        var viaRelay = $"postgresql://{Uri.EscapeDataString(b.Username!)}@127.0.0.1:{relay.Port}/{scratch.Name}";
        await using var s = await TestServer.StartAsync(viaRelay);

        var (status, created) = await s.PostAsync("/api/2.0/mlflow/experiments/create", new { name = "outage" });
        Assert.Equal(200, status);
        var id = created!["experiment_id"]!.GetValue<string>();

        // Every pooled connection dies at once, as in a failover; the database itself is back immediately.
        relay.Cut();
        relay.Restore();
        (status, _) = await s.GetAsync($"/api/2.0/mlflow/experiments/get?experiment_id={id}");
        Assert.Equal(200, status);
        relay.Cut();
        relay.Restore();
        (status, var run) = await s.PostAsync("/api/2.0/mlflow/runs/create", new { experiment_id = id, start_time = 1 });
        Assert.Equal(200, status);

        // Down for longer than the retries: a clear 503 for reads and writes, and /ready says so while /health does not.
        relay.Cut();
        Assert.Equal(503, (await s.GetAsync("/ready")).Status);
        Assert.Equal(200, (await s.GetAsync("/health")).Status);
        (status, var body) = await s.GetAsync($"/api/2.0/mlflow/experiments/get?experiment_id={id}");
        Assert.Equal(503, status);
        Assert.Equal("TEMPORARILY_UNAVAILABLE", body!["error_code"]!.GetValue<string>());
        (status, body) = await s.PostAsync("/api/2.0/mlflow/runs/log-metric",
            new { run_id = run!["run"]!["info"]!["run_id"]!.GetValue<string>(), key = "m", value = 1, timestamp = 1, step = 0 });
        Assert.Equal(503, status);
        Assert.Equal("TEMPORARILY_UNAVAILABLE", body!["error_code"]!.GetValue<string>());

        relay.Restore();
        Assert.Equal(200, (await s.GetAsync("/ready")).Status);
        (status, body) = await s.PostAsync("/api/2.0/mlflow/runs/search", new { experiment_ids = new[] { id } });
        Assert.Equal(200, status);
        Assert.Single(body!["runs"]!.AsArray());
        Assert.Null(body["runs"]![0]!["data"]!["metrics"]); // the write during the outage left nothing behind
    }
}
