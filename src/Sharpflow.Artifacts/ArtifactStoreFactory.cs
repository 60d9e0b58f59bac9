using Sharpflow.Artifacts.AzureBlob;
using Sharpflow.Artifacts.Gcs;
using Sharpflow.Artifacts.S3;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Python;

namespace Sharpflow.Artifacts;

/// <summary>
/// Chooses the store for an artifact URI by its scheme, as MLflow's artifact repository registry does. This table
/// is the one seam for new stores: add the scheme's constructor here and run the contract suite against it.
/// Cloud stores read their settings (credentials, endpoints) from the environment as MLflow's repositories do and
/// share one SDK client per setting, so creating a store per request (run artifact URIs) is cheap.
/// </summary>
public static class ArtifactStoreFactory
{
    private static readonly Dictionary<string, Func<string, CloudStoreSettings?, IArtifactStore>> Stores = new(StringComparer.Ordinal)
    {
        [""] = (uri, _) => new LocalArtifactStore(uri, uri),          // a plain path: ./mlartifacts, /srv/artifacts
        ["file"] = (uri, _) => new LocalArtifactStore(LocalPath(uri), uri),
        ["gs"] = (uri, s) => new GcsArtifactStore(uri, s?.Gcs ?? GcsSettings.FromEnvironment()),
        ["s3"] = (uri, s) => new S3ArtifactStore(uri, s?.S3 ?? S3Settings.FromEnvironment()),
        ["wasbs"] = (uri, s) => new AzureBlobArtifactStore(uri, s?.Azure ?? AzureBlobSettings.FromEnvironment()),
    };

    /// <summary>Proxied artifact URIs: they name this server's (or another server's) artifact proxy, not a store.</summary>
    private static readonly HashSet<string> ProxySchemes = ["mlflow-artifacts", "http", "https"];

    /// <summary>The scheme as <c>urllib.parse.urlparse</c> sees it ("" for a plain or Windows drive path).</summary>
    public static string Scheme(string uri)
    {
        var scheme = PyUrl.UrlParse(uri).Scheme;
        return scheme.Length == 1 ? "" : scheme; // C:\... is a drive, not a scheme
    }

    public static bool IsProxyUri(string uri) => ProxySchemes.Contains(Scheme(uri));

    /// <summary>The store for a URI; cloud stores use <paramref name="settings"/>, or the environment when it is null.</summary>
    public static IArtifactStore Create(string uri, CloudStoreSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var scheme = Scheme(uri);
        if (Stores.TryGetValue(scheme, out var create)) return create(uri, settings);
        if (ProxySchemes.Contains(scheme))
            throw MlflowException.InvalidParameter(
                $"'{uri}' names an MLflow artifact proxy, not an artifact store; give the store itself (a folder, file:, gs://, s3:// or wasbs:// URI).");
        throw MlflowException.InvalidParameter(
            $"Could not find a registered artifact repository for: {uri}. Currently registered schemes are: " +
            PythonRepr.StrList(Stores.Keys));
    }

    // mlflow.utils.file_utils.local_file_uri_to_path on POSIX: file:///abs, file:rel, file://localhost/abs.
    private static string LocalPath(string uri)
    {
        var parsed = PyUrl.UrlParse(uri);
        var host = parsed.Netloc;
        if (host.Length > 0 && host != "." && !host.StartsWith("localhost", StringComparison.Ordinal) && !host.StartsWith("127.0.0.1", StringComparison.Ordinal))
            throw MlflowException.InvalidParameter(
                $"{uri} is not a valid remote uri. For remote access on windows, please consider using a different scheme such as SMB (e.g. smb://<hostname>/<path>).");
        var path = PyUrl.Unquote(parsed.Path);
        return path.Length == 0 ? "." : path;
    }
}
