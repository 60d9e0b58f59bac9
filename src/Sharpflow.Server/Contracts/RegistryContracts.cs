using System.Text.Json.Serialization;
using Sharpflow.Core.Entities;

namespace Sharpflow.Server.Contracts;

// Wire shapes of model_registry.proto and of the logged-model messages of service.proto, as MLflow's entities fill
// them (to_proto): unset fields omitted (null), empty repeated fields omitted, versions as strings.

public sealed record ModelVersionJson
{
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("version")] public required string Version { get; init; }
    [JsonPropertyName("creation_timestamp")] public long? CreationTimestamp { get; init; }
    [JsonPropertyName("last_updated_timestamp")] public long? LastUpdatedTimestamp { get; init; }
    [JsonPropertyName("user_id")] public string? UserId { get; init; }
    [JsonPropertyName("current_stage")] public string? CurrentStage { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("source")] public string? Source { get; init; }
    [JsonPropertyName("run_id")] public string? RunId { get; init; }
    [JsonPropertyName("status")] public string? Status { get; init; }
    [JsonPropertyName("status_message")] public string? StatusMessage { get; init; }
    [JsonPropertyName("tags")] public List<KeyValueJson>? Tags { get; init; }
    [JsonPropertyName("run_link")] public string? RunLink { get; init; }
    [JsonPropertyName("aliases")] public List<string>? Aliases { get; init; }

    public static ModelVersionJson From(ModelVersion v) => new()
    {
        Name = v.Name,
        Version = v.Version.ToString(),
        CreationTimestamp = v.CreationTime ?? 0,
        LastUpdatedTimestamp = v.LastUpdatedTime,
        UserId = v.UserId,
        CurrentStage = v.CurrentStage,
        Description = v.Description,
        Source = v.Source,
        RunId = v.RunId,
        Status = v.Status,
        StatusMessage = string.IsNullOrEmpty(v.StatusMessage) ? null : v.StatusMessage,
        Tags = Json.KeyValues(v.Tags),
        RunLink = v.RunLink,
        Aliases = v.Aliases.Count == 0 ? null : v.Aliases.ToList(),
    };
}

public sealed record RegisteredModelAliasJson(
    [property: JsonPropertyName("alias")] string Alias,
    [property: JsonPropertyName("version")] string Version);

public sealed record RegisteredModelJson
{
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("creation_timestamp")] public long? CreationTimestamp { get; init; }
    [JsonPropertyName("last_updated_timestamp")] public long? LastUpdatedTimestamp { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("latest_versions")] public List<ModelVersionJson>? LatestVersions { get; init; }
    [JsonPropertyName("tags")] public List<KeyValueJson>? Tags { get; init; }
    [JsonPropertyName("aliases")] public List<RegisteredModelAliasJson>? Aliases { get; init; }

    // RegisteredModel.to_proto skips a falsy description and last-update time.
    public static RegisteredModelJson From(RegisteredModel m) => new()
    {
        Name = m.Name,
        CreationTimestamp = m.CreationTime,
        LastUpdatedTimestamp = m.LastUpdatedTime is 0 ? null : m.LastUpdatedTime,
        Description = string.IsNullOrEmpty(m.Description) ? null : m.Description,
        LatestVersions = m.LatestVersions.Count == 0 ? null : m.LatestVersions.Select(ModelVersionJson.From).ToList(),
        Tags = Json.KeyValues(m.Tags),
        Aliases = m.Aliases.Count == 0 ? null : m.Aliases.Select(a => new RegisteredModelAliasJson(a.Alias, a.Version.ToString())).ToList(),
    };
}

public sealed record LoggedModelInfoJson
{
    [JsonPropertyName("model_id")] public required string ModelId { get; init; }
    [JsonPropertyName("experiment_id")] public string? ExperimentId { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("creation_timestamp_ms")] public long? CreationTimestampMs { get; init; }
    [JsonPropertyName("last_updated_timestamp_ms")] public long? LastUpdatedTimestampMs { get; init; }
    [JsonPropertyName("artifact_uri")] public string? ArtifactUri { get; init; }
    [JsonPropertyName("status")] public string? Status { get; init; }
    [JsonPropertyName("model_type")] public string? ModelType { get; init; }
    [JsonPropertyName("source_run_id")] public string? SourceRunId { get; init; }
    [JsonPropertyName("tags")] public List<KeyValueJson>? Tags { get; init; }
}

public sealed record LoggedModelDataJson
{
    [JsonPropertyName("params")] public List<KeyValueJson>? Params { get; init; }
    [JsonPropertyName("metrics")] public List<MetricJson>? Metrics { get; init; }
}

public sealed record LoggedModelJson
{
    [JsonPropertyName("info")] public required LoggedModelInfoJson Info { get; init; }
    [JsonPropertyName("data")] public required LoggedModelDataJson Data { get; init; }

    // LoggedModel.to_proto leaves out status_message and registrations.
    public static LoggedModelJson From(LoggedModel m) => new()
    {
        Info = new LoggedModelInfoJson
        {
            ModelId = m.ModelId,
            ExperimentId = m.ExperimentId,
            Name = m.Name,
            CreationTimestampMs = m.CreationTimestamp,
            LastUpdatedTimestampMs = m.LastUpdatedTimestamp,
            ArtifactUri = m.ArtifactLocation,
            Status = m.Status.ToString(),
            ModelType = m.ModelType,
            SourceRunId = m.SourceRunId,
            Tags = Json.KeyValues(m.Tags),
        },
        Data = new LoggedModelDataJson
        {
            Params = Json.KeyValues(m.Params),
            Metrics = m.Metrics.Count == 0 ? null : m.Metrics.Select(x => MetricJson.From(x, withRunId: true)).ToList(),
        },
    };
}

// Responses
public sealed record RegisteredModelResponse([property: JsonPropertyName("registered_model")] RegisteredModelJson RegisteredModel);
public sealed record SearchRegisteredModelsResponse(
    [property: JsonPropertyName("registered_models")] List<RegisteredModelJson>? RegisteredModels,
    [property: JsonPropertyName("next_page_token")] string? NextPageToken);
public sealed record ModelVersionResponse([property: JsonPropertyName("model_version")] ModelVersionJson ModelVersion);
public sealed record ModelVersionsResponse(
    [property: JsonPropertyName("model_versions")] List<ModelVersionJson>? ModelVersions,
    [property: JsonPropertyName("next_page_token")] string? NextPageToken = null);
public sealed record DownloadUriResponse([property: JsonPropertyName("artifact_uri")] string ArtifactUri);
public sealed record LoggedModelResponse([property: JsonPropertyName("model")] LoggedModelJson Model);
public sealed record SearchLoggedModelsResponse(
    [property: JsonPropertyName("models")] List<LoggedModelJson>? Models,
    [property: JsonPropertyName("next_page_token")] string? NextPageToken);

/// <summary>Source-generated serialisers of the registry and logged-model contracts (same options as SharpflowJsonContext).</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(RegisteredModelResponse))]
[JsonSerializable(typeof(SearchRegisteredModelsResponse))]
[JsonSerializable(typeof(ModelVersionResponse))]
[JsonSerializable(typeof(ModelVersionsResponse))]
[JsonSerializable(typeof(DownloadUriResponse))]
[JsonSerializable(typeof(LoggedModelResponse))]
[JsonSerializable(typeof(SearchLoggedModelsResponse))]
public partial class RegistryJsonContext : JsonSerializerContext;
