using System.Text.RegularExpressions;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Python;
using Sharpflow.Core.Validation;
using Sharpflow.Store.Registry;
using Sharpflow.Store.Tracking;

namespace Sharpflow.Server.Features.Registry;

/// <summary>
/// What model-versions/create does with a source before storing it (handlers.py _create_model_version and the registry
/// store's models:/ handling): the security checks on the source, then where a models:/ source's files really are.
/// </summary>
public static class ModelVersionCreation
{
    /// <summary>An operator-supplied pattern every source must match (MLflow's environment variable of the same name).</summary>
    public const string SourceRegexVariable = "MLFLOW_CREATE_MODEL_VERSION_SOURCE_VALIDATION_REGEX";

    public static async Task ValidateSourceAsync(string source, string runId, string modelId, bool isPrompt, TrackingStore tracking, CancellationToken ct)
    {
        if (source.Length > 0 && Environment.GetEnvironmentVariable(SourceRegexVariable) is { Length: > 0 } pattern && !Regex.IsMatch(source, pattern))
            throw MlflowException.InvalidParameter($"Invalid model version source: '{source}'.");
        if (isPrompt)
        {
            // Prompts carry placeholder sources ("dummy-source"); a local path or file: URI is never one.
            var parsed = PyUrl.UrlParse(source);
            if (parsed.Scheme == "file" || (parsed.Scheme.Length == 0 && source.StartsWith('/')))
                throw MlflowException.InvalidParameter($"Invalid prompt source: '{source}'. Local source paths are not allowed for prompts.");
            if (parsed.Scheme.Length > 0) ModelVersionSources.CheckNoRelativePaths(source);
            return;
        }
        if (modelId.Length > 0)
        {
            await CheckLocalSourceAsync(source, modelId, "model_id", async () => (await tracking.GetLoggedModelAsync(modelId, ct: ct)).ArtifactLocation);
            return;
        }
        await CheckLocalSourceAsync(source, runId, "run_id", async () => (await tracking.GetRunAsync(runId, ct)).Info.ArtifactUri);
    }

    /// <summary>
    /// A local source is accepted only inside the artifact folder of the run (or logged model) the request names, both
    /// resolved through symbolic links; anything else local is refused. Non-local sources must not hide relative paths.
    /// </summary>
    private static async Task CheckLocalSourceAsync(string source, string ownerId, string param, Func<Task<string?>> artifactRoot)
    {
        if (!ModelVersionSources.IsLocalUri(source))
        {
            ModelVersionSources.CheckNoRelativePaths(source);
            return;
        }
        var shown = source;
        if (ownerId.Length > 0)
        {
            var root = await artifactRoot() ?? "";
            var resolved = ModelVersionSources.Resolve(ModelVersionSources.LocalFileUriToPath(source));
            shown = resolved;
            if (ModelVersionSources.IsLocalUri(root) && ModelVersionSources.IsWithin(ModelVersionSources.Resolve(ModelVersionSources.LocalFileUriToPath(root)), resolved))
                return;
        }
        var owner = param == "run_id" ? "run_id" : "model_id";
        throw MlflowException.InvalidParameter(
            $"Invalid model version source: '{shown}'. To use a local path as a model version source, the {owner} request parameter has to be " +
            $"specified and the local path has to be contained within the artifact directory of the run specified by the {owner}.");
    }

    /// <summary>
    /// The download location and run of a new version. A models:/m-&lt;id&gt; source stores the logged model's artifact
    /// location (and its source run when none was given); models:/name/version stores that version's download URI.
    /// MLflow resolves no other models:/ form here: its lookup needs a version number.
    /// </summary>
    public static async Task<(string? StorageLocation, string RunId)> ResolveAsync(string source, string runId, string modelId,
        RegistryStore registry, TrackingStore tracking, CancellationToken ct)
    {
        string? storage = null;
        if (PyUrl.UrlParse(source).Scheme == "models")
        {
            try
            {
                var (id, name, version) = ParseModelsUri(source);
                if (id is not null)
                {
                    var model = await tracking.GetLoggedModelAsync(id, ct: ct);
                    storage = model.ArtifactLocation;
                    if (runId.Length == 0) runId = model.SourceRunId ?? "";
                }
                else if (version is null)
                    throw MlflowException.InvalidParameter("int() argument must be a string, a bytes-like object or a real number, not 'NoneType'");
                else storage = await registry.GetModelVersionDownloadUriAsync(name!, version, ct);
            }
            catch (MlflowException e)
            {
                // MLflow wraps the cause in an error without a code (a 500); the source is the client's input, so 400 here.
                throw MlflowException.InvalidParameter($"Unable to fetch model from model URI source artifact location '{source}'.Error: {e.Message}");
            }
        }
        if (runId.Length == 0 && modelId.Length > 0) runId = (await tracking.GetLoggedModelAsync(modelId, ct: ct)).SourceRunId ?? "";
        return (storage, runId);
    }

    /// <summary>mlflow.store.artifact.utils.models._parse_model_uri: (model id) or (name, version or null).</summary>
    private static (string? ModelId, string? Name, string? Version) ParseModelsUri(string uri)
    {
        var improper = MlflowException.InvalidParameter(
            $"Not a proper models:/ URI: {uri}. Models URIs must be of the form 'models:/name/suffix' or 'models:/name@alias' where suffix is a " +
            "version, stage, or the string 'latest' and where alias is a registered model alias. Only one of suffix or alias can be defined at a time.");
        var parsed = PyUrl.UrlParse(uri);
        var path = parsed.Fragment.Length > 0 ? parsed.Path + "#" + parsed.Fragment : parsed.Path;
        if (!path.StartsWith('/') || path.Length <= 1) throw improper;
        var parts = path.TrimStart('/').Split('/');
        if (parts.Length > 2 || parts[0].Trim().Length == 0) throw improper;
        if (parts.Length == 2)
        {
            if (parts[1].Trim().Length == 0) throw improper;
            return (null, parts[0], parts[1].All(char.IsAsciiDigit) ? parts[1] : null);
        }
        if (path.Contains('@'))
        {
            var at = parts[0].LastIndexOf('@');
            if (parts[0][(at + 1)..].Trim().Length == 0) throw improper;
            return (null, parts[0][..at], null);
        }
        return (parts[0], null, null);
    }
}
