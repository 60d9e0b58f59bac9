using Sharpflow.Artifacts;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Python;
using Sharpflow.Server;
using Sharpflow.Server.Features.Artifacts;
using Sharpflow.Store.Maintenance;

namespace Sharpflow.Cli;

/// <summary>
/// Deletes a run's or logged model's artifacts for `sharpflow gc` through the artifact stores the server uses.
/// <c>mlflow-artifacts:</c> (and proxy http) URIs are mapped onto --artifacts-destination with the server's own rule
/// (<see cref="ArtifactProxy.ForRun"/>), so gc removes exactly the folder the proxy served; MLflow instead sends the
/// deletes through the tracking server, which is why it insists on a tracking URI and Sharpflow does not.
/// </summary>
public sealed class GcArtifactDeleter(string artifactsDestination) : IGcArtifactDeleter
{
    // Built on first use: a gc of runs with direct store URIs never needs the destination (nor its credentials).
    private readonly Lazy<ArtifactProxy> _proxy = new(() => new ArtifactProxy(new SharpflowOptions
    {
        ArtifactsDestination = artifactsDestination,
        ServeArtifacts = true,
    }));

    public async Task DeleteAsync(string artifactUri, CancellationToken ct)
    {
        if (ArtifactStoreFactory.IsProxyUri(artifactUri))
        {
            RunArtifactRoot root;
            try
            {
                root = _proxy.Value.ForRun(artifactUri);
            }
            catch (MlflowException e) when (e.Code == ErrorCode.INVALID_PARAMETER_VALUE)
            {
                throw new UnresolvableArtifactUriException(e.Message);
            }
            // Never the destination itself: an artifact URI of "mlflow-artifacts:/" would otherwise empty every run's folder.
            if (root.Folder.IsRoot) throw new UnresolvableArtifactUriException($"'{artifactUri}' names the whole artifact destination");
            await root.Store.DeleteAsync(root.Folder, ct);
            return;
        }

        // A store URI: the store is opened one level up and the last folder deleted, so the folder itself goes (stores
        // refuse to delete their own root), as MLflow's repositories remove the artifact folder.
        var parsed = PyUrl.UrlParse(artifactUri);
        var path = parsed.Path.TrimEnd('/');
        var cut = path.LastIndexOf('/');
        IArtifactStore store;
        try
        {
            // Opened first for its checks (a known scheme, a well-formed URI), so errors name the run's own URI.
            store = ArtifactStoreFactory.Create(artifactUri);
            if (path.Length == 0 || (cut < 0 && parsed.Scheme.Length > 0))
            {
                // The URI is a bucket or container root: remove what is in it, entry by entry.
                foreach (var entry in await store.ListAsync(ArtifactPath.Root, ct))
                    await store.DeleteAsync(ArtifactPath.Parse(entry.Name), ct);
                return;
            }
            var parent = cut < 0 ? "." : PyUrl.UrlUnparse(parsed with { Path = cut == 0 ? "/" : path[..cut] });
            store = ArtifactStoreFactory.Create(parent);
        }
        catch (MlflowException e) when (e.Code == ErrorCode.INVALID_PARAMETER_VALUE)
        {
            // No store for the scheme (hdfs:, dbfs: ...) or a malformed URI: MLflow's "unable to resolve" case.
            throw new UnresolvableArtifactUriException(e.Message);
        }
        if (ArtifactPath.TryParse(path[(cut + 1)..]) is { IsRoot: false, CanExist: true } name)
            await store.DeleteAsync(name, ct);
    }
}
