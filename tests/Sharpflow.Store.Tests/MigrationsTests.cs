using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Sharpflow.Core.Errors;
using Sharpflow.Store.Schema;
using Sharpflow.Store.Schema.Migrations;
using Sharpflow.Store.Sql;
using Xunit.Abstractions;
using static Sharpflow.Store.Tests.TestDatabases;

namespace Sharpflow.Store.Tests;

/// <summary>
/// `sharpflow db upgrade` from databases at older MLflow revisions: an MLflow 2.0 database with data
/// (<see cref="MigrationsBaseline"/>) upgraded to head must have exactly MLflow 3.11's schema (the fixtures'
/// catalog) and keep its rows; so must databases stopped at intermediate revisions (upgraded from 2.0 up to the
/// revision MLflow 2.9, 2.16 or 3.0 shipped with, or the last before workspaces, given rows in the tables of that time, then upgraded on).
/// </summary>
public sealed class MigrationsTests(ITestOutputHelper output)
{
    // The revisions MLflow 2.9, 2.16 and 3.0 shipped with, and the last one before workspaces (3.10), which has
    // every gateway table.
    private const string Mlflow29 = "acf3f17fdcc7", Mlflow216 = "4465047574b1", Mlflow30 = "6953534de441", PreWorkspaces = "c8d9e0f1a2b3";

    [Fact]
    public void Chain_runs_from_mlflow_2_0_to_head_through_every_known_revision_in_order()
    {
        var known = SchemaInitializer.KnownRevisions;
        var from = Array.IndexOf(known, SchemaMigrator.OldestRevision);
        Assert.Equal(known[(from + 1)..], SchemaMigrator.Chain.Select(m => m.Revision));
        Assert.Equal(known[from..^1], SchemaMigrator.Chain.Select(m => m.DownRevision));
        Assert.Equal(SchemaInitializer.HeadRevision, SchemaMigrator.Chain[^1].Revision);
    }

    [Fact]
    public async Task Sqlite_upgrade_from_mlflow_2_0_gives_mlflow_3_11_schema_and_keeps_data()
    {
        using var dir = new TempDir();
        await using var db = await SqliteAt20Async(dir.File("mlflow20.db"));
        var result = await SchemaMigrator.UpgradeAsync(db, log: output.WriteLine);
        Assert.Equal((UpgradeOutcome.Upgraded, SchemaMigrator.OldestRevision, SchemaInitializer.HeadRevision, SchemaMigrator.Chain.Count),
            (result.Outcome, result.From, result.To, result.Steps));

        await AssertSqliteSchemaIsMlflow311Async(dir, db);
        await using var conn = await db.OpenAsync();
        await AssertBaselineDataAsync(conn);
        Assert.Empty(await ColumnAsync(conn, "SELECT \"table\" FROM pragma_foreign_key_check"));
    }

    [PgFact]
    public async Task Postgres_upgrade_from_mlflow_2_0_gives_mlflow_3_11_schema_and_keeps_data()
    {
        await using var pg = await PgTestDatabase.CreateAsync("mig20");
        await pg.ExecuteAsync([.. MigrationsBaseline.Statements(DbKind.Postgres), .. MigrationsBaseline.Data(DbKind.Postgres)]);
        await using var db = new SqlDatabase(StoreUri.Parse(PgUri(pg)));
        var result = await SchemaMigrator.UpgradeAsync(db, log: output.WriteLine);
        Assert.Equal(SchemaMigrator.Chain.Count, result.Steps);

        await AssertPostgresSchemaIsMlflow311Async(pg);
        await using var conn = await db.OpenAsync();
        await AssertBaselineDataAsync(conn);
        // The sequence behind experiment ids still works after the re-keying.
        Assert.Equal(1L, await ScalarAsync<long>(conn, "SELECT COUNT(*) FROM pg_sequences WHERE sequencename = 'experiments_experiment_id_seq'"));
    }

    [Theory]
    [InlineData(Mlflow29)]
    [InlineData(Mlflow216)]
    [InlineData(Mlflow30)]
    [InlineData(PreWorkspaces)]
    public async Task Sqlite_upgrade_from_an_intermediate_revision_with_its_data(string revision)
    {
        using var dir = new TempDir();
        await using var db = await SqliteAt20Async(dir.File("mlflow.db"));
        await UpgradeToWithDataAsync(db, revision);
        await AssertSqliteSchemaIsMlflow311Async(dir, db);
        await using var conn = await db.OpenAsync();
        await AssertBaselineDataAsync(conn);
        await AssertIntermediateDataAsync(conn, revision);
        Assert.Empty(await ColumnAsync(conn, "SELECT \"table\" FROM pragma_foreign_key_check"));
    }

    [PgFact]
    public async Task Postgres_upgrade_from_intermediate_revisions_with_their_data()
    {
        foreach (var revision in new[] { Mlflow29, Mlflow216, Mlflow30, PreWorkspaces })
        {
            await using var pg = await PgTestDatabase.CreateAsync("mig" + revision);
            await pg.ExecuteAsync([.. MigrationsBaseline.Statements(DbKind.Postgres), .. MigrationsBaseline.Data(DbKind.Postgres)]);
            await using var db = new SqlDatabase(StoreUri.Parse(PgUri(pg)));
            await UpgradeToWithDataAsync(db, revision);
            await AssertPostgresSchemaIsMlflow311Async(pg);
            await using var conn = await db.OpenAsync();
            await AssertBaselineDataAsync(conn);
            await AssertIntermediateDataAsync(conn, revision);
        }
    }

    [Fact]
    public async Task Server_start_refuses_an_old_database_naming_db_upgrade_and_accepts_it_after_the_upgrade()
    {
        using var dir = new TempDir();
        await using var db = await SqliteAt20Async(dir.File("old.db"));
        var refused = await Assert.ThrowsAsync<MlflowException>(() => SchemaInitializer.EnsureAsync(db));
        Assert.Equal(ErrorCode.INVALID_STATE, refused.Code);
        Assert.Contains($"found version {SchemaMigrator.OldestRevision}", refused.Message);
        Assert.Contains("sharpflow db upgrade", refused.Message);

        await SchemaMigrator.UpgradeAsync(db);
        Assert.Equal(SchemaState.Current, await SchemaInitializer.EnsureAsync(db));
        var again = await SchemaMigrator.UpgradeAsync(db);
        Assert.Equal((UpgradeOutcome.AlreadyCurrent, 0), (again.Outcome, again.Steps));
    }

    [Fact]
    public async Task A_revision_older_than_mlflow_2_0_is_refused_naming_the_oldest_supported()
    {
        using var dir = new TempDir();
        await using var db = await SqliteAt20Async(dir.File("ancient.db"));
        await using (var conn = await db.OpenAsync())
            await conn.Sql("UPDATE alembic_version SET version_num = 'cc1f77228345'").ExecAsync();
        var e = await Assert.ThrowsAsync<MlflowException>(() => SchemaMigrator.UpgradeAsync(db));
        Assert.Contains($"older than MLflow 2.0's ({SchemaMigrator.OldestRevision})", e.Message);
        var start = await Assert.ThrowsAsync<MlflowException>(() => SchemaInitializer.EnsureAsync(db));
        Assert.Contains("sharpflow db upgrade", start.Message);
        Assert.Contains(SchemaMigrator.OldestRevision, start.Message);
    }

    /// <summary>
    /// A step that fails rolls back alone: the database stays at the previous revision with that revision's
    /// schema, and a rerun (after the cause is removed) carries on from there.
    /// </summary>
    [Fact]
    public async Task A_failing_step_leaves_the_previous_revision_and_a_rerun_continues()
    {
        using var dir = new TempDir();
        await using var db = await SqliteAt20Async(dir.File("stuck.db"));
        await using (var conn = await db.OpenAsync())
            await conn.Sql("CREATE TABLE logged_models (x INTEGER)").ExecAsync(); // 400f98739977 creates it
        await Assert.ThrowsAnyAsync<Exception>(() => SchemaMigrator.UpgradeAsync(db));
        await using (var conn = await db.OpenAsync())
        {
            Assert.Equal(["0584bdc529eb"], await ColumnAsync(conn, "SELECT version_num FROM alembic_version"));
            Assert.Equal(0L, await ScalarAsync<long>(conn, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'logged_model_metrics'"));
            await conn.Sql("DROP TABLE logged_models").ExecAsync();
        }
        var result = await SchemaMigrator.UpgradeAsync(db);
        Assert.Equal("0584bdc529eb", result.From);
        await AssertSqliteSchemaIsMlflow311Async(dir, db);
    }

    [Fact]
    public async Task Concurrent_upgrades_of_one_sqlite_file_both_finish_at_head()
    {
        using var dir = new TempDir();
        await using var db = await SqliteAt20Async(dir.File("race.db"));
        await using var other = new SqlDatabase(StoreUri.Parse("sqlite:///" + dir.File("race.db")));
        var results = await Task.WhenAll(Task.Run(() => SchemaMigrator.UpgradeAsync(db)), Task.Run(() => SchemaMigrator.UpgradeAsync(other)));
        Assert.Equal(SchemaMigrator.Chain.Count, results.Sum(r => r.Steps));
        await AssertSqliteSchemaIsMlflow311Async(dir, db);
    }

    // ------------------------------------------------------------------ helpers

    private static async Task<SqlDatabase> SqliteAt20Async(string path)
    {
        await using (await CreateSqliteAsync(path, [.. MigrationsBaseline.Statements(DbKind.Sqlite), .. MigrationsBaseline.Data(DbKind.Sqlite)])) { }
        return new SqlDatabase(StoreUri.Parse("sqlite:///" + path));
    }

    private static string PgUri(PgTestDatabase pg)
    {
        var b = new NpgsqlConnectionStringBuilder(pg.ConnectionString);
        var auth = Uri.EscapeDataString(b.Username ?? "postgres") + (string.IsNullOrEmpty(b.Password) ? "" : ":" + Uri.EscapeDataString(b.Password));
        return b.Host!.StartsWith('/')
            ? $"postgresql://{auth}@/{b.Database}?host={b.Host}&port={b.Port}"
            : $"postgresql://{auth}@{b.Host}:{b.Port}/{b.Database}";
    }

    private async Task AssertSqliteSchemaIsMlflow311Async(TempDir dir, SqlDatabase db)
    {
        var fixture = dir.File("fixture-" + Guid.NewGuid().ToString("N")[..6] + ".db");
        await using var mlflow = await CreateSqliteAsync(fixture, SchemaScripts.Split(SharedFixtures.Read("schema-sqlite.sql")));
        await using var conn = (SqliteConnection)await db.OpenAsync();
        AssertSameCatalog(await SchemaCatalog.ReadSqliteAsync(mlflow), await SchemaCatalog.ReadSqliteAsync(conn), output);
        Assert.Equal([SchemaInitializer.HeadRevision], await ColumnAsync(conn, "SELECT version_num FROM alembic_version"));
    }

    private async Task AssertPostgresSchemaIsMlflow311Async(PgTestDatabase upgraded)
    {
        await using var mlflowDb = await PgTestDatabase.CreateAsync("fixture");
        await mlflowDb.ExecuteAsync(MlflowPgDumpStatements());
        await using var mlflow = await mlflowDb.OpenAsync();
        await using var ours = await upgraded.OpenAsync();
        AssertSameCatalog(await SchemaCatalog.ReadPostgresAsync(mlflow), await SchemaCatalog.ReadPostgresAsync(ours), output);
        Assert.Equal([SchemaInitializer.HeadRevision], await ColumnAsync(ours, "SELECT version_num FROM alembic_version"));
    }

    private static async Task AssertBaselineDataAsync(DbConnection conn)
    {
        Assert.Equal(["0|Default|active|default", "1|exp-one|active|default", "7|gone|deleted|default"],
            await ColumnAsync(conn, "SELECT experiment_id || '|' || name || '|' || lifecycle_stage || '|' || workspace FROM experiments ORDER BY experiment_id"));
        Assert.Equal(["team=ml"], await ColumnAsync(conn, "SELECT key || '=' || value FROM experiment_tags"));
        Assert.Equal(["r1|FINISHED|active", "r2|KILLED|deleted"], await ColumnAsync(conn, "SELECT run_uuid || '|' || status || '|' || lifecycle_stage FROM runs ORDER BY run_uuid"));
        Assert.Equal(4L, await ScalarAsync<long>(conn, "SELECT COUNT(*) FROM metrics"));
        Assert.Equal(1L, await ScalarAsync<long>(conn, "SELECT COUNT(*) FROM metrics WHERE is_nan AND step = 2"));
        Assert.Equal(2L, await ScalarAsync<long>(conn, "SELECT COUNT(*) FROM latest_metrics"));
        Assert.Equal(["lr=0.01", "long=" + new string('p', 450)], await ColumnAsync(conn, "SELECT key || '=' || value FROM params ORDER BY key DESC"));
        Assert.Equal(2L, await ScalarAsync<long>(conn, "SELECT COUNT(*) FROM tags WHERE run_uuid = 'r1'"));
        Assert.Equal(["default|model-a|the model"], await ColumnAsync(conn, "SELECT workspace || '|' || name || '|' || description FROM registered_models"));
        Assert.Equal(["default|1|Production", "default|2|None"],
            await ColumnAsync(conn, "SELECT workspace || '|' || version || '|' || current_stage FROM model_versions ORDER BY version"));
        Assert.Equal(["default|owner=ann"], await ColumnAsync(conn, "SELECT workspace || '|' || key || '=' || value FROM registered_model_tags"));
        Assert.Equal(["default|2|validated=yes"], await ColumnAsync(conn, "SELECT workspace || '|' || version || '|' || key || '=' || value FROM model_version_tags"));
        // The workspaces step's data: the one workspace every existing row now belongs to.
        Assert.Equal(["default|Default workspace for legacy resources"], await ColumnAsync(conn, "SELECT name || '|' || description FROM workspaces"));
    }

    /// <summary>Upgrades to <paramref name="revision"/>, adds rows to tables that exist there, then upgrades to head.</summary>
    private async Task UpgradeToWithDataAsync(SqlDatabase db, string revision)
    {
        var partial = await SchemaMigrator.UpgradeAsync(db, revision);
        Assert.Equal(revision, partial.To);
        await using (var conn = await db.OpenAsync())
        {
            Assert.Equal([revision], await ColumnAsync(conn, "SELECT version_num FROM alembic_version"));
            var sqlite = db.Dialect.Kind == DbKind.Sqlite;
            string[] rows =
            [
                // Since 2.4/2.9: datasets and run inputs, an alias (2.3), a model version's storage location (2.9).
                "INSERT INTO datasets (dataset_uuid, experiment_id, name, digest, dataset_source_type, dataset_source) VALUES ('d1', 1, 'train', 'abc', 'local', '{}')",
                "INSERT INTO inputs (input_uuid, source_type, source_id, destination_type, destination_id) VALUES ('i1', 'DATASET', 'd1', 'RUN', 'r1')",
                "INSERT INTO registered_model_aliases (alias, version, name) VALUES ('champion', 2, 'model-a')",
                "UPDATE model_versions SET storage_location = 's3://b/m' WHERE version = 1",
                .. revision == Mlflow29 ? Array.Empty<string>() :
                [
                    // Since 2.14: traces.
                    "INSERT INTO trace_info (request_id, experiment_id, timestamp_ms, execution_time_ms, status) VALUES ('tr-1', 1, 5, 6, 'OK')",
                    "INSERT INTO trace_tags (key, value, request_id) VALUES ('k', 'v', 'tr-1')",
                ],
                .. revision != PreWorkspaces ? Array.Empty<string>() :
                [
                    // Since 3.5-3.9: gateway secrets (with the immutability trigger), endpoints, jobs, webhooks.
                    $"INSERT INTO secrets (secret_id, secret_name, encrypted_value, wrapped_dek, kek_version, masked_value, created_at, last_updated_at) " +
                    $"VALUES ('s1', 'openai', {(sqlite ? "X'01'" : "'\\x01'::bytea")}, {(sqlite ? "X'02'" : "'\\x02'::bytea")}, 1, 'sk-***', 1, 1)",
                    "INSERT INTO endpoints (endpoint_id, name, created_at, last_updated_at, experiment_id) VALUES ('e1', 'chat', 1, 1, 1)",
                    "INSERT INTO jobs (id, creation_time, job_name, params, status, retry_count, last_update_time) VALUES ('j1', 1, 'eval', '{}', 0, 0, 1)",
                    "INSERT INTO webhooks (webhook_id, name, url, status) VALUES ('w1', 'hook', 'https://example.com', 'ACTIVE')",
                ],
            ];
            foreach (var sql in rows) await conn.Sql(sql).ExecAsync();
        }
        var rest = await SchemaMigrator.UpgradeAsync(db, log: output.WriteLine);
        Assert.Equal((revision, SchemaInitializer.HeadRevision), (rest.From, rest.To));
    }

    private static async Task AssertIntermediateDataAsync(DbConnection conn, string revision)
    {
        Assert.Equal(["d1|train"], await ColumnAsync(conn, "SELECT dataset_uuid || '|' || name FROM datasets"));
        // inputs.step (3.0) is backfilled with its default.
        Assert.Equal(["i1|0"], await ColumnAsync(conn, "SELECT input_uuid || '|' || step FROM inputs"));
        Assert.Equal(["default|champion|2"], await ColumnAsync(conn, "SELECT workspace || '|' || alias || '|' || version FROM registered_model_aliases"));
        Assert.Equal(["s3://b/m"], await ColumnAsync(conn, "SELECT storage_location FROM model_versions WHERE version = 1"));
        if (revision != Mlflow29)
        {
            Assert.Equal(["tr-1|OK"], await ColumnAsync(conn, "SELECT request_id || '|' || status FROM trace_info WHERE client_request_id IS NULL"));
            Assert.Equal(["k=v"], await ColumnAsync(conn, "SELECT key || '=' || value FROM trace_tags"));
        }
        if (revision == PreWorkspaces)
        {
            Assert.Equal(["default|openai"], await ColumnAsync(conn, "SELECT workspace || '|' || secret_name FROM secrets"));
            Assert.Equal(["default|chat|1"], await ColumnAsync(conn, "SELECT workspace || '|' || name || '|' || experiment_id FROM endpoints"));
            Assert.Equal(["default|eval"], await ColumnAsync(conn, "SELECT workspace || '|' || job_name FROM jobs"));
            Assert.Equal(["default|hook"], await ColumnAsync(conn, "SELECT workspace || '|' || name FROM webhooks"));
            // The trigger survived the secrets rebuild: the names used as encryption context cannot change.
            await Assert.ThrowsAnyAsync<DbException>(() => conn.Sql("UPDATE secrets SET secret_name = 'other'").ExecAsync());
        }
    }
}
