using Sharpflow.Store;
using Sharpflow.Store.Schema;
using Sharpflow.Store.Schema.Migrations;
using Sharpflow.Store.Sql;
using Sharpflow.Store.Tests;

namespace Sharpflow.Http.Tests.Cli;

/// <summary>
/// The operator's path with a database MLflow 2.0 made: the server refuses it with one line naming
/// `sharpflow db upgrade`, the command upgrades it step by step, and the server then serves its data.
/// </summary>
[Collection(ProcessWideCollection.Name)]
public class DbUpgradeProcessTests
{
    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task An_mlflow_2_0_database_is_refused_then_upgraded_then_served(Backend backend)
    {
        using var dir = new TempDir();
        await using var pg = backend == Backend.Postgres ? await PgScratch.CreateAsync() : null;
        var uri = pg?.Uri ?? $"sqlite:///{dir.File("mlflow20.db")}";
        var kind = pg is null ? DbKind.Sqlite : DbKind.Postgres;
        await using (var db = new SqlDatabase(StoreUri.Parse(uri)))
        await using (var conn = await db.OpenAsync())
            foreach (var sql in MigrationsBaseline.Statements(kind).Concat(MigrationsBaseline.Data(kind)))
                await conn.Sql(sql).ExecAsync();

        var port = SharpflowProcess.FreePort();
        string[] serve = ["server", "--backend-store-uri", uri, "--artifacts-destination", dir.File("a"), "--port", port.ToString()];
        var refused = await SharpflowProcess.RunAsync(serve, timeout: TimeSpan.FromSeconds(20));
        Assert.NotEqual(0, refused.ExitCode);
        SharpflowProcess.AssertNoStackTrace(refused.Stderr + refused.Stdout);
        Assert.Contains("sharpflow db upgrade", refused.Stderr);
        Assert.Contains(SchemaMigrator.OldestRevision, refused.Stderr);

        var upgrade = await SharpflowProcess.RunAsync(["db", "upgrade", uri], timeout: TimeSpan.FromSeconds(60));
        Assert.True(upgrade.ExitCode == 0, upgrade.Stderr);
        Assert.Contains($"Upgraded the database from revision {SchemaMigrator.OldestRevision} to {SchemaInitializer.HeadRevision}", upgrade.Stdout);
        Assert.Contains("1b5f0d9ad7c1", upgrade.Stdout); // one line per step

        using var p = SharpflowProcess.Start(serve, null, dir.Path, out _, out var stderr);
        try
        {
            Assert.True(await SharpflowProcess.WaitHealthyAsync(p, $"http://127.0.0.1:{port}/health", TimeSpan.FromSeconds(30)), stderr.ToString());
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/api/2.0/mlflow/") };
            var experiment = await http.GetStringAsync("experiments/get-by-name?experiment_name=exp-one");
            Assert.Contains("\"experiment_id\":\"1\"", experiment);
            Assert.Contains("\"team\"", experiment);
            var run = await http.GetStringAsync("runs/get?run_id=r1");
            Assert.Contains("\"loss\"", run);
            Assert.Contains(new string('p', 450), run);
            var model = await http.GetStringAsync("registered-models/get?name=model-a");
            Assert.Contains("\"owner\"", model);
            Assert.Contains("\"validated\"", await http.GetStringAsync("model-versions/get?name=model-a&version=2"));
        }
        finally
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }
    }
}
