namespace Sharpflow.Core.Entities;

// Domain records of the model registry and of MLflow 3's logged models.

public sealed record ModelVersion(
    string Name,
    long Version,
    long? CreationTime,
    long? LastUpdatedTime,
    string? Description,
    string? UserId,
    string? CurrentStage,
    string? Source,
    string? RunId,
    string? Status,
    string? StatusMessage,
    string? RunLink,
    string? StorageLocation,
    IReadOnlyList<KeyValue> Tags)
{
    /// <summary>Only the calls that return one version list its aliases; searches and latest_versions leave it empty, as MLflow.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];
}

public sealed record RegisteredModelAlias(string Alias, long Version);

public sealed record RegisteredModel(
    string Name,
    long? CreationTime,
    long? LastUpdatedTime,
    string? Description,
    IReadOnlyList<ModelVersion> LatestVersions,
    IReadOnlyList<KeyValue> Tags,
    IReadOnlyList<RegisteredModelAlias> Aliases);

/// <summary>The registry's (deprecated) stages, with the internal one that marks a deleted version.</summary>
public static class ModelStages
{
    public const string None = "None";
    public const string Staging = "Staging";
    public const string Production = "Production";
    public const string Archived = "Archived";
    public const string DeletedInternal = "Deleted_Internal";

    public static readonly IReadOnlyList<string> All = [None, Staging, Production, Archived];

    /// <summary>Stages whose versions transition-stage may archive (DEFAULT_STAGES_FOR_GET_LATEST_VERSIONS).</summary>
    public static readonly IReadOnlyList<string> Active = [Staging, Production];
}

/// <summary>Tags by which MLflow builds prompts on registry entities and links logged models to versions.</summary>
public static class RegistryTags
{
    public const string IsPrompt = "mlflow.prompt.is_prompt";
    public const string PromptText = "mlflow.prompt.text";
    public const string PromptType = "_mlflow_prompt_type";
    public const string ModelVersions = "mlflow.modelVersions";
}

public enum LoggedModelStatus
{
    LOGGED_MODEL_STATUS_UNSPECIFIED = 0,
    LOGGED_MODEL_PENDING = 1,
    LOGGED_MODEL_READY = 2,
    LOGGED_MODEL_UPLOAD_FAILED = 3,
}

public sealed record LoggedModel(
    string ModelId,
    string ExperimentId,
    string Name,
    string ArtifactLocation,
    long CreationTimestamp,
    long LastUpdatedTimestamp,
    LoggedModelStatus Status,
    string? LifecycleStage,
    string? ModelType,
    string? SourceRunId,
    string? StatusMessage,
    IReadOnlyList<KeyValue> Tags,
    IReadOnlyList<KeyValue> Params,
    IReadOnlyList<Metric> Metrics);
