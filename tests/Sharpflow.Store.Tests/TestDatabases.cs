using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Npgsql;
using Sharpflow.Store.Schema;
using Xunit.Abstractions;

namespace Sharpflow.Store.Tests;

internal static class TestDatabases
{
    /// <summary>A new SQLite file made by running <paramref name="statements"/> in one transaction.</summary>
    public static async Task<SqliteConnection> CreateSqliteAsync(string path, IEnumerable<string> statements)
    {
        var conn = OpenSqlite(path);
        await using var tx = conn.BeginTransaction();
        foreach (var sql in statements)
        {
            await using var cmd = conn.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = sql;
            try
            {
                await cmd.ExecuteNonQueryAsync();
            }
            catch (SqliteException e)
            {
                throw new InvalidOperationException($"Statement failed in {path}: {e.Message}\n{sql}", e);
            }
        }
        await tx.CommitAsync();
        return conn;
    }

    // No pooling: a pooled handle would keep the temp file open after the test.
    public static SqliteConnection OpenSqlite(string path)
    {
        var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        conn.Open();
        return conn;
    }

    /// <summary>
    /// The executable part of MLflow's pg_dump: psql meta-commands (\restrict ...),
    /// session SETs, the search_path reset and ownership changes are dropped.
    /// </summary>
    public static IReadOnlyList<string> MlflowPgDumpStatements()
    {
        var dump = SharedFixtures.Read("schema-postgresql.sql");
        var withoutMeta = string.Join('\n', dump.Split('\n').Where(l => !l.StartsWith('\\')));
        return SchemaScripts.Split(withoutMeta)
            .Where(s => !Regex.IsMatch(s, @"^(SET\s|SELECT\s+pg_catalog\.set_config\s*\()", RegexOptions.IgnoreCase))
            .Where(s => !Regex.IsMatch(s, @"^ALTER\s.*\sOWNER\s+TO\s", RegexOptions.IgnoreCase | RegexOptions.Singleline))
            .ToList();
    }

    public static async Task<T> ScalarAsync<T>(System.Data.Common.DbConnection conn, string sql)
    {
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        return (T)Convert.ChangeType((await cmd.ExecuteScalarAsync())!, typeof(T));
    }

    public static async Task<List<string>> ColumnAsync(System.Data.Common.DbConnection conn, string sql)
    {
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        await using var reader = await cmd.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync()) values.Add(reader.GetString(0));
        return values;
    }

    public static void AssertSameCatalog(SchemaCatalog expected, SchemaCatalog actual, ITestOutputHelper output,
        string expectedName = "mlflow", string actualName = "sharpflow")
    {
        var diff = actual.DiffAgainst(expected, actualName, expectedName).ToList();
        if (diff.Count == 0) return;
        foreach (var line in diff) output.WriteLine(line);
        Assert.Fail($"{diff.Count} schema difference(s) between {actualName} and {expectedName}:\n{string.Join("\n", diff)}");
    }

    public static async Task<int> PgServerMajorAsync(NpgsqlConnection conn) =>
        await ScalarAsync<int>(conn, "SELECT current_setting('server_version_num')::int / 10000");

    /// <summary>A pg_dump of the given major version: $PG_BIN, Debian's layout, then PATH.</summary>
    public static string? FindPgDump(int major)
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("PG_BIN") is { Length: > 0 } bin) candidates.Add(Path.Combine(bin, "pg_dump"));
        candidates.Add($"/usr/lib/postgresql/{major}/bin/pg_dump");
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, "pg_dump")));
        foreach (var path in candidates.Where(File.Exists))
        {
            var (exit, stdout, _) = Run(path, ["--version"], null);
            var m = Regex.Match(stdout, @"\(PostgreSQL\)\s+(\d+)");
            if (exit == 0 && m.Success && int.Parse(m.Groups[1].Value) == major) return path;
        }
        return null;
    }

    public static (int Exit, string Stdout, string Stderr) Run(string file, IEnumerable<string> args, IDictionary<string, string>? env)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout, stderr.Result);
    }
}
