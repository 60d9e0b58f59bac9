using System.CommandLine;
using Sharpflow.Core.Errors;
using Sharpflow.Store;
using Sharpflow.Store.Maintenance;
using Sharpflow.Store.Schema;
using Sharpflow.Store.Sql;

namespace Sharpflow.Cli;

/// <summary>
/// `sharpflow gc`: MLflow 3.11's `mlflow gc` flags and semantics over Sharpflow's store (see <see cref="GarbageCollector"/>).
/// Differences, on purpose: --backend-store-uri also reads MLFLOW_BACKEND_STORE_URI and defaults to sqlite:///mlflow.db as
/// `sharpflow server` does; no tracking URI is required (artifacts behind mlflow-artifacts:/ are deleted in
/// --artifacts-destination directly, see <see cref="GcArtifactDeleter"/>); --tracking-uri is accepted and unused.
/// Sharpflow has one workspace ("default"), so the workspace flags accept that one only.
/// </summary>
public static class GcCommand
{
    private static Option<string?> Env(string name, string? env, string description, string? fallback = null)
    {
        var option = new Option<string?>(name) { Description = env is null ? description : $"{description} [env: {env}]" };
        option.DefaultValueFactory = _ => env is not null && Environment.GetEnvironmentVariable(env) is { Length: > 0 } value ? value : fallback;
        return option;
    }

    public static Command Create()
    {
        var olderThan = Env("--older-than", null, "Remove only what was deleted longer ago than this (#d#h#m#s, floats allowed: 1d2h3m4s, 1.5d).");
        var backend = Env("--backend-store-uri", "MLFLOW_BACKEND_STORE_URI", "Database to collect from (sqlite:///..., postgresql://...).", "sqlite:///mlflow.db");
        var destination = Env("--artifacts-destination", "MLFLOW_ARTIFACTS_DESTINATION", "Store behind mlflow-artifacts:/ URIs (as given to `server`).", "./mlartifacts");
        var runIds = Env("--run-ids", null, "Comma-separated runs to delete permanently (they must be deleted); default: every deleted run.");
        var experimentIds = Env("--experiment-ids", null, "Comma-separated experiments to delete permanently with their runs (they must be deleted); default: every deleted experiment.");
        var modelIds = Env("--logged-model-ids", null, "Comma-separated logged models to delete permanently (they must be deleted); default: every deleted logged model.");
        var jobs = new Option<bool>("--jobs") { Description = "Also delete finalized jobs (all, unless --older-than or --job-ids narrow it)." };
        var jobIds = Env("--job-ids", null, "Comma-separated finalized jobs to delete.");
        var trackingUri = Env("--tracking-uri", "MLFLOW_TRACKING_URI", "Accepted for compatibility; Sharpflow deletes proxied artifacts in --artifacts-destination itself.");
        var workspace = Env("--workspace", "MLFLOW_WORKSPACE", "Workspace to collect in; Sharpflow has only 'default'.");
        var allWorkspaces = new Option<bool>("--all-workspaces") { Description = "Collect in every workspace (Sharpflow's one)." };

        var cmd = new Command("gc", "Permanently delete runs, logged models and experiments in the `deleted` lifecycle stage, with their artifacts.")
        {
            olderThan, backend, destination, runIds, experimentIds, modelIds, jobs, jobIds, trackingUri, workspace, allWorkspaces,
        };
        cmd.SetAction(async (parse, ct) =>
        {
            if (parse.GetResult(workspace) is { Implicit: false } && parse.GetValue(allWorkspaces))
            {
                Console.Error.WriteLine("Error: Cannot use --workspace and --all-workspaces together.");
                return 2;
            }
            try
            {
                if (parse.GetValue(workspace) is { Length: > 0 } ws && ws != "default")
                    throw MlflowException.InvalidParameter(
                        "Workspace selection flags are only supported when the tracking store supports workspaces.");
                var options = new GarbageCollectorOptions
                {
                    OlderThan = parse.GetValue(olderThan),
                    RunIds = GarbageCollectorOptions.SplitIds(parse.GetValue(runIds)),
                    ExperimentIds = GarbageCollectorOptions.SplitIds(parse.GetValue(experimentIds)),
                    LoggedModelIds = GarbageCollectorOptions.SplitIds(parse.GetValue(modelIds)),
                    Jobs = parse.GetValue(jobs),
                    JobIds = GarbageCollectorOptions.SplitIds(parse.GetValue(jobIds)),
                    IgnoreNotFound = parse.GetValue(allWorkspaces),
                    // Not a flag: a tuning knob for measurements (docs on ISqlDialect.DeleteChunkRows).
                    ChunkSize = int.TryParse(Environment.GetEnvironmentVariable("SHARPFLOW_GC_CHUNK_ROWS"), out var rows) && rows > 0 ? rows : null,
                };
                options.OlderThanMillis(); // a bad --older-than fails before the database is opened, as in MLflow
                await using var database = new SqlDatabase(StoreUri.Parse(parse.GetValue(backend)!));
                // As MLflow's store does when gc opens it: an empty database gets the schema; an older one is refused.
                if (await SchemaInitializer.EnsureAsync(database, ct) == SchemaState.Created)
                    Console.Error.WriteLine("Note: the database was empty; created the schema, nothing to collect.");
                var collector = new GarbageCollector(database, new GcArtifactDeleter(parse.GetValue(destination)!), Console.Out, Console.Error);
                await collector.RunAsync(options, ct);
                return 0;
            }
            catch (MlflowException e)
            {
                Console.Error.WriteLine($"Error: {e.Message}");
                return 1;
            }
        });
        return cmd;
    }
}
