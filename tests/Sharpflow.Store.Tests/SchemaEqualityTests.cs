using System.Text.RegularExpressions;
using Npgsql;
using Sharpflow.Store.Schema;
using Xunit.Abstractions;
using static Sharpflow.Store.Tests.TestDatabases;

namespace Sharpflow.Store.Tests;

/// <summary>
/// Our DDL must create exactly the catalog MLflow 3.11 creates, so that either server can
/// use a database made by the other. The references are MLflow's own schema dumps and a
/// database written by MLflow; each test builds fresh databases and compares catalogs.
/// </summary>
public sealed class SchemaEqualityTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Sqlite_created_schema_equals_mlflow_fixture_schema()
    {
        using var dir = new TempDir();
        var fixtureSql = SharedFixtures.Read("schema-sqlite.sql");
        await using var mlflowDb = await CreateSqliteAsync(dir.File("mlflow.db"), SchemaScripts.Split(fixtureSql));
        await using var ourDb = await CreateSqliteAsync(dir.File("sharpflow.db"), SchemaScripts.Statements("sqlite"));

        var mlflow = await SchemaCatalog.ReadSqliteAsync(mlflowDb);
        var ours = await SchemaCatalog.ReadSqliteAsync(ourDb);
        AssertSameCatalog(mlflow, ours, output);

        // Guard against a vacuous pass (a reader that sees nothing compares equal, too).
        Assert.Equal(48, mlflow.Tables.Count);
        Assert.Equal(Regex.Matches(fixtureSql, @"^CREATE TABLE", RegexOptions.Multiline).Count, mlflow.Tables.Count);
        Assert.Equal(Regex.Matches(fixtureSql, @"^CREATE (UNIQUE )?INDEX", RegexOptions.Multiline).Count,
            mlflow.Tables.Values.Sum(t => t.Indexes.Count));
        Assert.Single(mlflow.Triggers);
        Assert.Equal("GENERATED ALWAYS AS (end_time_unix_nano - start_time_unix_nano) STORED",
            mlflow.Tables["spans"].Column("duration_ns")!.Generated);
        Assert.Equal(7, mlflow.Tables.Values.Sum(t => t.CheckConstraints.Count));
        Assert.Equal("experiment_pk", mlflow.Tables["experiments"].PrimaryKey!.Name);

        Assert.Equal([SchemaScripts.HeadRevision], await ColumnAsync(ourDb, "SELECT version_num FROM alembic_version"));
    }

    [Fact]
    public async Task Sqlite_database_written_by_mlflow_has_our_schema()
    {
        using var dir = new TempDir();
        // The fixture is read-only in CI, and opening it may touch it (journal); use a copy.
        var copy = dir.File("mlflow311-demo.db");
        File.Copy(SharedFixtures.PathOf("mlflow311-demo.db"), copy);
        await using var demoDb = OpenSqlite(copy);
        await using var ourDb = await CreateSqliteAsync(dir.File("sharpflow.db"), SchemaScripts.Statements("sqlite"));

        AssertSameCatalog(await SchemaCatalog.ReadSqliteAsync(demoDb), await SchemaCatalog.ReadSqliteAsync(ourDb), output,
            expectedName: "mlflow311-demo.db");
        Assert.Equal([SchemaScripts.HeadRevision], await ColumnAsync(demoDb, "SELECT version_num FROM alembic_version"));
    }

    [Fact]
    public async Task Sqlite_catalog_diff_reports_each_kind_of_difference()
    {
        // Each mutation of our script must surface as a diff line about the object it touched.
        var mutations = new (string Pattern, string Replacement, string ExpectedKey)[]
        {
            ("'ACTIVE'", "'ENABLED'", "differs: table webhooks column status"),
            (@"VARCHAR\(9\)", "VARCHAR(10)", "differs: table runs column status"),
            (@"\n\s*deleted_time\s+BIGINT,", "", "only in mlflow: table runs column deleted_time"),
            (@",\s*CHECK \(is_nan IN \(0, 1\)\)", "", "only in mlflow: table metrics check [unnamed] is_nan in (0, 1)"),
            ("fk_spans_trace_id", "fk_spans_trace", "differs: table spans foreign key (trace_id) -> trace_info (request_id)"),
            (@"(REFERENCES trace_info \(request_id\)) ON DELETE CASCADE", "$1", "differs: table trace_tags foreign key"),
            (@"UNIQUE \(workspace, name\)", "UNIQUE (name, workspace)", "only in mlflow: table experiments unique (workspace, name)"),
            (@"CREATE INDEX idx_webhooks_name ON webhooks \(name\)", "SELECT 1", "only in mlflow: table webhooks index idx_webhooks_name"),
            (@"\(end_time_unix_nano - start_time_unix_nano\)", "(start_time_unix_nano - end_time_unix_nano)", "differs: table spans column duration_ns"),
            ("are immutable", "are read-only", "differs: trigger prevent_secrets_aad_mutation"),
            (@"CONSTRAINT workspaces_pk PRIMARY KEY", "PRIMARY KEY", "differs: table workspaces primary key"),
        };
        var script = SchemaScripts.Script("sqlite");
        foreach (var (pattern, replacement, _) in mutations)
        {
            var mutated = Regex.Replace(script, pattern, replacement);
            Assert.NotEqual(script, mutated);
            script = mutated;
        }

        using var dir = new TempDir();
        await using var reference = await CreateSqliteAsync(dir.File("reference.db"), SchemaScripts.Statements("sqlite"));
        await using var mutant = await CreateSqliteAsync(dir.File("mutant.db"), SchemaScripts.Split(script));
        var diff = (await SchemaCatalog.ReadSqliteAsync(mutant))
            .DiffAgainst(await SchemaCatalog.ReadSqliteAsync(reference), "sharpflow", "mlflow").ToList();
        foreach (var line in diff) output.WriteLine(line);

        foreach (var (_, _, expected) in mutations)
            Assert.Contains(diff, line => line.StartsWith(expected, StringComparison.Ordinal));
    }

    [PgFact]
    public async Task Postgres_created_schema_equals_mlflow_fixture_schema()
    {
        await using var mlflowDb = await PgTestDatabase.CreateAsync("mlflow");
        await mlflowDb.ExecuteAsync(MlflowPgDumpStatements());
        await using var ourDb = await PgTestDatabase.CreateAsync("sharpflow");
        await ourDb.ExecuteAsync(SchemaScripts.Statements("postgresql"));

        await using var mlflowConn = await mlflowDb.OpenAsync();
        await using var ourConn = await ourDb.OpenAsync();
        var mlflow = await SchemaCatalog.ReadPostgresAsync(mlflowConn);
        var ours = await SchemaCatalog.ReadPostgresAsync(ourConn);
        AssertSameCatalog(mlflow, ours, output);

        Assert.Equal(48, mlflow.Tables.Count);
        Assert.Equal(61, mlflow.Tables.Values.Sum(t => t.Indexes.Count));
        Assert.Single(mlflow.Triggers);
        Assert.Single(mlflow.Routines);
        // Two fewer than SQLite: native booleans need no is_nan IN (0, 1) checks.
        Assert.Equal(5, mlflow.Tables.Values.Sum(t => t.CheckConstraints.Count));
        var sequence = Assert.Single(mlflow.Sequences);
        Assert.Equal("experiments.experiment_id", sequence.OwnedBy);
        Assert.Equal("nextval('experiments_experiment_id_seq'::regclass)", mlflow.Tables["experiments"].Column("experiment_id")!.Default);

        Assert.Equal([SchemaScripts.HeadRevision], await ColumnAsync(ourConn, "SELECT version_num FROM alembic_version"));
    }

    /// <summary>
    /// The catalog comparison normalizes CHECK texts (a restored dump reads back with
    /// different casts); this pins the exact text PostgreSQL reports for our constraints
    /// to the text in MLflow's dump.
    /// </summary>
    [PgFact]
    public async Task Postgres_check_constraints_read_back_exactly_as_in_mlflow_dump()
    {
        var expected = Regex.Matches(SharedFixtures.Read("schema-postgresql.sql"), @"^\s*CONSTRAINT (\w+) (CHECK .*?),?$", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        Assert.Equal(5, expected.Count);

        await using var ourDb = await PgTestDatabase.CreateAsync("checks");
        await ourDb.ExecuteAsync(SchemaScripts.Statements("postgresql"));
        await using var conn = await ourDb.OpenAsync();
        var actual = (await SchemaCatalog.ReadPostgresAsync(conn)).Tables.Values
            .SelectMany(t => t.CheckConstraints).ToDictionary(c => c.Name!, c => c.RawDefinition);
        Assert.Equal(expected.OrderBy(p => p.Key), actual.OrderBy(p => p.Key));
    }

    /// <summary>
    /// The strongest equality available: pg_dump of our schema is line-for-line MLflow's
    /// dump. Needs a pg_dump of the server's major version, and only means something for
    /// the version the fixture was made with (15).
    /// </summary>
    [PgFact]
    public async Task Postgres_pg_dump_of_created_schema_equals_mlflow_dump()
    {
        await using var ourDb = await PgTestDatabase.CreateAsync("dump");
        await ourDb.ExecuteAsync(SchemaScripts.Statements("postgresql"));
        int major;
        await using (var conn = await ourDb.OpenAsync()) major = await PgServerMajorAsync(conn);
        if (major != 15)
        {
            output.WriteLine($"Server is PostgreSQL {major}; the fixture dump is from 15, so the dump comparison is not applicable.");
            return;
        }
        var pgDump = FindPgDump(major);
        if (pgDump is null)
        {
            if (PgTestDatabase.IsCi) Assert.Fail("pg_dump 15 not found (set PG_BIN); CI must run the dump comparison.");
            output.WriteLine("pg_dump 15 not found (set PG_BIN); dump comparison not run.");
            return;
        }

        var cs = new NpgsqlConnectionStringBuilder(ourDb.ConnectionString);
        var env = new Dictionary<string, string>
        {
            ["PGHOST"] = cs.Host ?? "localhost", ["PGPORT"] = cs.Port.ToString(), ["PGDATABASE"] = cs.Database!,
            ["PGUSER"] = cs.Username ?? "postgres", ["PGPASSWORD"] = cs.Password ?? "",
        };
        var (exit, dump, stderr) = Run(pgDump, ["--schema-only", "--no-owner"], env);
        Assert.True(exit == 0, $"pg_dump failed: {stderr}");

        // Comments carry version banners and \restrict keys are random per dump.
        static List<string> Significant(string text) => text.Split('\n').Select(l => l.TrimEnd('\r'))
            .Where(l => l.Length > 0 && !l.StartsWith("--", StringComparison.Ordinal) && !l.StartsWith('\\')).ToList();
        var expected = Significant(SharedFixtures.Read("schema-postgresql.sql"));
        var actual = Significant(dump);
        var firstDifference = Enumerable.Range(0, Math.Max(expected.Count, actual.Count))
            .FirstOrDefault(i => i >= expected.Count || i >= actual.Count || expected[i] != actual[i], -1);
        if (firstDifference >= 0)
            Assert.Fail($"pg_dump differs from MLflow's at significant line {firstDifference + 1}:\n" +
                        $"  mlflow:    {expected.ElementAtOrDefault(firstDifference)}\n" +
                        $"  sharpflow: {actual.ElementAtOrDefault(firstDifference)}");
        output.WriteLine($"{pgDump}: {actual.Count} significant lines identical to MLflow's dump.");
    }

    [PgFact]
    public async Task Postgres_catalog_diff_reports_each_kind_of_difference()
    {
        var mutations = new (string Pattern, string Replacement, string ExpectedKey)[]
        {
            ("'KILLED'", "'STOPPED'", "differs: table runs check runs_status_check"),
            (@"experiment_id     serial", "experiment_id     integer", "only in mlflow: sequence experiments_experiment_id_seq"),
            (@"(REFERENCES registered_models \(workspace, name\)) ON UPDATE CASCADE", "$1", "differs: table model_versions foreign key"),
            (@"usage_tracking       boolean                DEFAULT false", "usage_tracking boolean DEFAULT true", "differs: table endpoints column usage_tracking"),
            ("RAISE EXCEPTION 'secret_id", "RAISE EXCEPTION 'secret id", "differs: function prevent_secrets_aad_mutation()"),
            (@"CREATE UNIQUE INDEX index_scorers", "CREATE INDEX index_scorers", "differs: table scorers index index_scorers_experiment_id_scorer_name"),
            (@"\(experiment_id, duration_ns\)", "(experiment_id, duration_ns DESC)", "differs: table spans index index_spans_experiment_id_duration"),
        };
        var script = SchemaScripts.Script("postgresql");
        foreach (var (pattern, replacement, _) in mutations)
        {
            var mutated = Regex.Replace(script, pattern, replacement);
            Assert.NotEqual(script, mutated);
            script = mutated;
        }

        await using var reference = await PgTestDatabase.CreateAsync("reference");
        await reference.ExecuteAsync(SchemaScripts.Statements("postgresql"));
        await using var mutant = await PgTestDatabase.CreateAsync("mutant");
        await mutant.ExecuteAsync(SchemaScripts.Split(script));
        await using var referenceConn = await reference.OpenAsync();
        await using var mutantConn = await mutant.OpenAsync();
        var diff = (await SchemaCatalog.ReadPostgresAsync(mutantConn))
            .DiffAgainst(await SchemaCatalog.ReadPostgresAsync(referenceConn), "sharpflow", "mlflow").ToList();
        foreach (var line in diff) output.WriteLine(line);

        foreach (var (_, _, expected) in mutations)
            Assert.Contains(diff, line => line.StartsWith(expected, StringComparison.Ordinal));
    }
}
