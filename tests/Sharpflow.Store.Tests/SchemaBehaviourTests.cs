using System.Data.Common;
using Sharpflow.Store.Schema;
using static Sharpflow.Store.Tests.TestDatabases;

namespace Sharpflow.Store.Tests;

/// <summary>
/// Behaviour the data-access code relies on and that the catalog comparison only implies:
/// id allocation for experiments, the computed span duration and the secrets trigger,
/// checked identically on both dialects.
/// </summary>
public sealed class SchemaBehaviourTests
{
    [Fact]
    public async Task Sqlite_schema_behaves_as_mlflow_expects()
    {
        using var dir = new TempDir();
        await using var conn = await CreateSqliteAsync(dir.File("behaviour.db"), SchemaScripts.Statements("sqlite"));
        await ExecAsync(conn, "PRAGMA foreign_keys = ON"); // what MLflow sets per session
        await AssertBehaviourAsync(conn, "immutable");
    }

    [PgFact]
    public async Task Postgres_schema_behaves_as_mlflow_expects()
    {
        await using var db = await PgTestDatabase.CreateAsync("behaviour");
        await db.ExecuteAsync(SchemaScripts.Statements("postgresql"));
        await using var conn = await db.OpenAsync();
        await AssertBehaviourAsync(conn, "immutable");
    }

    private static async Task AssertBehaviourAsync(DbConnection conn, string triggerMessage)
    {
        // The server creates the Default experiment with an explicit id 0; later experiments
        // get ids from the database (SQLite: max(rowid)+1; PostgreSQL: the sequence, from 1).
        await ExecAsync(conn, "INSERT INTO experiments (experiment_id, name, lifecycle_stage) VALUES (0, 'Default', 'active')");
        await ExecAsync(conn, "INSERT INTO experiments (name, lifecycle_stage) VALUES ('second', 'active')");
        Assert.Equal(1, await ScalarAsync<int>(conn, "SELECT experiment_id FROM experiments WHERE name = 'second'"));
        Assert.Equal("default", await ScalarAsync<string>(conn, "SELECT workspace FROM experiments WHERE experiment_id = 0"));

        await Assert.ThrowsAnyAsync<DbException>(() =>
            ExecAsync(conn, "INSERT INTO experiments (name, lifecycle_stage) VALUES ('bad', 'archived')"));

        await ExecAsync(conn, "INSERT INTO trace_info (request_id, experiment_id, timestamp_ms, status) VALUES ('tr-1', 1, 0, 'OK')");
        await ExecAsync(conn, """
            INSERT INTO spans (trace_id, experiment_id, span_id, status, start_time_unix_nano, end_time_unix_nano, content)
            VALUES ('tr-1', 1, 's1', 'OK', 1000, 3500, '{}')
            """);
        Assert.Equal(2500L, await ScalarAsync<long>(conn, "SELECT duration_ns FROM spans WHERE span_id = 's1'"));
        await Assert.ThrowsAnyAsync<DbException>(() => ExecAsync(conn, """
            INSERT INTO spans (trace_id, experiment_id, span_id, status, start_time_unix_nano, duration_ns, content)
            VALUES ('tr-1', 1, 's2', 'OK', 1, 5, '{}')
            """));

        var blob = conn is Npgsql.NpgsqlConnection ? @"'\x01'::bytea" : "X'01'";
        await ExecAsync(conn, $"""
            INSERT INTO secrets (secret_id, secret_name, encrypted_value, wrapped_dek, kek_version, masked_value, created_at, last_updated_at)
            VALUES ('s-1', 'key', {blob}, {blob}, 1, '***', 0, 0)
            """);
        await ExecAsync(conn, "UPDATE secrets SET masked_value = '****' WHERE secret_id = 's-1'");
        var e = await Assert.ThrowsAnyAsync<DbException>(() => ExecAsync(conn, "UPDATE secrets SET secret_name = 'other' WHERE secret_id = 's-1'"));
        Assert.Contains(triggerMessage, e.Message);

        // ON DELETE CASCADE from the trace to its spans (SQLite: only with foreign_keys on).
        await ExecAsync(conn, "DELETE FROM trace_info WHERE request_id = 'tr-1'");
        Assert.Equal(0L, await ScalarAsync<long>(conn, "SELECT COUNT(*) FROM spans"));
    }

    private static async Task ExecAsync(DbConnection conn, string sql)
    {
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }
}
