namespace Sharpflow.Core.Entities;

// A trace's metadata as MLflow 3.11 keeps it in `trace_info` (+ trace_tags, trace_request_metadata, assessments).
// The store's column names are the legacy (v2) ones: request_id = trace_id, timestamp_ms = request_time,
// execution_time_ms = execution_duration, status = state (the v3 TraceState name is what is stored).

/// <summary>TraceInfoV3.State names, as stored in `trace_info.status`.</summary>
public static class TraceStates
{
    public const string Unspecified = "STATE_UNSPECIFIED";
    public const string Ok = "OK";
    public const string Error = "ERROR";
    public const string InProgress = "IN_PROGRESS";

    /// <summary>Proto enum order (index = proto number).</summary>
    public static readonly string[] Names = [Unspecified, Ok, Error, InProgress];

    /// <summary>The legacy v2 TraceStatus name of a state (only "unspecified" differs).</summary>
    public static string ToV2Status(string state) => state == Unspecified ? "TRACE_STATUS_UNSPECIFIED" : state;

    /// <summary>The state a legacy v2 TraceStatus name stands for.</summary>
    public static string FromV2Status(string? status) => status is null or "TRACE_STATUS_UNSPECIFIED" ? Unspecified : status;
}

/// <summary>Tag and metadata keys of traces with meaning to MLflow.</summary>
public static class TraceKeys
{
    public const string ArtifactLocation = "mlflow.artifactLocation";
    public const string SpansLocation = "mlflow.trace.spansLocation";
    public const string SpansInTrackingStore = "TRACKING_STORE";
    public const string TraceName = "mlflow.traceName";
    public const string LinkedPrompts = "mlflow.linkedPrompts";
    public const string SourceRun = "mlflow.sourceRun";
    public const string TokenUsage = "mlflow.trace.tokenUsage";
    public const string InfoFinalized = "mlflow.trace.infoFinalized";
    public const string Session = "mlflow.trace.session";

    /// <summary>The keys of the token-usage JSON that become trace_metrics rows.</summary>
    public static readonly string[] TokenUsageKeys =
        ["input_tokens", "output_tokens", "total_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"];
}

/// <summary>The metadata of one trace. Tags and metadata keep the database's order (responses are maps).</summary>
public sealed record TraceInfo
{
    /// <summary>`tr-` + 32 hex for v3 traces (a bare uuid hex for legacy v2 ones).</summary>
    public required string TraceId { get; init; }

    public required string ExperimentId { get; init; }

    /// <summary>request_time in milliseconds since the epoch.</summary>
    public long TimestampMs { get; init; }

    /// <summary>execution_duration in milliseconds; null while unknown.</summary>
    public long? ExecutionTimeMs { get; init; }

    /// <summary>One of <see cref="TraceStates"/>.</summary>
    public string State { get; init; } = TraceStates.Unspecified;

    public string? ClientRequestId { get; init; }
    public string? RequestPreview { get; init; }
    public string? ResponsePreview { get; init; }
    public IReadOnlyList<KeyValue> Tags { get; init; } = [];
    public IReadOnlyList<KeyValue> Metadata { get; init; } = [];
    public IReadOnlyList<Assessment> Assessments { get; init; } = [];

    public string? Tag(string key) => Tags.FirstOrDefault(t => t.Key == key)?.Value;

    public string? MetadataValue(string key) => Metadata.FirstOrDefault(t => t.Key == key)?.Value;
}
