using Sharpflow.Core.Errors;

namespace Sharpflow.Core.Validation;

/// <summary>
/// The errors MLflow 3.11 answers on the assessment routes, worded as its entities and SQL store word them
/// (clients and the UI show these messages, and some tests match on them).
/// </summary>
public static class AssessmentValidation
{
    /// <summary>Only serialization format MLflow reads for expectation.serialized_value.</summary>
    public const string JsonFormat = "JSON_FORMAT";

    /// <summary>None of feedback, expectation or issue was set (MLflow prints the missing oneof as Python's None).</summary>
    public static MlflowException UnknownType() => MlflowException.InvalidParameter("Unknown assessment type: None");

    /// <summary>An expectation without a value (also a JSON "null" value, which Python reads as None).</summary>
    public static MlflowException ExpectationValueRequired() => MlflowException.InvalidParameter("The `value` field must be specified.");

    public static MlflowException UnknownSerializationFormat(string format) =>
        MlflowException.InvalidParameter($"Unknown serialization format: {format}. Only JSON_FORMAT is supported.");

    /// <summary>serialized_value.value that is not JSON (MLflow's json.loads fails; we say why instead of a 500).</summary>
    public static MlflowException SerializedValueNotJson(string detail) =>
        MlflowException.InvalidParameter($"Failed to parse the expectation's serialized value as JSON: {detail}");

    public static MlflowException TraceNotFound(string traceId) => MlflowException.NotFound($"Trace with request_id '{traceId}' not found");

    public static MlflowException AssessmentNotFound(string assessmentId, string traceId) =>
        MlflowException.NotFound($"Assessment with ID '{assessmentId}' not found for trace '{traceId}'");

    /// <summary>
    /// The assessment named by `overrides` is not on the trace. MLflow's message leaves "{trace_id}" unformatted
    /// (only the first half of its text is an f-string); clients see exactly that, so we keep it.
    /// </summary>
    public static MlflowException OverriddenNotFound(string overriddenId) =>
        MlflowException.NotFound($"Assessment with ID '{overriddenId}' not found for trace '{{trace_id}}'");

    public static MlflowException BothValues() =>
        MlflowException.InvalidParameter("Cannot specify both `expectation` and `feedback` parameters.");

    public static MlflowException ExpectationOnFeedback() =>
        MlflowException.InvalidParameter("Cannot update expectation value on a Feedback assessment.");

    public static MlflowException FeedbackOnExpectation() =>
        MlflowException.InvalidParameter("Cannot update feedback value on an Expectation assessment.");

    /// <summary>
    /// Updating an issue reference with no new feedback: MLflow 3.11 fails with an unhandled AttributeError (HTTP 500);
    /// we keep the status but say what went wrong.
    /// </summary>
    public static MlflowException IssueNotUpdatable() =>
        new(ErrorCode.INTERNAL_ERROR, "Issue reference assessments cannot be updated.");

    /// <summary>
    /// protobuf's FieldMask JSON reader: comma-separated lowerCamelCase paths turned into snake_case. A path with an
    /// underscore is a parse error there; MLflow then goes on with the paths read before it, so we return those.
    /// </summary>
    public static List<string> FieldMaskPaths(string mask)
    {
        var paths = new List<string>();
        if (mask.Length == 0) return paths;
        foreach (var part in mask.Split(','))
        {
            if (part.Contains('_')) break;
            var sb = new System.Text.StringBuilder(part.Length + 4);
            foreach (var c in part)
            {
                if (char.IsUpper(c)) sb.Append('_').Append(char.ToLowerInvariant(c));
                else sb.Append(c);
            }
            paths.Add(sb.ToString());
        }
        return paths;
    }
}
