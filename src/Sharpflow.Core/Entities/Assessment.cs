namespace Sharpflow.Core.Entities;

// Assessments (feedback, expectations, issue references) attached to a trace, as MLflow 3.11 stores them in its
// `assessments` table. The value is kept as the JSON text of that table's `value` column (what MLflow's
// json.dumps wrote), so rows written by MLflow itself round-trip unchanged; the HTTP layer renders it as
// protobuf JSON (feedback.value, expectation.value or expectation.serialized_value).

/// <summary>The three kinds MLflow stores in `assessments.assessment_type`.</summary>
public static class AssessmentKinds
{
    public const string Feedback = "feedback";
    public const string Expectation = "expectation";
    public const string Issue = "issue";
}

/// <summary>AssessmentSource.SourceType names (the proto enum, stored by name in `source_type`).</summary>
public static class AssessmentSourceTypes
{
    public const string Unspecified = "SOURCE_TYPE_UNSPECIFIED";
    public const string Human = "HUMAN";
    public const string LlmJudge = "LLM_JUDGE";
    public const string Code = "CODE";

    public static readonly string[] Names = [Unspecified, Human, LlmJudge, Code];
}

public sealed record AssessmentSource(string SourceType, string? SourceId);

/// <summary>A feedback's error (stored as a JSON object in `assessments.error`).</summary>
public sealed record AssessmentError(string? ErrorCode, string? ErrorMessage, string? StackTrace);

public sealed record Assessment
{
    /// <summary>`a-` followed by 32 lowercase hex digits.</summary>
    public required string AssessmentId { get; init; }

    /// <summary>assessment_name on the wire; for an issue reference it is the issue id.</summary>
    public required string Name { get; init; }

    public required string TraceId { get; init; }
    public string? SpanId { get; init; }

    /// <summary>Not on the wire; MLflow fills it from metadata `mlflow.assessment.sourceRunId`.</summary>
    public string? RunId { get; init; }

    public required AssessmentSource Source { get; init; }
    public long CreateTimeMs { get; init; }
    public long LastUpdateTimeMs { get; init; }

    /// <summary>One of <see cref="AssessmentKinds"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>
    /// The value as JSON text (null value = "null"). Feedback: any JSON value. Expectation: any JSON value (rendered as
    /// serialized_value when it is not a scalar). Issue: {"issue_name": "..."}.
    /// </summary>
    public required string ValueJson { get; init; }

    /// <summary>Feedback only.</summary>
    public AssessmentError? Error { get; init; }

    public string? Rationale { get; init; }

    /// <summary>Null when the row has no metadata (MLflow stores NULL, not "{}", for none).</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>The assessment_id this one replaces; the replaced one is then invalid.</summary>
    public string? Overrides { get; init; }

    public bool Valid { get; init; } = true;
}

/// <summary>
/// The fields an update_mask named (MLflow's UpdateAssessment). A null property was not in the mask; a value in the
/// mask that the request left unset arrives as protobuf's default ("" for strings, "null" for values).
/// </summary>
public sealed record AssessmentUpdate
{
    public string? Name { get; init; }

    /// <summary>New expectation value as JSON text.</summary>
    public string? ExpectationValueJson { get; init; }

    /// <summary>New feedback value as JSON text; the feedback's error is replaced with <see cref="FeedbackError"/>.</summary>
    public string? FeedbackValueJson { get; init; }

    public AssessmentError? FeedbackError { get; init; }
    public string? Rationale { get; init; }

    /// <summary>Merged into the existing metadata (new keys win).</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    public bool? Valid { get; init; }
}
