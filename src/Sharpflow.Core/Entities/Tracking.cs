namespace Sharpflow.Core.Entities;

// Domain records of the tracking store. They are what the store returns and the HTTP layer maps to
// wire contracts; they never carry database row details.

public sealed record KeyValue(string Key, string? Value);

public sealed record Experiment(
    string ExperimentId,
    string Name,
    string? ArtifactLocation,
    string LifecycleStage,
    long? CreationTime,
    long? LastUpdateTime,
    IReadOnlyList<KeyValue> Tags);

public sealed record RunInfo(
    string RunId,
    string ExperimentId,
    string? RunName,
    string? UserId,
    string Status,
    long? StartTime,
    long? EndTime,
    string? ArtifactUri,
    string LifecycleStage);

public sealed record Metric(string Key, double Value, long Timestamp, long Step)
{
    public string? RunId { get; init; }
    public string? ModelId { get; init; }
    public string? DatasetName { get; init; }
    public string? DatasetDigest { get; init; }
}

public sealed record Dataset(
    string? Name,
    string? Digest,
    string? SourceType,
    string? Source,
    string? Schema,
    string? Profile);

public sealed record DatasetInput(IReadOnlyList<KeyValue> Tags, Dataset Dataset);

public sealed record ModelInput(string ModelId);

public sealed record ModelOutput(string ModelId, long Step);

public sealed record Run(
    RunInfo Info,
    IReadOnlyList<Metric> Metrics,
    IReadOnlyList<KeyValue> Params,
    IReadOnlyList<KeyValue> Tags,
    IReadOnlyList<DatasetInput> DatasetInputs,
    IReadOnlyList<ModelInput> ModelInputs,
    IReadOnlyList<ModelOutput> ModelOutputs);

public sealed record DatasetSummary(string ExperimentId, string Name, string Digest, string? Context);

/// <summary>A page of results plus MLflow's opaque token for the next page (null on the last page).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextPageToken);

public enum ViewType
{
    ACTIVE_ONLY = 1,
    DELETED_ONLY = 2,
    ALL = 3,
}

public static class RunStatus
{
    public static readonly string[] Names = ["RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"];

    public static bool IsTerminated(string status) => status is "FINISHED" or "FAILED" or "KILLED";
}

public static class LifecycleStage
{
    public const string Active = "active";
    public const string Deleted = "deleted";
}

/// <summary>Tag keys with meaning to MLflow.</summary>
public static class MlflowTags
{
    public const string RunName = "mlflow.runName";
    public const string User = "mlflow.user";
    public const string SourceName = "mlflow.source.name";
    public const string SourceType = "mlflow.source.type";
    public const string SourceGitCommit = "mlflow.source.git.commit";
    public const string ProjectEntryPoint = "mlflow.project.entryPoint";
    public const string LoggedModels = "mlflow.log-model.history";
    public const string DatasetContext = "mlflow.data.context";
    public const string ParentRunId = "mlflow.parentRunId";
}
