using Microsoft.Data.Sqlite;
using Sharpflow.Store;
using Sharpflow.Store.Schema;
using Sharpflow.Store.Sql;

namespace Sharpflow.Http.Tests.Cli;

/// <summary>
/// The built `sharpflow` executable as an operator runs it: --version, the port from PORT (Cloud Run) or MLFLOW_PORT,
/// --static-prefix, and startup failures that end quickly with one line of error and no stack trace.
/// </summary>
[Collection(ProcessWideCollection.Name)]
public class CliProcessTests
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(20);

    private static void AssertOneLineError(SharpflowProcess.Result r, params string[] parts)
    {
        Assert.True(r.ExitCode != 0, $"expected a failure exit code; stdout: {r.Stdout} stderr: {r.Stderr}");
        SharpflowProcess.AssertNoStackTrace(r.Stderr + r.Stdout);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("Error: ", line);
        foreach (var part in parts) Assert.Contains(part, line);
    }

    [Fact]
    public async Task Version_prints_mlflow_style_and_exits_zero()
    {
        var r = await SharpflowProcess.RunAsync(["--version"], timeout: Quick);
        Assert.Equal(0, r.ExitCode);
        Assert.Matches(@"^sharpflow, version \d+\.\d+\.\d+ \(MLflow 3\.11[^)]* compatible\)\s*$", r.Stdout);
        Assert.Empty(r.Stderr);
    }

    private static async Task<(bool Healthy, string Stderr)> ServeAsync(string[] args, Dictionary<string, string?> env, string healthUrl)
    {
        using var dir = new TempDir();
        using var p = SharpflowProcess.Start(["server", "--backend-store-uri", $"sqlite:///{dir.File("mlflow.db")}", "--artifacts-destination", dir.File("a"), .. args],
            env, dir.Path, out _, out var stderr);
        try
        {
            return (await SharpflowProcess.WaitHealthyAsync(p, healthUrl, TimeSpan.FromSeconds(30)), stderr.ToString());
        }
        finally
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Port_comes_from_PORT_when_neither_the_flag_nor_MLFLOW_PORT_is_set()
    {
        var port = SharpflowProcess.FreePort();
        var (healthy, stderr) = await ServeAsync([], new() { ["PORT"] = port.ToString() }, $"http://127.0.0.1:{port}/health");
        Assert.True(healthy, $"no answer on PORT={port}: {stderr}");

        var mlflowPort = SharpflowProcess.FreePort();
        (healthy, stderr) = await ServeAsync([], new() { ["PORT"] = SharpflowProcess.FreePort().ToString(), ["MLFLOW_PORT"] = mlflowPort.ToString() },
            $"http://127.0.0.1:{mlflowPort}/health");
        Assert.True(healthy, $"MLFLOW_PORT={mlflowPort} should win over PORT: {stderr}");

        var flagPort = SharpflowProcess.FreePort();
        (healthy, stderr) = await ServeAsync(["--port", flagPort.ToString()], new() { ["MLFLOW_PORT"] = SharpflowProcess.FreePort().ToString() },
            $"http://127.0.0.1:{flagPort}/health");
        Assert.True(healthy, $"--port {flagPort} should win over MLFLOW_PORT: {stderr}");
    }

    [Fact]
    public async Task Static_prefix_serves_routes_under_the_prefix()
    {
        var port = SharpflowProcess.FreePort();
        var (healthy, stderr) = await ServeAsync(["--port", port.ToString(), "--static-prefix", "/mlflow"], [], $"http://127.0.0.1:{port}/mlflow/health");
        Assert.True(healthy, stderr);

        var badPrefix = await SharpflowProcess.RunAsync(["server", "--static-prefix", "mlflow/"], timeout: Quick);
        Assert.Equal(2, badPrefix.ExitCode);
        SharpflowProcess.AssertNoStackTrace(badPrefix.Stderr);
        Assert.Contains("--static-prefix must begin with a '/' and not end with a '/'", badPrefix.Stderr);
    }

    [Fact]
    public async Task Unreachable_postgresql_fails_fast_with_one_line()
    {
        var r = await SharpflowProcess.RunAsync(["server", "--backend-store-uri", "postgresql://u:s3cr3t-pw@127.0.0.1:1/db", "--port", SharpflowProcess.FreePort().ToString()],
            timeout: TimeSpan.FromSeconds(30));
        AssertOneLineError(r, "127.0.0.1:1");
        Assert.True(r.Elapsed < TimeSpan.FromSeconds(10), $"took {r.Elapsed}");
        Assert.DoesNotContain("s3cr3t-pw", r.Stderr + r.Stdout);
    }

    [Theory]
    [InlineData("mysql://u@h/db", "unsupported database dialect 'mysql'")]
    [InlineData("sqlite:///:memory:", "in-memory SQLite")]
    [InlineData("postgresql://u:topsecret@h:port/db", "invalid port")]
    [InlineData("postgresql://u:topsecret@h/db?port=abc", "port")]
    [InlineData("postgresql://u:topsecret@h/db?sslmode=sometimes", "sslmode")]
    public async Task A_bad_store_uri_is_one_line_without_secrets(string uri, string reason)
    {
        var r = await SharpflowProcess.RunAsync(["server", "--backend-store-uri", uri], timeout: Quick);
        AssertOneLineError(r, "Invalid backend store URI", reason);
        Assert.DoesNotContain("topsecret", r.Stderr);
    }

    [Fact]
    public async Task A_bad_variable_is_a_usage_error_not_a_crash()
    {
        var r = await SharpflowProcess.RunAsync(["server"], new Dictionary<string, string?> { ["MLFLOW_PORT"] = "abc" }, Quick);
        Assert.NotEqual(0, r.ExitCode);
        SharpflowProcess.AssertNoStackTrace(r.Stderr + r.Stdout);
        Assert.Contains("MLFLOW_PORT", r.Stderr);
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task An_older_mlflow_revision_is_refused_with_a_pointer_to_db_upgrade(Backend backend)
    {
        using var dir = new TempDir();
        await using var pg = backend == Backend.Postgres ? await PgScratch.CreateAsync() : null;
        var uri = pg?.Uri ?? $"sqlite:///{dir.File("old.db")}";

        // A fresh database through `sharpflow db upgrade`, then stamped with MLflow 1.x's first revision.
        var upgrade = await SharpflowProcess.RunAsync(["db", "upgrade", uri], timeout: Quick);
        Assert.True(upgrade.ExitCode == 0, upgrade.Stderr);
        Assert.Contains(SchemaInitializer.HeadRevision, upgrade.Stdout);
        var again = await SharpflowProcess.RunAsync(["db", "upgrade", uri], timeout: Quick);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("already at revision", again.Stdout);

        const string old = "451aebb31d03";
        const string countTables = "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()";
        string tablesBefore;
        if (pg is not null)
        {
            await pg.ScalarAsync($"UPDATE alembic_version SET version_num = '{old}'");
            tablesBefore = (await pg.ScalarAsync(countTables))!;
        }
        else
        {
            using var conn = new SqliteConnection($"Data Source={dir.File("old.db")};Pooling=False");
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = $"UPDATE alembic_version SET version_num = '{old}'";
            cmd.ExecuteNonQuery();
            cmd.CommandText = "SELECT COUNT(*) FROM sqlite_master";
            tablesBefore = Convert.ToString(cmd.ExecuteScalar())!;
        }

        var r = await SharpflowProcess.RunAsync(["server", "--backend-store-uri", uri, "--port", SharpflowProcess.FreePort().ToString()], timeout: Quick);
        AssertOneLineError(r, "sharpflow db upgrade", old, SchemaInitializer.HeadRevision);

        // Nothing was changed by the refused start.
        await using var db = new SqlDatabase(StoreUri.Parse(uri));
        await using (var conn = await db.OpenAsync())
            Assert.Equal(old, await SchemaInitializer.ReadRevisionAsync(conn, db, CancellationToken.None));
        if (pg is not null) Assert.Equal(tablesBefore, await pg.ScalarAsync(countTables));
        else
        {
            using var conn = new SqliteConnection($"Data Source={dir.File("old.db")};Pooling=False");
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM sqlite_master";
            Assert.Equal(tablesBefore, Convert.ToString(cmd.ExecuteScalar()));
        }
    }
}
