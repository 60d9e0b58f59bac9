using System.Text.Json.Serialization;
using Sharpflow.Core.Entities;

namespace Sharpflow.Server.Contracts;

// Wire shapes of MLflow's service.proto messages as its JSON printer writes them: snake_case, unset
// fields omitted (null), empty repeated fields omitted (null), int64 as numbers.

public sealed record KeyValueJson([property: JsonPropertyName("key")] string Key, [property: JsonPropertyName("value")] string? Value);

public sealed record ExperimentJson
{
    [JsonPropertyName("experiment_id")] public required string ExperimentId { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("artifact_location")] public string? ArtifactLocation { get; init; }
    [JsonPropertyName("lifecycle_stage")] public string? LifecycleStage { get; init; }
    [JsonPropertyName("last_update_time")] public long? LastUpdateTime { get; init; }
    [JsonPropertyName("creation_time")] public long? CreationTime { get; init; }
    [JsonPropertyName("tags")] public List<KeyValueJson>? Tags { get; init; }

    public static ExperimentJson From(Experiment e) => new()
    {
        ExperimentId = e.ExperimentId,
        Name = e.Name,
        ArtifactLocation = e.ArtifactLocation,
        LifecycleStage = e.LifecycleStage,
        LastUpdateTime = e.LastUpdateTime,
        CreationTime = e.CreationTime,
        Tags = Json.KeyValues(e.Tags),
    };
}

public sealed record RunInfoJson
{
    [JsonPropertyName("run_uuid")] public required string RunUuid { get; init; }
    [JsonPropertyName("experiment_id")] public string? ExperimentId { get; init; }
    [JsonPropertyName("run_name")] public string? RunName { get; init; }
    [JsonPropertyName("user_id")] public string? UserId { get; init; }
    [JsonPropertyName("status")] public string? Status { get; init; }
    [JsonPropertyName("start_time")] public long? StartTime { get; init; }
    [JsonPropertyName("end_time")] public long? EndTime { get; init; }
    [JsonPropertyName("artifact_uri")] public string? ArtifactUri { get; init; }
    [JsonPropertyName("lifecycle_stage")] public string? LifecycleStage { get; init; }
    [JsonPropertyName("run_id")] public string? RunId { get; init; }

    public static RunInfoJson From(RunInfo i) => new()
    {
        RunUuid = i.RunId,
        RunId = i.RunId,
        ExperimentId = i.ExperimentId,
        RunName = i.RunName,
        UserId = i.UserId,
        Status = i.Status,
        StartTime = i.StartTime,
        EndTime = i.EndTime,
        ArtifactUri = i.ArtifactUri,
        LifecycleStage = i.LifecycleStage,
    };
}

public sealed record MetricJson
{
    [JsonPropertyName("key")] public required string Key { get; init; }
    [JsonPropertyName("value")] public double Value { get; init; }
    [JsonPropertyName("timestamp")] public long Timestamp { get; init; }
    [JsonPropertyName("step")] public long Step { get; init; }
    [JsonPropertyName("dataset_name")] public string? DatasetName { get; init; }
    [JsonPropertyName("dataset_digest")] public string? DatasetDigest { get; init; }
    [JsonPropertyName("model_id")] public string? ModelId { get; init; }
    [JsonPropertyName("run_id")] public string? RunId { get; init; }

    public static MetricJson From(Metric m, bool withRunId = false) => new()
    {
        Key = m.Key,
        Value = m.Value,
        Timestamp = m.Timestamp,
        Step = m.Step,
        DatasetName = m.DatasetName,
        DatasetDigest = m.DatasetDigest,
        ModelId = m.ModelId,
        RunId = withRunId ? m.RunId : null,
    };
}

public sealed record RunDataJson
{
    [JsonPropertyName("metrics")] public List<MetricJson>? Metrics { get; init; }
    [JsonPropertyName("params")] public List<KeyValueJson>? Params { get; init; }
    [JsonPropertyName("tags")] public List<KeyValueJson>? Tags { get; init; }
}

public sealed record DatasetJson
{
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("digest")] public string? Digest { get; init; }
    [JsonPropertyName("source_type")] public string? SourceType { get; init; }
    [JsonPropertyName("source")] public string? Source { get; init; }
    [JsonPropertyName("schema")] public string? Schema { get; init; }
    [JsonPropertyName("profile")] public string? Profile { get; init; }
}

public sealed record DatasetInputJson
{
    [JsonPropertyName("tags")] public List<KeyValueJson>? Tags { get; init; }
    [JsonPropertyName("dataset")] public DatasetJson? Dataset { get; init; }
}

public sealed record ModelInputJson([property: JsonPropertyName("model_id")] string ModelId);

public sealed record ModelOutputJson([property: JsonPropertyName("model_id")] string ModelId, [property: JsonPropertyName("step")] long Step);

public sealed record RunInputsJson
{
    [JsonPropertyName("dataset_inputs")] public List<DatasetInputJson>? DatasetInputs { get; init; }
    [JsonPropertyName("model_inputs")] public List<ModelInputJson>? ModelInputs { get; init; }
}

public sealed record RunOutputsJson
{
    [JsonPropertyName("model_outputs")] public List<ModelOutputJson>? ModelOutputs { get; init; }
}

public sealed record RunJson
{
    [JsonPropertyName("info")] public required RunInfoJson Info { get; init; }
    [JsonPropertyName("data")] public required RunDataJson Data { get; init; }
    [JsonPropertyName("inputs")] public RunInputsJson? Inputs { get; init; }
    [JsonPropertyName("outputs")] public RunOutputsJson? Outputs { get; init; }

    public static RunJson From(Run r, bool withOutputs = true) => new()
    {
        Info = RunInfoJson.From(r.Info),
        Data = new RunDataJson
        {
            Metrics = r.Metrics.Count == 0 ? null : r.Metrics.Select(m => MetricJson.From(m)).ToList(),
            Params = Json.KeyValues(r.Params),
            Tags = Json.KeyValues(r.Tags),
        },
        Inputs = new RunInputsJson
        {
            DatasetInputs = r.DatasetInputs.Count == 0 ? null : r.DatasetInputs.Select(d => new DatasetInputJson
            {
                Tags = Json.KeyValues(d.Tags),
                Dataset = new DatasetJson
                {
                    Name = d.Dataset.Name, Digest = d.Dataset.Digest, SourceType = d.Dataset.SourceType,
                    Source = d.Dataset.Source, Schema = d.Dataset.Schema, Profile = d.Dataset.Profile,
                },
            }).ToList(),
            ModelInputs = r.ModelInputs.Count == 0 ? null : r.ModelInputs.Select(m => new ModelInputJson(m.ModelId)).ToList(),
        },
        Outputs = withOutputs
            ? new RunOutputsJson { ModelOutputs = r.ModelOutputs.Count == 0 ? null : r.ModelOutputs.Select(m => new ModelOutputJson(m.ModelId, m.Step)).ToList() }
            : null,
    };
}

public sealed record DatasetSummaryJson
{
    [JsonPropertyName("experiment_id")] public required string ExperimentId { get; init; }
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("digest")] public required string Digest { get; init; }
    [JsonPropertyName("context")] public string? Context { get; init; }
}

// Responses
public sealed record CreateExperimentResponse([property: JsonPropertyName("experiment_id")] string ExperimentId);
public sealed record ExperimentResponse([property: JsonPropertyName("experiment")] ExperimentJson Experiment);
public sealed record SearchExperimentsResponse(
    [property: JsonPropertyName("experiments")] List<ExperimentJson>? Experiments,
    [property: JsonPropertyName("next_page_token")] string? NextPageToken);
public sealed record RunResponse([property: JsonPropertyName("run")] RunJson Run);
public sealed record UpdateRunResponse([property: JsonPropertyName("run_info")] RunInfoJson RunInfo);
public sealed record SearchRunsResponse(
    [property: JsonPropertyName("runs")] List<RunJson>? Runs,
    [property: JsonPropertyName("next_page_token")] string? NextPageToken);
public sealed record MetricsResponse(
    [property: JsonPropertyName("metrics")] List<MetricJson>? Metrics,
    [property: JsonPropertyName("next_page_token")] string? NextPageToken = null);
public sealed record SearchDatasetsResponse([property: JsonPropertyName("dataset_summaries")] List<DatasetSummaryJson>? DatasetSummaries);
public sealed record EmptyResponse;
public sealed record ErrorResponse(
    [property: JsonPropertyName("error_code")] string ErrorCode,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("sqlstate")] string? SqlState,
    [property: JsonPropertyName("error_class")] string? ErrorClass);
public sealed record ServerInfoResponse(
    [property: JsonPropertyName("store_type")] string StoreType,
    [property: JsonPropertyName("workspaces_enabled")] bool WorkspacesEnabled);

internal static class Json
{
    public static List<KeyValueJson>? KeyValues(IReadOnlyList<KeyValue> list) =>
        list.Count == 0 ? null : list.Select(t => new KeyValueJson(t.Key, t.Value)).ToList();
}

[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(CreateExperimentResponse))]
[JsonSerializable(typeof(ExperimentResponse))]
[JsonSerializable(typeof(SearchExperimentsResponse))]
[JsonSerializable(typeof(RunResponse))]
[JsonSerializable(typeof(UpdateRunResponse))]
[JsonSerializable(typeof(SearchRunsResponse))]
[JsonSerializable(typeof(MetricsResponse))]
[JsonSerializable(typeof(SearchDatasetsResponse))]
[JsonSerializable(typeof(EmptyResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(ServerInfoResponse))]
[JsonSerializable(typeof(ListArtifactsResponse))]
public partial class SharpflowJsonContext : JsonSerializerContext;
