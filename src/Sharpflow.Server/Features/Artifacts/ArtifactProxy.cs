using Microsoft.Extensions.Logging;
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
        PresignedDownloadLifetime = options.PresignedDownloadUrlTtl ?? TtlFromEnvironment();
    }

    /// <summary>
    /// Start-up check of a cloud destination: one listing of the root. A bucket that does not exist or an identity
    /// without access (e.g. the Cloud Run service account missing Storage Object User) stops the server with a clear
    /// message instead of failing every upload later; a timeout or network error is only a warning, since the store
    /// may be reachable a moment later and the server is still useful for tracking.
    /// </summary>
    public async Task<(string? Error, string? Warning)> CheckDestinationAsync(CancellationToken ct)
    {
        if (!Serving || ArtifactStoreFactory.Scheme(Destination.RootUri) is "" or "file") return (null, null);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        try
        {
            await Destination.ListAsync(ArtifactPath.Root, timeout.Token);
            return (null, null);
        }
        catch (MlflowException e) when (e.Code is ErrorCode.RESOURCE_DOES_NOT_EXIST or ErrorCode.PERMISSION_DENIED or ErrorCode.UNAUTHENTICATED)
        {
            var why = e.Code switch
            {
                ErrorCode.RESOURCE_DOES_NOT_EXIST => "the bucket or container does not exist",
                ErrorCode.PERMISSION_DENIED => "the server's identity may not list it (on GCS grant the service account roles/storage.objectUser on the bucket)",
                _ => "the server has no valid credentials for it",
            };
            return ($"--artifacts-destination {Destination.RootUri} cannot be used: {why}. ({e.Message})", null);
        }
        catch (Exception e) when (e is MlflowException or OperationCanceledException or HttpRequestException)
        {
            return (null, $"Could not reach --artifacts-destination {Destination.RootUri} at start-up ({e.Message}); artifact requests will retry.");
        }
    }

    /// <summary>An upload temporary untouched this long belongs to a process that died (live uploads write every moment).</summary>
    public static readonly TimeSpan StaleUploadAge = TimeSpan.FromHours(1);

    /// <summary>
    /// Removes upload temporaries left by a previous process that died mid-upload, in the stores this server writes
    /// files to: the destination, and a local --default-artifact-root (the UI's upload-artifact writes there).
    /// Runs after start-up, off the request path; a big tree only costs a background walk.
    /// </summary>
    public void SweepStaleUploads(string defaultArtifactRoot, ILogger log, CancellationToken ct)
    {
        var stores = new List<IArtifactStore>();
        if (Serving) stores.Add(Destination);
        try
        {
            if (!ArtifactStoreFactory.IsProxyUri(defaultArtifactRoot) && ArtifactStoreFactory.Scheme(defaultArtifactRoot) is "" or "file")
                stores.Add(ArtifactStoreFactory.Create(defaultArtifactRoot, _cloud));
        }
        catch (MlflowException)
        {
            // an unusable root is reported by the requests that use it
        }
        foreach (var store in stores.OfType<IStaleUploadSweeper>())
        {
            try
            {
                var removed = store.RemoveStaleUploads(StaleUploadAge, ct);
                if (removed > 0)
                    log.LogInformation("Removed {Count} unfinished upload(s) older than {Age} from {Root}.", removed, StaleUploadAge, ((IArtifactStore)store).RootUri);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Could not sweep unfinished uploads in {Root}.", ((IArtifactStore)store).RootUri);
            }
        }
    }

    /// <summary>Lifetime of presigned download URLs (MLFLOW_PRESIGNED_DOWNLOAD_URL_TTL_SECONDS, read once at start).</summary>
    public TimeSpan PresignedDownloadLifetime { get; }

    // MLflow reads the variable per request and fails each one on a bad value; reading it at start fails the start instead.
    private static TimeSpan TtlFromEnvironment()
    {
        const string name = "MLFLOW_PRESIGNED_DOWNLOAD_URL_TTL_SECONDS";
        var raw = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrWhiteSpace(raw)) return PresignedUrls.DefaultDownloadLifetime;
        return long.TryParse(raw.Trim(), out var seconds)
            ? PresignedUrls.Lifetime(seconds, name)
            : throw MlflowException.InvalidParameter($"{name} must be a whole number of seconds, got '{raw}'.");
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
