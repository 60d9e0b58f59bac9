using System.Diagnostics;
using Sharpflow.Store;
using Sharpflow.Store.Schema;
using Sharpflow.Store.Sql;
using Xunit.Abstractions;

namespace Sharpflow.Http.Tests.Cli;

/// <summary>
/// The built `sharpflow gc` as an operator runs it: MLflow's errors as one line, and a run with five million metric
/// rows deleted within 200 MiB of memory (peak RSS read from /proc while it runs).
/// </summary>
[Collection(ProcessWideCollection.Name)]
public class GcProcessTests(ITestOutputHelper log)
{
    private const long MetricRows = 5_000_000;
    private const long MemoryLimit = 200L * 1024 * 1024;

    /// <summary>A schema'd database with one experiment and a deleted run (deleted a week ago) holding <paramref name="metrics"/> metric rows.</summary>
    private static async Task<SqlDatabase> SeedAsync(string uri, string artifactFolder, long metrics, string runStage = "deleted")
    {
        var db = new SqlDatabase(StoreUri.Parse(uri));
        await SchemaInitializer.EnsureAsync(db);
        var weekAgo = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 7 * 86_400_000L;
        // One statement that makes the rows inside the database: seeding through the client would take minutes.
        var series = db.Dialect.Kind == DbKind.Sqlite
            ? "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < @count - 1) SELECT i FROM n"
            : "SELECT i FROM generate_series(0, @count - 1) AS n(i)";
        await db.WriteAsync(async (c, tx) =>
        {
            await c.Sql("INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time) " +
                        "VALUES (1, 'big', @a, 'active', 0, 0)", tx).P("@a", artifactFolder).ExecAsync();
            await c.Sql("INSERT INTO runs (run_uuid, name, source_type, status, start_time, lifecycle_stage, artifact_uri, experiment_id, deleted_time, user_id) " +
                        "VALUES ('bigrun', 'big', 'LOCAL', 'FINISHED', 0, @s, @u, 1, @d, 'u')", tx)
                .P("@s", runStage).P("@u", Path.Combine(artifactFolder, "bigrun", "artifacts")).P("@d", weekAgo).ExecAsync();
            var insert = c.Sql($"INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) SELECT 'loss', i * 0.5, i, 'bigrun', i, {(db.Dialect.Kind == DbKind.Sqlite ? "0" : "false")} FROM ({series}) s", tx)
                .P("@count", metrics);
            insert.CommandTimeout = 600;
            await insert.ExecAsync();
            await c.Sql("INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES ('loss', 1, 1, 1, @f, 'bigrun')", tx).P("@f", false).ExecAsync();
        });
        Directory.CreateDirectory(Path.Combine(artifactFolder, "bigrun", "artifacts"));
        await File.WriteAllTextAsync(Path.Combine(artifactFolder, "bigrun", "artifacts", "model.bin"), "weights");
        return db;
    }

    /// <summary>Runs sharpflow to the end, sampling its peak resident set (VmHWM) until it exits.</summary>
    private static async Task<(SharpflowProcess.Result Result, long PeakBytes)> RunMeasuredAsync(string[] args, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        using var p = SharpflowProcess.Start(args, null, null, out var stdout, out var stderr);
        long peak = 0;
        using var cts = new CancellationTokenSource(timeout);
        while (!p.HasExited && !cts.IsCancellationRequested)
        {
            try
            {
                foreach (var line in await File.ReadAllLinesAsync($"/proc/{p.Id}/status"))
                    if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                        peak = Math.Max(peak, long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024);
            }
            catch (IOException) { } // exited between the check and the read
            await Task.Delay(50);
        }
        if (!p.HasExited)
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"sharpflow {string.Join(' ', args)} did not finish within {timeout}; stderr: {stderr}");
        }
        p.WaitForExit();
        return (new SharpflowProcess.Result(p.ExitCode, stdout.ToString(), stderr.ToString(), watch.Elapsed), peak);
    }

    private async Task AssertFiveMillionRowRunIsCollectedAsync(string uri, TempDir dir, SqlDatabase db)
    {
        var artifacts = dir.File("artifacts");
        var (r, peak) = await RunMeasuredAsync(["gc", "--backend-store-uri", uri, "--older-than", "1d"], TimeSpan.FromMinutes(5));
        log.WriteLine($"gc of a {MetricRows:N0}-metric run: {r.Elapsed.TotalSeconds:F1} s, peak RSS {peak / 1024.0 / 1024.0:F1} MiB");
        log.WriteLine(r.Stderr.Length > 2000 ? r.Stderr[^2000..] : r.Stderr);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("Run with ID bigrun has been permanently deleted.", r.Stdout);
        Assert.Contains("gc: run 1/1 bigrun: done, 5,000,002 rows deleted", r.Stderr);
        Assert.Contains("rows deleted so far", r.Stderr); // progress while it works, not only at the end
        Assert.InRange(peak, 1, MemoryLimit);
        Assert.Equal(0L, await db.ReadAsync(async c => Convert.ToInt64(await c.Sql("SELECT COUNT(*) FROM metrics").ScalarAsync())));
        Assert.Equal(0L, await db.ReadAsync(async c => Convert.ToInt64(await c.Sql("SELECT COUNT(*) FROM runs").ScalarAsync())));
        Assert.False(Directory.Exists(Path.Combine(artifacts, "bigrun", "artifacts")));
    }

    [Fact]
    public async Task Five_million_metric_rows_are_deleted_in_bounded_memory_on_sqlite()
    {
        using var dir = new TempDir();
        var uri = $"sqlite:///{dir.File("big.db")}";
        await using var db = await SeedAsync(uri, dir.File("artifacts"), MetricRows);
        await AssertFiveMillionRowRunIsCollectedAsync(uri, dir, db);
    }

    [SlowPgFact]
    public async Task Five_million_metric_rows_are_deleted_in_bounded_memory_on_postgres()
    {
        using var dir = new TempDir();
        await using var pg = await PgScratch.CreateAsync();
        await using (var db = await SeedAsync(pg.Uri, dir.File("artifacts"), MetricRows))
            await AssertFiveMillionRowRunIsCollectedAsync(pg.Uri, dir, db);
    }

    [Fact]
    public async Task Errors_are_mlflows_messages_on_one_line()
    {
        using var dir = new TempDir();
        var uri = $"sqlite:///{dir.File("m.db")}";
        await (await SeedAsync(uri, dir.File("artifacts"), 10, runStage: "active")).DisposeAsync();
        static void AssertError(SharpflowProcess.Result r, int code, string message)
        {
            Assert.True(r.ExitCode == code, $"exit {r.ExitCode}; stdout: {r.Stdout} stderr: {r.Stderr}");
            SharpflowProcess.AssertNoStackTrace(r.Stderr + r.Stdout);
            Assert.Equal("Error: " + message, r.Stderr.Trim());
        }
        var quick = TimeSpan.FromSeconds(30);
        AssertError(await SharpflowProcess.RunAsync(["gc", "--backend-store-uri", uri, "--run-ids", "bigrun"], timeout: quick), 1,
            "Run bigrun is not in `deleted` lifecycle stage. Only runs in `deleted` lifecycle stage can be deleted.");
        AssertError(await SharpflowProcess.RunAsync(["gc", "--backend-store-uri", uri, "--older-than", "3 days"], timeout: quick), 1,
            "Could not parse any time information from '3 days'. Examples of valid strings: '8h', '2d8h5m20s', '2m4s'");
        AssertError(await SharpflowProcess.RunAsync(["gc", "--backend-store-uri", uri, "--workspace", "team-a"], timeout: quick), 1,
            "Workspace selection flags are only supported when the tracking store supports workspaces.");
        AssertError(await SharpflowProcess.RunAsync(["gc", "--backend-store-uri", uri, "--workspace", "default", "--all-workspaces"], timeout: quick), 2,
            "Cannot use --workspace and --all-workspaces together.");
        // The backend comes from MLFLOW_BACKEND_STORE_URI like `sharpflow server`; nothing deleted means nothing printed.
        var ok = await SharpflowProcess.RunAsync(["gc", "--older-than", "1d", "--tracking-uri", "http://localhost:5000"],
            new Dictionary<string, string?> { ["MLFLOW_BACKEND_STORE_URI"] = uri }, quick);
        Assert.True(ok.ExitCode == 0, ok.Stderr);
        Assert.Equal("", ok.Stdout);
    }
}

/// <summary>
/// The PostgreSQL 5-million-row gc: about 75 s on a loaded 2-core machine (45 s of it seeding the rows, which
/// PostgreSQL indexes three times), so it runs when SHARPFLOW_TEST_SLOW=1 as well as SHARPFLOW_TEST_PG are set.
/// The SQLite variant, always run, covers the same code path: no deletion loads rows on either database.
/// </summary>
public sealed class SlowPgFactAttribute : FactAttribute
{
    public SlowPgFactAttribute()
    {
        if (TestServer.PgAdminUri is null) Skip = "SHARPFLOW_TEST_PG is not set";
        else if (Environment.GetEnvironmentVariable("SHARPFLOW_TEST_SLOW") != "1") Skip = "slow (about 75 s): set SHARPFLOW_TEST_SLOW=1 to run it";
    }
}
