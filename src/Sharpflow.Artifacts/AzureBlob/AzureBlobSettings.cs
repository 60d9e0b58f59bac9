using System.Collections.Concurrent;
using Azure.Core;
using Azure.Identity;
using Azure.Storage;
using Azure.Storage.Blobs;

namespace Sharpflow.Artifacts.AzureBlob;

/// <summary>
/// How to reach Azure Blob Storage, in the order MLflow's AzureBlobArtifactRepository tries: <c>AZURE_STORAGE_CONNECTION_STRING</c>
/// (its endpoint wins over the URI's account, which is how azurite is reached), else <c>AZURE_STORAGE_ACCESS_KEY</c>
/// for the URI's account, else <c>DefaultAzureCredential</c> (environment service principal, workload identity,
/// managed identity, Azure CLI login, ...) at https://account.blob.core.windows.net. Only the first two can sign SAS
/// URLs (multipart upload parts, presigned URLs); with a token credential those routes answer NOT_IMPLEMENTED and
/// clients fall back to the proxy.
/// </summary>
/// <param name="Credential">The token credential for the third way; null means one shared DefaultAzureCredential.</param>
public sealed record AzureBlobSettings(string? ConnectionString, string? AccessKey, TokenCredential? Credential = null)
{
    private static readonly ConcurrentDictionary<(AzureBlobSettings, string, string), Lazy<BlobServiceClient>> Clients = new();

    // Built on first use: it reads its own environment variables (AZURE_CLIENT_ID, AZURE_TENANT_ID, ...) and caches
    // tokens, so one per process, as MLflow gets one per repository.
    private static readonly Lazy<TokenCredential> DefaultCredential = new(() => new DefaultAzureCredential());

    public static AzureBlobSettings FromEnvironment() =>
        new(Env("AZURE_STORAGE_CONNECTION_STRING"), Env("AZURE_STORAGE_ACCESS_KEY"));

    /// <summary>Which of the three ways these settings use (for messages and tests).</summary>
    public string Method => ConnectionString is not null ? "connection string" : AccessKey is not null ? "account key" : "token credential";

    /// <summary>One client per account for the process (clients are thread-safe and pool connections).</summary>
    public BlobServiceClient Client(string account, string endpointSuffix) =>
        Clients.GetOrAdd((this, account, endpointSuffix), k => new Lazy<BlobServiceClient>(() => k.Item1.Build(k.Item2, k.Item3))).Value;

    private BlobServiceClient Build(string account, string endpointSuffix)
    {
        if (ConnectionString is not null) return new BlobServiceClient(ConnectionString);
        var accountUrl = new Uri($"https://{account}.{endpointSuffix}");
        if (AccessKey is not null) return new BlobServiceClient(accountUrl, new StorageSharedKeyCredential(account, AccessKey));
        return new BlobServiceClient(accountUrl, Credential ?? DefaultCredential.Value);
    }

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
}
