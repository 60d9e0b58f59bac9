using System.Collections.Concurrent;
using Google.Apis.Auth.OAuth2;
using Google.Cloud.Storage.V1;
using Sharpflow.Core.Errors;

namespace Sharpflow.Artifacts.Gcs;

/// <summary>
/// How to reach Google Cloud Storage. In production: Application Default Credentials (on Cloud Run the service's
/// account, elsewhere <c>GOOGLE_APPLICATION_CREDENTIALS</c> or gcloud's login). With <c>STORAGE_EMULATOR_HOST</c>
/// (host:port or a URL, as the Python and Go clients read it): that emulator's JSON API, unauthenticated.
/// </summary>
/// <param name="EmulatorHost">The emulator's host:port or base URL; null for Google Cloud Storage itself.</param>
/// <param name="XmlApiBase">
/// The XML API endpoint used by client-side multipart uploads (https://storage.googleapis.com); null when the
/// target has none (the emulators only speak the JSON API).
/// </param>
public sealed record GcsSettings(string? EmulatorHost, string? XmlApiBase = "https://storage.googleapis.com")
{
    private static readonly ConcurrentDictionary<GcsSettings, Lazy<GcsConnection>> Connections = new();

    public static GcsSettings FromEnvironment() =>
        Environment.GetEnvironmentVariable("STORAGE_EMULATOR_HOST") is { Length: > 0 } emulator
            ? new GcsSettings(emulator, XmlApiBase: null)
            : new GcsSettings(EmulatorHost: null);

    /// <summary>The JSON API base URI of the emulator ("http://host:port/storage/v1/").</summary>
    public string? EmulatorBaseUri =>
        EmulatorHost is null ? null
        : (EmulatorHost.Contains("://", StringComparison.Ordinal) ? EmulatorHost : "http://" + EmulatorHost).TrimEnd('/') + "/storage/v1/";

    /// <summary>One client (and credential) per setting for the process: clients are thread-safe and pool connections.</summary>
    public GcsConnection Connect() => Connections.GetOrAdd(this, s => new Lazy<GcsConnection>(s.Build)).Value;

    private GcsConnection Build()
    {
        if (EmulatorBaseUri is { } emulator)
            return new GcsConnection(new StorageClientBuilder { BaseUri = emulator, UnauthenticatedAccess = true }.Build(), null);
        GoogleCredential credential;
        try
        {
            credential = GoogleCredential.GetApplicationDefault();
        }
        catch (InvalidOperationException e)
        {
            throw new MlflowException(ErrorCode.INTERNAL_ERROR,
                "Google Cloud Storage needs Application Default Credentials (the Cloud Run service account, " +
                $"GOOGLE_APPLICATION_CREDENTIALS, or `gcloud auth application-default login`): {e.Message}");
        }
        var client = new StorageClientBuilder { Credential = credential }.Build();
        return new GcsConnection(client, credential);
    }
}

/// <summary>A storage client and the credential behind it (null for an emulator), which signs part URLs.</summary>
public sealed class GcsConnection(StorageClient client, GoogleCredential? credential)
{
    private readonly Lazy<UrlSigner?> _signer = new(() => credential is null ? null : TrySigner(credential));

    public StorageClient Client { get; } = client;

    /// <summary>Signs V4 URLs; null when the credential cannot sign (user credentials from gcloud, an emulator).</summary>
    public UrlSigner? Signer => _signer.Value;

    private static UrlSigner? TrySigner(GoogleCredential credential)
    {
        try
        {
            // Service-account keys sign locally; Cloud Run's compute credential signs through IAM signBlob, which
            // needs roles/iam.serviceAccountTokenCreator on the service account itself.
            return UrlSigner.FromCredential(credential);
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
