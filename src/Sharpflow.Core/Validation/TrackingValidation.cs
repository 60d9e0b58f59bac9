using Sharpflow.Core.Python;
using System.Text.RegularExpressions;
using Sharpflow.Core.Entities;
using Sharpflow.Core.Errors;

namespace Sharpflow.Core.Validation;

/// <summary>
/// MLflow's validators for tracking entities, with its messages word for word. Validators never change
/// their input; the ones that truncate return the value to store.
/// </summary>
public static partial class TrackingValidation
{
    private const string MissingKeyNameMessage =
        "Missing key name. Please provide a key name for the metric, parameter, or tag.";

    [GeneratedRegex(@"^[/\w.\- :]*$")]
    private static partial Regex NameChars();

    [GeneratedRegex(@"^[a-zA-Z0-9][\w\-]{0,255}$")]
    private static partial Regex RunIdPattern();

    [GeneratedRegex(@"^[a-zA-Z0-9][\w\-]{0,63}$")]
    private static partial Regex ExperimentIdPattern();

    public static string InvalidValue(string path, string formattedValue, string? message = null) =>
        message is null
            ? $"Invalid value {formattedValue} for parameter '{path}' supplied."
            : $"Invalid value {formattedValue} for parameter '{path}' supplied: {message}";

    public static string ExceedsMaximumLength(string path, int limit) =>
        $"'{path}' exceeds the maximum length of {limit} characters";

    public static string AppendToJsonPath(string current, string value) =>
        current.Length == 0 ? value : value.StartsWith('[') ? current + value : current + "." + value;

    private static string BadCharacterMessage() =>
        "Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).";

    internal static string BadPathMessage(string name) =>
        "Names may be treated as files in certain cases, and must not resolve to other names when treated as such. " +
        $"This name would resolve to {PythonRepr.Str(PosixPath.NormPath(name))}";

    public static bool PathNotUnique(string name)
    {
        var norm = PosixPath.NormPath(name);
        return norm != name || norm == "." || norm.StartsWith("..", StringComparison.Ordinal) || norm.StartsWith('/');
    }

    private static void CheckNameShape(string name, string path)
    {
        if (!NameChars().IsMatch(name))
            throw MlflowException.InvalidParameter(InvalidValue(path, JsonRepr.Compact(name), BadCharacterMessage()));
        if (PathNotUnique(name))
            throw MlflowException.InvalidParameter(InvalidValue(path, JsonRepr.Compact(name), BadPathMessage(name)));
    }

    public static void MetricName(string? name, string path = "name")
    {
        if (name is null)
            throw MlflowException.InvalidParameter(InvalidValue(path, "null", $"Metric name cannot be None. {MissingKeyNameMessage}"));
        CheckNameShape(name, path);
    }

    public static void ParamName(string? name, string path = "key")
    {
        if (name is null)
            throw MlflowException.InvalidParameter(InvalidValue(path, "\"\"", MissingKeyNameMessage));
        CheckNameShape(name, path);
    }

    public static void TagName(string? name, string path = "key")
    {
        if (name is null)
            throw MlflowException.InvalidParameter($"Missing value for required parameter '{path}'.");
        CheckNameShape(name, path);
    }

    /// <summary>Raises past the limit, or (for truncating fields) cuts the value, as MLFLOW_TRUNCATE_LONG_VALUES does by default.</summary>
    public static string? LengthLimit(string entityName, int limit, string? value, bool truncate = false)
    {
        if (value is null || value.Length <= limit) return value;
        if (truncate) return value[..limit];
        throw MlflowException.InvalidParameter(ExceedsMaximumLength(entityName, limit));
    }

    public static void Metric(Metric m, string path = "")
    {
        MetricName(m.Key, AppendToJsonPath(path, "name"));
        if (m.Timestamp < 0)
            throw MlflowException.InvalidParameter(InvalidValue(AppendToJsonPath(path, "timestamp"), m.Timestamp.ToString(),
                $"metric '{m.Key}' (value={PythonRepr.Float(m.Value)}). Timestamp must be a nonnegative long (64-bit integer) "));
        LengthLimit("Metric name", MlflowLimits.MaxEntityKeyLength, m.Key);
    }

    public static KeyValue Param(string key, string? value, string path = "")
    {
        ParamName(key, AppendToJsonPath(path, "key"));
        return new KeyValue(
            LengthLimit("Param key", MlflowLimits.MaxEntityKeyLength, key)!,
            LengthLimit("Param value", MlflowLimits.MaxParamValueLength, value, truncate: true));
    }

    public static KeyValue RunTag(string key, string? value, string path = "")
    {
        TagName(key, AppendToJsonPath(path, "key"));
        return new KeyValue(
            LengthLimit(AppendToJsonPath(path, "key"), MlflowLimits.MaxEntityKeyLength, key)!,
            LengthLimit(AppendToJsonPath(path, "value"), MlflowLimits.MaxTagValueLength, value, truncate: true));
    }

    public static void ExperimentTag(string key, string? value)
    {
        TagName(key);
        LengthLimit("key", MlflowLimits.MaxExperimentTagKeyLength, key);
        LengthLimit("value", MlflowLimits.MaxExperimentTagValueLength, value);
    }

    public static void ExperimentName(string? name)
    {
        if (string.IsNullOrEmpty(name))
            throw MlflowException.InvalidParameter($"Invalid experiment name: '{name}'");
        if (name.Length > MlflowLimits.MaxExperimentNameLength)
            throw MlflowException.InvalidParameter(ExceedsMaximumLength("name", MlflowLimits.MaxExperimentNameLength));
    }

    public static void RunId(string runId, string path = "run_id")
    {
        if (!RunIdPattern().IsMatch(runId))
            throw MlflowException.InvalidParameter(InvalidValue(path, JsonRepr.Compact(runId)));
    }

    public static void ExperimentId(string? experimentId)
    {
        if (experimentId is not null && !ExperimentIdPattern().IsMatch(experimentId))
            throw MlflowException.InvalidParameter($"Invalid experiment ID: '{experimentId}'");
    }

    public static void ParamKeysUnique(IEnumerable<KeyValue> parameters)
    {
        var seen = new List<string>();
        var dupes = new List<string>();
        foreach (var p in parameters)
        {
            if (seen.Contains(p.Key)) dupes.Add(p.Key);
            else seen.Add(p.Key);
        }
        if (dupes.Count > 0)
            throw MlflowException.InvalidParameter(
                $"Duplicate parameter keys have been submitted: {PythonRepr.StrList(dupes)}. Please ensure the request contains only one param value per param key.");
    }

    private static void BatchLimit(string entityName, int limit, int length)
    {
        if (length > limit)
            throw MlflowException.InvalidParameter(
                $"A batch logging request can contain at most {limit} {entityName}. Got {length} {entityName}. Please split up {entityName} across multiple requests and try again.");
    }

    public static void BatchLogLimits(int metrics, int parameters, int tags)
    {
        BatchLimit("metrics", MlflowLimits.MaxMetricsPerBatch, metrics);
        BatchLimit("params", MlflowLimits.MaxParamsTagsPerBatch, parameters);
        BatchLimit("tags", MlflowLimits.MaxParamsTagsPerBatch, tags);
        BatchLimit("metrics, params, and tags", MlflowLimits.MaxEntitiesPerBatch, metrics + parameters + tags);
    }

    public static void DatasetInputs(IReadOnlyList<DatasetInput> inputs)
    {
        foreach (var input in inputs)
        {
            var d = input.Dataset;
            if (d.Name is null) throw MlflowException.InvalidParameter("Dataset name cannot be None");
            if (d.Digest is null) throw MlflowException.InvalidParameter("Dataset digest cannot be None");
            if (d.SourceType is null) throw MlflowException.InvalidParameter("Dataset source_type cannot be None");
            if (d.Source is null) throw MlflowException.InvalidParameter("Dataset source cannot be None");
            LengthLimit("name", MlflowLimits.MaxDatasetNameSize, d.Name);
            LengthLimit("digest", MlflowLimits.MaxDatasetDigestSize, d.Digest);
            LengthLimit("source", MlflowLimits.MaxDatasetSourceSize, d.Source);
            LengthLimit("schema", MlflowLimits.MaxDatasetSchemaSize, d.Schema);
            LengthLimit("profile", MlflowLimits.MaxDatasetProfileSize, d.Profile);
            foreach (var tag in input.Tags)
            {
                if (tag.Value is null) throw MlflowException.InvalidParameter("InputTag value cannot be None");
                LengthLimit("key", MlflowLimits.MaxInputTagKeySize, tag.Key);
                LengthLimit("value", MlflowLimits.MaxInputTagValueSize, tag.Value);
            }
        }
    }
}
