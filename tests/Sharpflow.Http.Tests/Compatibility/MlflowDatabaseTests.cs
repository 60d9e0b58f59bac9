using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Sharpflow.Http.Tests.Compatibility;

/// <summary>
/// Sharpflow on a database MLflow 3.11 wrote (shared/fixtures/mlflow-3.11/mlflow311-demo.db, copied): it serves
/// MLflow's experiments and runs, leaves the schema and alembic_version alone, and writes new rows exactly as
/// MLflow's SqlAlchemyStore would (read back here with Microsoft.Data.Sqlite, compared with MLflow's own rows).
/// </summary>
public sealed class MlflowDatabaseTests : IDisposable
{
    private const string DemoDb = "mlflow311-demo.db";
    private const string SmokeRunA = "7f940b4c94b042f2947beae56a5a64ed";
    private readonly TempDir _dir = new();
    private readonly string _db;

    public MlflowDatabaseTests() => _db = SharedFixtures.CopyTo(DemoDb, _dir.Path);

    public void Dispose() => _dir.Dispose();

    private SqliteConnection Open()
    {
        var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _db, Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString());
        conn.Open();
        return conn;
    }

    private List<object?[]> Rows(string sql, params (string Name, object Value)[] args)
    {
        using var conn = Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value);
        using var reader = cmd.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    private object? Scalar(string sql, params (string Name, object Value)[] args) => Rows(sql, args).Single()[0];

    private string SchemaDump() => string.Join("\n", Rows("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").Select(r => string.Join(" | ", r)));

    private static Dictionary<string, long> ExpectedRowCounts() =>
        File.ReadAllLines(SharedFixtures.PathOf("table-rowcounts.txt")).Where(l => l.Trim().Length > 0)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToDictionary(p => p[0], p => long.Parse(p[1]));

    private Dictionary<string, long> RowCounts(IEnumerable<string> tables) =>
        tables.ToDictionary(t => t, t => (long)Scalar($"SELECT COUNT(*) FROM \"{t}\"")!);

    private Task<TestServer> StartAsync() => TestServer.StartAsync("sqlite:///" + _db);

    [Fact]
    public async Task Serves_what_mlflow_wrote_and_leaves_schema_and_data_alone()
    {
        var schemaBefore = SchemaDump();
        var expectedCounts = ExpectedRowCounts();
        Assert.Equal(expectedCounts, RowCounts(expectedCounts.Keys));
        using var inventory = JsonDocument.Parse(File.ReadAllText(SharedFixtures.PathOf("inventory.json")));

        await using (var s = await StartAsync())
        {
            var (status, body) = await s.PostAsync(Api.Base + "/experiments/search", new { max_results = 100, view_type = "ALL" });
            Assert.Equal(200, status);
            var served = body!["experiments"]!.AsArray().ToDictionary(e => e!["experiment_id"]!.GetValue<string>());
            var expected = inventory.RootElement.GetProperty("experiments").EnumerateArray().ToList();
            Assert.Equal(expected.Select(e => e.GetProperty("experiment_id").GetString()).Order(), served.Keys.Order());
            foreach (var e in expected)
            {
                var id = e.GetProperty("experiment_id").GetString()!;
                Assert.Equal(e.GetProperty("name").GetString(), served[id]!["name"]!.GetValue<string>());
                Assert.Equal(e.GetProperty("lifecycle_stage").GetString(), served[id]!["lifecycle_stage"]!.GetValue<string>());
                Assert.Equal($"mlflow-artifacts:/{id}", served[id]!["artifact_location"]!.GetValue<string>());
                var runNames = e.GetProperty("run_names").EnumerateArray().Select(n => n.GetString()!).Order(StringComparer.Ordinal);
                Assert.Equal(runNames, (await s.SearchRunNamesAsync(id, maxResults: 1000)).Names.Order(StringComparer.Ordinal));
            }
            var demoTags = served["1"]!["tags"]!.AsArray().ToDictionary(t => t!["key"]!.GetValue<string>(), t => t!["value"]!.GetValue<string>());
            Assert.Equal("genai_development", demoTags["mlflow.experimentKind"]);
            Assert.Equal(9, demoTags.Count);
            Assert.Equal("smoke", served["2"]!["tags"]![0]!["value"]!.GetValue<string>());

            (status, body) = await s.GetAsync($"{Api.Base}/runs/get?run_id={SmokeRunA}");
            Assert.Equal(200, status);
            var run = body!["run"]!;
            Assert.Equal("smoke-run-a", run["info"]!["run_name"]!.GetValue<string>());
            Assert.Equal("FINISHED", run["info"]!["status"]!.GetValue<string>());
            Assert.Equal("root", run["info"]!["user_id"]!.GetValue<string>());
            Assert.Equal($"mlflow-artifacts:/2/{SmokeRunA}/artifacts", run["info"]!["artifact_uri"]!.GetValue<string>());
            Assert.Equal("1795682982714", run["info"]!["start_time"]!.ToString());
            var data = run["data"]!;
            Assert.Equal(new Dictionary<string, string> { ["lr"] = "0.01", ["batch"] = "32", ["opt"] = "adam" }, KeyValues(data["params"]));
            var metrics = data["metrics"]!.AsArray().ToDictionary(m => m!["key"]!.GetValue<string>(), m => m!["value"]!.GetValue<double>());
            Assert.Equal(new Dictionary<string, double> { ["loss"] = 0.2, ["acc"] = 0.9, ["f1"] = 0.8 }, metrics);
            var tags = KeyValues(data["tags"]);
            Assert.Equal("smoke-run-a", tags["mlflow.runName"]);
            Assert.Equal("ref", tags["team"]);
            Assert.Equal("smoke.py", tags["mlflow.source.name"]);
            Assert.Equal(7, tags.Count);

            (_, body) = await s.GetAsync($"{Api.Base}/metrics/get-history?run_id={SmokeRunA}&metric_key=loss");
            var history = body!["metrics"]!.AsArray().OrderBy(m => m!["step"]!.GetValue<long>()).Select(m => m!["value"]!.GetValue<double>()).ToList();
            Assert.Equal([1.0, 0.5, 1.0 / 3, 0.25, 0.2], history);

            (_, body) = await s.GetAsync($"{Api.Base}/runs/get?run_id=b7fada1c759644e899fe8c3abf218a8d");
            var input = body!["run"]!["inputs"]!["dataset_inputs"]![0]!["dataset"]!;
            Assert.Equal("dataset", input["name"]!.GetValue<string>());
            Assert.Equal("114c4bdc", input["digest"]!.GetValue<string>());
            Assert.Equal("code", input["source_type"]!.GetValue<string>());

            Assert.Equal(["smoke-run-b"], (await s.SearchRunNamesAsync("2", "params.lr = '0.1' AND metrics.loss < 0.1")).Names);
            Assert.Equal(["improved-session-evaluation"], (await s.SearchRunNamesAsync("1", orderBy: ["metrics.`correctness/mean` DESC"], maxResults: 1)).Names);
            Assert.Equal(["Demo Issue Detection", "baseline-session-evaluation", "improved-session-evaluation", "trace-level-evaluation"],
                (await s.SearchRunNamesAsync("1", "tags.`mlflow.source.name` = 'mlflow/__main__.py'", ["attributes.run_name ASC"])).Names);
        }

        Assert.Equal(schemaBefore, SchemaDump());
        Assert.Equal("7d34483879f0", Scalar("SELECT version_num FROM alembic_version"));
        Assert.Equal(expectedCounts, RowCounts(expectedCounts.Keys));
    }

    private static Dictionary<string, string> KeyValues(JsonNode? array) =>
        (array?.AsArray() ?? []).ToDictionary(t => t!["key"]!.GetValue<string>(), t => t!["value"]!.GetValue<string>());

    [Fact]
    public async Task New_writes_land_in_mlflow_format()
    {
        var schemaBefore = SchemaDump();
        // The storage classes MLflow's rows have, per table and column: new rows must have the same.
        string[] typedTables = ["experiments", "experiment_tags", "runs", "tags", "params", "metrics", "latest_metrics"];
        var mlflowTypes = typedTables.ToDictionary(t => t, ColumnTypes);

        string expId, runId;
        await using (var s = await StartAsync())
        {
            expId = await s.CreateExperimentAsync("written-by-sharpflow", ("team", "sf"));
            Assert.Equal("3", expId); // MLflow's next id after 0, 1, 2
            runId = await s.CreateRunAsync(expId, "fresh", 1800000000000, "tester");
            await s.OkAsync("/runs/log-batch", new
            {
                run_id = runId,
                metrics = new object[]
                {
                    new { key = "nan", value = "NaN", timestamp = 1800000000001, step = 0 },
                    new { key = "inf", value = "Infinity", timestamp = 1800000000001, step = 0 },
                    new { key = "ninf", value = "-Infinity", timestamp = 1800000000001, step = 0 },
                    new { key = "loss", value = 1.5, timestamp = 1800000000001, step = 0 },
                    new { key = "loss", value = 0.75, timestamp = 1800000000002, step = 1 },
                },
                @params = new[] { new { key = "lr", value = "0.01" } },
                tags = new[] { new { key = "team", value = "sf" } },
            });
            await s.SetStatusAsync(runId, "FINISHED", 1800000000500);
        }

        Assert.Equal(schemaBefore, SchemaDump());
        Assert.Equal("7d34483879f0", Scalar("SELECT version_num FROM alembic_version"));

        var exp = Rows("SELECT name, artifact_location, lifecycle_stage, workspace, creation_time, last_update_time FROM experiments WHERE experiment_id = 3").Single();
        Assert.Equal("written-by-sharpflow | mlflow-artifacts:/3 | active | default", Show(exp[..4]));
        Assert.True((long)exp[4]! > 1700000000000 && Equals(exp[4], exp[5]), "creation_time = last_update_time = now in ms");
        Assert.Equal(["team | sf"], Show(Rows("SELECT key, value FROM experiment_tags WHERE experiment_id = 3")));

        var run = Rows("SELECT run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, end_time, " +
                       "source_version, lifecycle_stage, artifact_uri, experiment_id, deleted_time FROM runs WHERE run_uuid = $id", ("$id", runId)).Single();
        Assert.Matches("^[0-9a-f]{32}$", (string)run[0]!);
        Assert.Equal($"fresh | UNKNOWN |  |  | tester | FINISHED | 1800000000000 | 1800000000500 |  | active | mlflow-artifacts:/3/{runId}/artifacts | 3 | NULL",
            Show(run[1..]));

        Assert.Equal(["mlflow.runName | fresh", "team | sf"], Show(Rows("SELECT key, value FROM tags WHERE run_uuid = $id ORDER BY key", ("$id", runId))));
        Assert.Equal(["lr | 0.01"], Show(Rows("SELECT key, value FROM params WHERE run_uuid = $id", ("$id", runId))));

        // MLflow's sanitize_metric_value: NaN is stored as 0 with is_nan = 1, infinities as +/- the largest double.
        var metrics = Rows("SELECT key, value, is_nan, step, timestamp FROM metrics WHERE run_uuid = $id ORDER BY key, step", ("$id", runId));
        Assert.Equal(["inf | 1.7976931348623157E+308 | 0 | 0 | 1800000000001", "loss | 1.5 | 0 | 0 | 1800000000001", "loss | 0.75 | 0 | 1 | 1800000000002",
            "nan | 0 | 1 | 0 | 1800000000001", "ninf | -1.7976931348623157E+308 | 0 | 0 | 1800000000001"], Show(metrics));
        var latest = Rows("SELECT key, value, is_nan, step, timestamp FROM latest_metrics WHERE run_uuid = $id ORDER BY key", ("$id", runId));
        Assert.Equal(["inf | 1.7976931348623157E+308 | 0 | 0 | 1800000000001", "loss | 0.75 | 0 | 1 | 1800000000002",
            "nan | 0 | 1 | 0 | 1800000000001", "ninf | -1.7976931348623157E+308 | 0 | 0 | 1800000000001"], Show(latest));

        foreach (var table in typedTables)
            Assert.True(mlflowTypes[table].SetEquals(ColumnTypes(table)), $"{table}: MLflow stores {string.Join(", ", mlflowTypes[table].Order())}; " +
                $"with Sharpflow's rows: {string.Join(", ", ColumnTypes(table).Order())}");

        // And the rows read back through the API after a restart as MLflow returns them: NaN, but infinities as the stored +/- max double.
        await using (var s = await StartAsync())
        {
            var (_, body) = await s.GetAsync($"{Api.Base}/runs/get?run_id={runId}");
            var values = body!["run"]!["data"]!["metrics"]!.AsArray().ToDictionary(m => m!["key"]!.GetValue<string>(), m => m!["value"]!.ToJsonString());
            Assert.Equal("\"NaN\"", values["nan"]);
            Assert.Equal(double.MaxValue, double.Parse(values["inf"], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(double.MinValue, double.Parse(values["ninf"], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal("0.75", values["loss"]);
            Assert.Equal(["fresh"], (await s.SearchRunNamesAsync(expId, "params.lr = '0.01'")).Names);
        }
    }

    private static string Show(object?[] row) => string.Join(" | ", row.Select(v => v switch
    {
        null => "NULL",
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        _ => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture),
    }));

    private static List<string> Show(IEnumerable<object?[]> rows) => rows.Select(Show).ToList();

    /// <summary>"column:storage class" pairs present in a table, e.g. "is_nan:integer".</summary>
    private HashSet<string> ColumnTypes(string table)
    {
        var columns = Rows($"SELECT name FROM pragma_table_info('{table}')").Select(r => (string)r[0]!).ToList();
        var select = string.Join(" || ',' || ", columns.Select(c => $"'{c}:' || typeof(\"{c}\")"));
        return Rows($"SELECT DISTINCT {select} FROM \"{table}\"").SelectMany(r => ((string)r[0]!).Split(',')).ToHashSet();
    }
}
