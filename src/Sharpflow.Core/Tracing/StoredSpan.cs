namespace Sharpflow.Core.Tracing;

/// <summary>
/// A span ready for the <c>spans</c> table, plus what log_spans derives from it for its trace. <see cref="Content"/>
/// is MLflow's stored span document (Span.to_dict after its storage-time translation, json.dumps'ed).
/// </summary>
public sealed class StoredSpan
{
    /// <summary>MLflow trace id (the span's <c>mlflow.traceRequestId</c>, by default <c>tr-&lt;otel trace id hex&gt;</c>).</summary>
    public required string TraceId { get; init; }
    public required string SpanId { get; init; }
    public string? ParentSpanId { get; init; }
    public required string Name { get; init; }
    /// <summary>The <c>mlflow.spanType</c> attribute as the span carried it (before storage-time translation, as MLflow fills the column).</summary>
    public string? Type { get; init; }
    /// <summary>OK, ERROR or UNSET.</summary>
    public required string Status { get; init; }
    public long StartTimeUnixNano { get; init; }
    /// <summary>0 when the span had no end time, as MLflow stores it.</summary>
    public long EndTimeUnixNano { get; init; }
    public required string Content { get; init; }
    /// <summary>JSON of the model name/provider attributes, or null.</summary>
    public string? DimensionAttributes { get; init; }

    public bool IsRoot => ParentSpanId is null;

    // Stored attribute values (JSON text) that log_spans aggregates into the trace.
    public string? TokenUsage { get; init; }
    public string? Cost { get; init; }
    public string? SessionId { get; init; }
    public string? UserId { get; init; }
    public string? Inputs { get; init; }
    public string? Outputs { get; init; }
}

/// <summary>A span MLflow cannot store (log_spans fails on it): the OTLP route answers 422 "Failed to log OpenTelemetry spans".</summary>
public sealed class SpanStoreException(string message) : Exception(message);

/// <summary>Attribute keys MLflow reserves on spans and traces.</summary>
public static class SpanKeys
{
    public const string RequestId = "mlflow.traceRequestId";
    public const string SpanType = "mlflow.spanType";
    public const string Inputs = "mlflow.spanInputs";
    public const string Outputs = "mlflow.spanOutputs";
    public const string ChatUsage = "mlflow.chat.tokenUsage";
    public const string LlmCost = "mlflow.llm.cost";
    public const string Model = "mlflow.llm.model";
    public const string ModelProvider = "mlflow.llm.provider";
    public const string MessageFormat = "mlflow.message.format";
    public const string ChatTools = "mlflow.chat.tools";
    public const string SessionId = "session.id";
    public const string UserId = "user.id";
    public const string ServiceName = "service.name";

    public const string TokenUsageMetadata = "mlflow.trace.tokenUsage";
    public const string CostMetadata = "mlflow.trace.cost";
    public const string InfoFinalized = "mlflow.trace.infoFinalized";
    public const string TraceSession = "mlflow.trace.session";
    public const string TraceUser = "mlflow.trace.user";
    public const string SizeStats = "mlflow.trace.sizeStats";
    public const string SpansLocation = "mlflow.trace.spansLocation";
    public const string ArtifactLocation = "mlflow.artifactLocation";
    public const string TrackingStore = "TRACKING_STORE";

    /// <summary>Token-usage keys, in the order MLflow adds them to a trace's total.</summary>
    public static readonly string[] TokenUsageKeys =
        ["input_tokens", "output_tokens", "total_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"];

    public static readonly string[] CostKeys = ["input_cost", "output_cost", "total_cost"];
}
