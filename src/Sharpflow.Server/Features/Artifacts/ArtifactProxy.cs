using Sharpflow.Artifacts;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Python;

namespace Sharpflow.Server.Features.Artifacts;

/// <summary>Where a run's artifacts are: a store and the folder in it that the run's artifact_uri names.</summary>
public sealed record RunArtifactRoot(IArtifactStore Store, ArtifactPath Folder, bool Proxied);

/// <summary>
/// The artifact proxy's configuration: the store behind <c>mlflow-artifacts:/</c> URIs (<c>--artifacts-destination</c>),
/// whether it is served at all (<c>--no-serve-artifacts</c>), and how a run's <c>artifact_uri</c> maps to a store.
/// </summary>
public sealed class ArtifactProxy
{
    private const string HttpRouteAnchor = "/api/2.0/mlflow-artifacts/artifacts/";
    private readonly Lazy<IArtifactStore> _destination;
    private readonly CloudStoreSettings _cloud;

    public ArtifactProxy(SharpflowOptions options)
    {
        Serving = options.ServeArtifacts;
        // Read once: credentials and endpoints do not change while the server runs.
        _cloud = options.CloudStores ?? CloudStoreSettings.FromEnvironment();
        _destination = new Lazy<IArtifactStore>(() => ArtifactStoreFactory.Create(options.ArtifactsDestination, _cloud));
        if (Serving) _ = _destination.Value; // an unusable --artifacts-destination stops the server at start-up
    }

    /// <summary>False with --no-serve-artifacts: the proxy routes answer 503 and clients use the store directly.</summary>
    public bool Serving { get; }

    /// <summary>The --artifacts-destination store.</summary>
    public IArtifactStore Destination => _destination.Value;

    /// <summary>
    /// MLflow's rule (handlers.py <c>_is_servable_proxied_run_artifact_root</c>): a run whose artifact_uri is
    /// <c>mlflow-artifacts:</c> or http(s) is read from the destination store when this server proxies artifacts;
    /// any other URI is opened with the store its scheme names.
    /// </summary>
    public RunArtifactRoot ForRun(string? artifactUri)
    {
        var uri = artifactUri ?? "";
        if (!ArtifactStoreFactory.IsProxyUri(uri)) return new RunArtifactRoot(ArtifactStoreFactory.Create(uri, _cloud), ArtifactPath.Root, false);
        if (!Serving)
            throw new MlflowException(ErrorCode.TEMPORARILY_UNAVAILABLE,
                $"The run's artifacts are at '{uri}', behind an artifact proxy, but this server runs with --no-serve-artifacts. " +
                "Read them through the server that proxies them.");
        return new RunArtifactRoot(Destination, ArtifactPath.Parse(ProxiedFolder(uri)), true);
    }

    // handlers.py _get_proxied_run_artifact_destination_path
    private static string ProxiedFolder(string uri)
    {
        var parsed = PyUrl.UrlParse(uri);
        if (parsed.Scheme == "mlflow-artifacts") return parsed.Path.TrimStart('/');
        var at = parsed.Path.IndexOf(HttpRouteAnchor, StringComparison.Ordinal);
        if (at < 0)
            throw MlflowException.InvalidParameter($"The artifact URI '{uri}' does not name an MLflow artifact proxy route ({HttpRouteAnchor}...).");
        return parsed.Path[(at + HttpRouteAnchor.Length)..].TrimStart('/');
    }
}
