using System.Globalization;
using System.Text.RegularExpressions;
using Sharpflow.Core.Entities;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Python;

namespace Sharpflow.Core.Validation;

/// <summary>MLflow's validators for registry entities and logged models (mlflow/utils/validation.py), messages word for word.</summary>
public static partial class RegistryValidation
{
    public const int MaxTagKeyLength = 250;
    public const int MaxTagValueLength = 100_000;
    public const int MaxAliasLength = 255;

    [GeneratedRegex(@"^[\w\-]*$")]
    private static partial Regex AliasChars();

    [GeneratedRegex(@"^[vV]\d+$")]
    private static partial Regex VersionLikeAlias();

    [GeneratedRegex(@"^\s*[+-]?\d+(_\d+)*\s*$")]
    private static partial Regex PythonInt();

    public static void ModelName(string? name)
    {
        if (name is null || name.Trim().Length == 0)
            throw MlflowException.InvalidParameter("Missing value for required parameter 'name'.");
        if (name.Contains('/') || name.Contains(':'))
            throw MlflowException.InvalidParameter($"Invalid model name '{name}'. Names cannot contain '/' or ':'.");
        if (TrackingValidation.PathNotUnique(name))
            throw MlflowException.InvalidParameter(TrackingValidation.InvalidValue("name", JsonRepr.Compact(name), TrackingValidation.BadPathMessage(name)));
    }

    public static void ModelRenaming(string? newName)
    {
        if (newName is null || newName.Trim().Length == 0)
            throw MlflowException.InvalidParameter("Missing value for required parameter 'new_name'.");
        ModelName(newName);
    }

    /// <summary>
    /// <c>int(version)</c> as MLflow checks it. Returns the number, or null for an integer no row can have
    /// (Python accepts any size; such a version is simply not found).
    /// </summary>
    public static long? ModelVersion(string? version)
    {
        if (version is null || !PythonInt().IsMatch(version))
            throw MlflowException.InvalidParameter($"Parameter 'version' must be an integer, got '{version}'.");
        return long.TryParse(version.Trim().Replace("_", "", StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            ? v : null;
    }

    public static void AliasName(string? alias)
    {
        if (string.IsNullOrEmpty(alias))
            throw MlflowException.InvalidParameter("Registered model alias name cannot be empty.");
        if (!AliasChars().IsMatch(alias))
            throw MlflowException.InvalidParameter($"Invalid alias name: '{alias}'. Names may only contain alphanumerics, underscores (_), and dashes (-).");
        TrackingValidation.LengthLimit("Registered model alias name", MaxAliasLength, alias);
    }

    public static void AliasNameNotReserved(string alias)
    {
        if (alias.Equals("latest", StringComparison.OrdinalIgnoreCase))
            throw MlflowException.InvalidParameter("'latest' alias name (case insensitive) is reserved.");
        if (VersionLikeAlias().IsMatch(alias))
            throw MlflowException.InvalidParameter($"Version alias name '{alias}' is reserved.");
    }

    public static void RegisteredModelTag(string? key, string? value)
    {
        TrackingValidation.TagName(key);
        TrackingValidation.LengthLimit("key", MaxTagKeyLength, key);
        TrackingValidation.LengthLimit("value", MaxTagValueLength, value);
    }

    public static void ModelVersionTag(string? key, string? value)
    {
        TrackingValidation.TagName(key);
        if (value is null) throw MlflowException.InvalidParameter("Tag value cannot be None");
        TrackingValidation.LengthLimit("key", MaxTagKeyLength, key);
        if (key == RegistryTags.PromptText && value.Length > MaxTagValueLength)
            throw MlflowException.InvalidParameter($"Prompt text exceeds max length of {MaxTagValueLength} characters.");
        TrackingValidation.LengthLimit("value", MaxTagValueLength, value);
    }

    /// <summary>get_canonical_stage: case-insensitive, MLflow's spelling back.</summary>
    public static string CanonicalStage(string stage) =>
        ModelStages.All.FirstOrDefault(s => s.Equals(stage, StringComparison.OrdinalIgnoreCase))
        ?? throw MlflowException.InvalidParameter($"Invalid Model Version stage: {stage}. Value must be one of {string.Join(", ", ModelStages.All)}.");

    /// <summary>_validate_logged_model_name (None, i.e. "let the server pick", is allowed).</summary>
    public static void LoggedModelName(string? name)
    {
        if (name is null) return;
        string[] bad = ["/", ":", ".", "%", "\"", "'"];
        if (name.Length == 0 || bad.Any(name.Contains))
            throw MlflowException.InvalidParameter(
                $"Invalid model name ({PythonRepr.Str(name)}) provided. Model name must be a non-empty string and cannot contain " +
                "the following characters: ('/', ':', '.', '%', '\"', \"'\")");
    }
}
