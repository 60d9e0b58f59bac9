using System.Text.Json.Nodes;
using Sharpflow.Cli;
using Sharpflow.Core.Errors;
using Sharpflow.Http.Tests.Artifacts;
using Sharpflow.Http.Tests.Registry;
using Sharpflow.Store;
using Sharpflow.Store.Maintenance;
using Sharpflow.Store.Sql;

namespace Sharpflow.Http.Tests.Cli;

/// <summary>
/// A server on a database of the test's own (so the test can age rows with SQL), its artifacts in a folder of its own,
/// and `sharpflow gc`'s collector on the same database.
/// </summary>
internal sealed class GcWorld : IAsyncDisposable
{
    private readonly TempDir _dir = new();
    private PgScratch? _pg;

    public TestServer Server { get; private set; } = null!;
    public SqlDatabase Db { get; private set; } = null!;
    public string Uri { get; private set; } = "";
    public string Artifacts => _dir.File("artifacts");
    public string Dir => _dir.Path;

    public static async Task<GcWorld> CreateAsync(Backend backend)
    {
        var w = new GcWorld();
        if (backend == Backend.Postgres)
        {
            w._pg = await PgScratch.CreateAsync();
            w.Uri = w._pg.Uri;
        }
        else w.Uri = $"sqlite:///{w._dir.File("mlflow.db")}";
        w.Server = await TestServer.StartAsync(w.Uri, o => o.ArtifactsDestination = w.Artifacts);
        w.Db = new SqlDatabase(StoreUri.Parse(w.Uri));
        return w;
    }

    public static readonly long DayMs = 86_400_000;

    public async Task<string> DeletedRunAsync(string experimentId, long deletedAgoMs, string? file = "model.txt")
    {
        var runId = await Server.CreateRunAsync(experimentId, null, 1);
        await Server.LogAsync(runId, [("loss", 0.5), ("acc", 0.9)], [("lr", "0.1")], [("team", "a")]);
        if (file is not null) await UploadAsync(runId, experimentId, file);
        await Server.DeleteRunAsync(runId);
        await ExecAsync("UPDATE runs SET deleted_time = @t WHERE run_uuid = @r", ("@t", Now() - deletedAgoMs), ("@r", runId));
        return runId;
    }

    public async Task UploadAsync(string runId, string experimentId, string file)
    {
        var res = await Server.PutTextAsync($"/api/2.0/mlflow-artifacts/artifacts/{experimentId}/{runId}/artifacts/{file}", "weights");
        Assert.True(res.IsSuccessStatusCode, $"upload answered {res.StatusCode}");
    }

    public string RunArtifactFolder(string experimentId, string runId) => Path.Combine(Artifacts, experimentId, runId, "artifacts");

    public static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public Task ExecAsync(string sql, params (string Name, object Value)[] args) =>
        Db.WriteAsync(async (c, tx) =>
        {
            var cmd = c.Sql(sql, tx);
            foreach (var (name, value) in args) cmd.P(name, value);
            await cmd.ExecAsync();
        });

    public Task<long> CountAsync(string sql, params (string Name, object Value)[] args) =>
        Db.ReadAsync(async c =>
        {
            var cmd = c.Sql(sql);
            foreach (var (name, value) in args) cmd.P(name, value);
            return Convert.ToInt64(await cmd.ScalarAsync());
        });

    /// <summary>Rows that hang off a run, over every table gc empties for it.</summary>
    public async Task<long> RunRowsAsync(string runId)
    {
        long n = 0;
        foreach (var table in new[] { "runs", "metrics", "latest_metrics", "params", "tags" })
            n += await CountAsync($"SELECT COUNT(*) FROM {table} WHERE run_uuid = @r", ("@r", runId));
        return n + await CountAsync("SELECT COUNT(*) FROM inputs WHERE destination_id = @r OR source_id = @r", ("@r", runId));
    }

    public async Task<(string Out, string Err)> GcAsync(GarbageCollectorOptions options)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        await new GarbageCollector(Db, new GcArtifactDeleter(Artifacts), stdout, stderr).RunAsync(options);
        return (stdout.ToString(), stderr.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        await Db.DisposeAsync();
        await Server.DisposeAsync();
        if (_pg is not null) await _pg.DisposeAsync();
        _dir.Dispose();
    }
}

public class GcTests
{
    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Old_deleted_runs_go_with_their_rows_and_artifacts_while_active_and_recent_ones_stay(Backend backend)
    {
        await using var w = await GcWorld.CreateAsync(backend);
        var exp = await w.Server.CreateExperimentAsync("gc");
        var active = await w.Server.CreateRunAsync(exp, "active", 1);
        await w.UploadAsync(active, exp, "keep.txt");
        var old = await w.DeletedRunAsync(exp, 3 * GcWorld.DayMs);
        var recent = await w.DeletedRunAsync(exp, 60_000);
        // A run whose artifact_uri is a plain folder (--no-serve-artifacts or a file store): gc removes that folder.
        var direct = await w.DeletedRunAsync(exp, 2 * GcWorld.DayMs, file: null);
        var directFolder = Path.Combine(w.Dir, "direct", direct, "artifacts");
        Directory.CreateDirectory(directFolder);
        await File.WriteAllTextAsync(Path.Combine(directFolder, "f.txt"), "x");
        await w.ExecAsync("UPDATE runs SET artifact_uri = @u WHERE run_uuid = @r", ("@u", "file://" + directFolder), ("@r", direct));
        // A dataset input with a tag, and a model output link: the links go too.
        await w.ExecAsync("INSERT INTO inputs (input_uuid, source_type, source_id, destination_type, destination_id, step) VALUES ('in-gc', 'DATASET', 'ds', 'RUN', @r, 0)", ("@r", old));
        await w.ExecAsync("INSERT INTO input_tags (input_uuid, name, value) VALUES ('in-gc', 'mlflow.data.context', 'train')");
        await w.ExecAsync("INSERT INTO inputs (input_uuid, source_type, source_id, destination_type, destination_id, step) VALUES ('out-gc', 'RUN_OUTPUT', @r, 'MODEL_OUTPUT', 'm-1', 0)", ("@r", old));
        Assert.True(await w.RunRowsAsync(old) > 4);

        var (stdout, stderr) = await w.GcAsync(new GarbageCollectorOptions { OlderThan = "1d" });

        Assert.Equal(0, await w.RunRowsAsync(old));
        Assert.Equal(0, await w.RunRowsAsync(direct));
        Assert.Equal(0, await w.CountAsync("SELECT COUNT(*) FROM input_tags WHERE input_uuid = 'in-gc'"));
        Assert.False(Directory.Exists(w.RunArtifactFolder(exp, old)));
        Assert.False(Directory.Exists(directFolder));
        Assert.Contains($"Run with ID {old} has been permanently deleted.", stdout);
        Assert.Contains($"Run with ID {direct} has been permanently deleted.", stdout);
        Assert.DoesNotContain(recent, stdout);
        Assert.Contains($"gc: run 1/2 ", stderr);
        Assert.True(await w.RunRowsAsync(active) > 1);
        Assert.True(await w.RunRowsAsync(recent) > 1);
        Assert.True(File.Exists(Path.Combine(w.RunArtifactFolder(exp, active), "keep.txt")));
        Assert.True(File.Exists(Path.Combine(w.RunArtifactFolder(exp, recent), "model.txt")));
        Assert.Equal(200, (await w.Server.GetAsync($"/api/2.0/mlflow/runs/get?run_id={active}")).Status);
        Assert.Equal(404, (await w.Server.GetAsync($"/api/2.0/mlflow/runs/get?run_id={old}")).Status);

        // Without --older-than every deleted run goes, in chunks of one row at a time if need be.
        (stdout, _) = await w.GcAsync(new GarbageCollectorOptions { ChunkSize = 1 });
        Assert.Contains($"Run with ID {recent} has been permanently deleted.", stdout);
        Assert.Equal(0, await w.RunRowsAsync(recent));
        Assert.False(Directory.Exists(w.RunArtifactFolder(exp, recent)));
        Assert.True(await w.RunRowsAsync(active) > 1);
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Run_ids_select_runs_and_each_must_be_deleted_and_old_enough(Backend backend)
    {
        await using var w = await GcWorld.CreateAsync(backend);
        var exp = await w.Server.CreateExperimentAsync("ids");
        var a = await w.DeletedRunAsync(exp, 5 * GcWorld.DayMs);
        var b = await w.DeletedRunAsync(exp, 5 * GcWorld.DayMs);
        var young = await w.DeletedRunAsync(exp, 1000);
        var active = await w.Server.CreateRunAsync(exp, "active", 1);

        var e = await Assert.ThrowsAsync<MlflowException>(() => w.GcAsync(new GarbageCollectorOptions { RunIds = [a, active] }));
        Assert.Equal($"Run {active} is not in `deleted` lifecycle stage. Only runs in `deleted` lifecycle stage can be deleted.", e.Message);
        e = await Assert.ThrowsAsync<MlflowException>(() => w.GcAsync(new GarbageCollectorOptions { RunIds = [a, "0123456789abcdef0123456789abcdef"] }));
        Assert.Equal(ErrorCode.RESOURCE_DOES_NOT_EXIST, e.Code);
        Assert.Equal("Run with id=0123456789abcdef0123456789abcdef not found", e.Message);
        e = await Assert.ThrowsAsync<MlflowException>(() => w.GcAsync(new GarbageCollectorOptions { RunIds = [a, young], OlderThan = "1h30m" }));
        Assert.Equal(ErrorCode.INVALID_PARAMETER_VALUE, e.Code);
        Assert.Equal($"Run {young} is not older than the required age. Only runs older than 1h30m can be deleted.", e.Message);
        // Every check comes before any deletion: nothing is gone after a refused gc.
        Assert.True(await w.RunRowsAsync(a) > 1);

        var (stdout, _) = await w.GcAsync(new GarbageCollectorOptions { RunIds = GarbageCollectorOptions.SplitIds($"{a},{young}") });
        Assert.Equal(0, await w.RunRowsAsync(a));
        Assert.Equal(0, await w.RunRowsAsync(young));
        Assert.True(await w.RunRowsAsync(b) > 1);
        Assert.DoesNotContain(b, stdout);
        // --all-workspaces skips ids that do not exist (MLflow's ignore_not_found).
        (stdout, _) = await w.GcAsync(new GarbageCollectorOptions { RunIds = [b, a], IgnoreNotFound = true });
        Assert.Equal(0, await w.RunRowsAsync(b));
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Deleted_experiments_go_with_runs_logged_models_and_traces(Backend backend)
    {
        await using var w = await GcWorld.CreateAsync(backend);
        var kept = await w.Server.CreateExperimentAsync("kept");
        var keptRun = await w.Server.CreateRunAsync(kept, "stays", 1);
        var otherDeleted = await w.DeletedRunAsync(kept, 1000);
        var doomed = await w.Server.CreateExperimentAsync("doomed", ("k", "v"));
        var run = await w.Server.CreateRunAsync(doomed, "r", 1);
        await w.Server.LogAsync(run, [("m", 1.0)]);
        await w.UploadAsync(run, doomed, "a.txt");
        var model = (await w.Server.OkAsync(HttpMethod.Post, "/logged-models", new { experiment_id = doomed, name = "m" }))["model"]!["info"]!["model_id"]!.GetValue<string>();
        await w.Server.OkAsync(HttpMethod.Post, $"/logged-models/{model}/params", new { model_id = model, @params = new[] { new { key = "p", value = "1" } } });
        await w.ExecAsync("INSERT INTO trace_info (request_id, experiment_id, timestamp_ms, status) VALUES ('tr-gc', @e, 1, 'OK')", ("@e", long.Parse(doomed)));
        await w.ExecAsync("INSERT INTO trace_tags (key, value, request_id) VALUES ('t', 'v', 'tr-gc')");

        var e = await Assert.ThrowsAsync<MlflowException>(() => w.GcAsync(new GarbageCollectorOptions { ExperimentIds = [doomed, kept] }));
        Assert.Equal($"Experiments ['{doomed}', '{kept}'] are not in the deleted lifecycle stage. Only experiments in the deleted lifecycle stage can be hard-deleted.", e.Message);
        e = await Assert.ThrowsAsync<MlflowException>(() => w.GcAsync(new GarbageCollectorOptions { ExperimentIds = ["98765"] }));
        Assert.Equal("No Experiment with id=98765 exists", e.Message);

        await w.Server.OkAsync("/experiments/delete", new { experiment_id = doomed });
        e = await Assert.ThrowsAsync<MlflowException>(() => w.GcAsync(new GarbageCollectorOptions { ExperimentIds = [doomed], OlderThan = "1d" }));
        Assert.Equal($"Experiments ['{doomed}'] are not older than the required age. Only experiments older than 1d can be deleted.", e.Message);

        var (stdout, _) = await w.GcAsync(new GarbageCollectorOptions { ExperimentIds = [doomed] });
        Assert.Contains($"Run with ID {run} has been permanently deleted.", stdout);
        Assert.Contains($"Experiment with ID {doomed} has been permanently deleted.", stdout);
        Assert.Equal(0, await w.CountAsync("SELECT COUNT(*) FROM experiments WHERE experiment_id = @e", ("@e", long.Parse(doomed))));
        Assert.Equal(0, await w.RunRowsAsync(run));
        Assert.Equal(0, await w.CountAsync("SELECT COUNT(*) FROM logged_models WHERE model_id = @m", ("@m", model)));
        Assert.Equal(0, await w.CountAsync("SELECT COUNT(*) FROM logged_model_params WHERE model_id = @m", ("@m", model)));
        Assert.Equal(0, await w.CountAsync("SELECT COUNT(*) FROM trace_tags WHERE request_id = 'tr-gc'"));
        Assert.Equal(0, await w.CountAsync("SELECT COUNT(*) FROM experiment_tags WHERE experiment_id = @e", ("@e", long.Parse(doomed))));
        Assert.False(Directory.Exists(w.RunArtifactFolder(doomed, run)));
        // The other experiment stays. Its deleted run does not: without --run-ids, MLflow's gc takes every deleted run
        // besides the named experiments' (run_ids_to_delete starts from all deleted runs).
        Assert.True(await w.RunRowsAsync(keptRun) > 0);
        Assert.Equal(0, await w.RunRowsAsync(otherDeleted));
        Assert.Equal(200, (await w.Server.GetAsync($"/api/2.0/mlflow/experiments/get?experiment_id={kept}")).Status);
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Deleted_logged_models_go_with_their_artifacts(Backend backend)
    {
        await using var w = await GcWorld.CreateAsync(backend);
        var exp = await w.Server.CreateExperimentAsync("models");
        async Task<(string Id, string Folder)> ModelAsync(string name)
        {
            var info = (await w.Server.OkAsync(HttpMethod.Post, "/logged-models", new { experiment_id = exp, name }))["model"]!["info"]!;
            var id = info["model_id"]!.GetValue<string>();
            var folder = Path.Combine(w.Dir, "models", id);
            Directory.CreateDirectory(folder);
            await File.WriteAllTextAsync(Path.Combine(folder, "MLmodel"), "x");
            await w.ExecAsync("UPDATE logged_models SET artifact_location = @l WHERE model_id = @m", ("@l", folder), ("@m", id));
            return (id, folder);
        }
        var live = await ModelAsync("live");
        var gone = await ModelAsync("gone");
        await w.Server.OkAsync(HttpMethod.Delete, $"/logged-models/{gone.Id}");

        var e = await Assert.ThrowsAsync<MlflowException>(() => w.GcAsync(new GarbageCollectorOptions { LoggedModelIds = [live.Id] }));
        Assert.Equal($"Logged model {live.Id} is not in `deleted` lifecycle stage. Only logged models in `deleted` lifecycle stage can be deleted.", e.Message);
        e = await Assert.ThrowsAsync<MlflowException>(() => w.GcAsync(new GarbageCollectorOptions { LoggedModelIds = ["m-nope"] }));
        Assert.Equal("Logged model with ID 'm-nope' not found.", e.Message);

        var (stdout, _) = await w.GcAsync(new GarbageCollectorOptions());
        Assert.Contains($"Logged model with ID {gone.Id} has been permanently deleted.", stdout);
        Assert.False(Directory.Exists(gone.Folder));
        Assert.True(Directory.Exists(live.Folder));
        Assert.Equal(1, await w.CountAsync("SELECT COUNT(*) FROM logged_models WHERE experiment_id = @e", ("@e", long.Parse(exp))));
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Jobs_go_only_when_asked_and_only_when_finalized(Backend backend)
    {
        await using var w = await GcWorld.CreateAsync(backend);
        // status: 0 PENDING, 1 RUNNING, 2 SUCCEEDED, 3 FAILED, 4 TIMEOUT, 5 CANCELED (MLflow's JobStatus order).
        var old = GcWorld.Now() - 3 * GcWorld.DayMs;
        foreach (var (id, status, created) in new[] { ("j-run", 1, old), ("j-ok", 2, old), ("j-fail", 3, old), ("j-new", 2, GcWorld.Now()), ("j-cancel", 5, old) })
            await w.ExecAsync("INSERT INTO jobs (id, creation_time, job_name, params, status, retry_count, last_update_time) VALUES (@i, @c, 'n', '{}', @s, 0, @c)",
                ("@i", id), ("@c", created), ("@s", status));
        async Task<List<string>> Left() => await w.Db.ReadAsync(c => c.Sql("SELECT id FROM jobs ORDER BY id").ListAsync(r => r.GetString(0)));

        var (stdout, _) = await w.GcAsync(new GarbageCollectorOptions { OlderThan = "1d" });
        Assert.Equal(5, (await Left()).Count);
        Assert.Equal("", stdout);
        (stdout, _) = await w.GcAsync(new GarbageCollectorOptions { JobIds = ["j-fail", "j-run"] });
        Assert.Equal(["j-cancel", "j-new", "j-ok", "j-run"], await Left());
        Assert.Equal("Job with ID j-fail has been permanently deleted.", stdout.Trim());
        await w.GcAsync(new GarbageCollectorOptions { Jobs = true, OlderThan = "1d" });
        Assert.Equal(["j-new", "j-run"], await Left());
    }

    [Fact]
    public void Older_than_is_parsed_as_mlflow_does()
    {
        long Ms(string s) => new GarbageCollectorOptions { OlderThan = s }.OlderThanMillis();
        Assert.Equal(((1 * 24 + 2) * 60 + 3) * 60_000L + 4000, Ms("1d2h3m4s"));
        Assert.Equal(114_480_000, Ms("1.2d3h"));
        Assert.Equal(1500, Ms("1.5s"));
        Assert.Equal(30 * 60_000L, Ms("30m"));
        Assert.Equal(0, Ms(""));
        foreach (var bad in new[] { "2w", "1h2d", "1.2.3s", "abc", "5" })
        {
            var e = Assert.Throws<MlflowException>(() => Ms(bad));
            Assert.Equal($"Could not parse any time information from '{bad}'. Examples of valid strings: '8h', '2d8h5m20s', '2m4s'", e.Message);
            Assert.Equal(ErrorCode.INVALID_PARAMETER_VALUE, e.Code);
        }
    }
}
