using System.Collections.Concurrent;
using Azure.Storage;
using Azure.Storage.Blobs;
using Sharpflow.Core.Errors;

namespace Sharpflow.Artifacts.AzureBlob;

/// <summary>
/// How to reach Azure Blob Storage, as MLflow's AzureBlobArtifactRepository reads it:
/// <c>AZURE_STORAGE_CONNECTION_STRING</c> first (its endpoint wins over the URI's account, which is how azurite
/// is reached), else <c>AZURE_STORAGE_ACCESS_KEY</c> for the URI's account at https://account.blob.core.windows.net.
/// MLflow's third way, DefaultAzureCredential, is not supported yet (it needs Azure.Identity).
/// </summary>
public sealed record AzureBlobSettings(string? ConnectionString, string? AccessKey)
{
    private static readonly ConcurrentDictionary<(AzureBlobSettings, string, string), Lazy<BlobServiceClient>> Clients = new();

    public static AzureBlobSettings FromEnvironment() =>
        new(Env("AZURE_STORAGE_CONNECTION_STRING"), Env("AZURE_STORAGE_ACCESS_KEY"));

    /// <summary>One client per account for the process (clients are thread-safe and pool connections).</summary>
    public BlobServiceClient Client(string account, string endpointSuffix) =>
        Clients.GetOrAdd((this, account, endpointSuffix), k => new Lazy<BlobServiceClient>(() => k.Item1.Build(k.Item2, k.Item3))).Value;

    private BlobServiceClient Build(string account, string endpointSuffix)
    {
        if (ConnectionString is not null) return new BlobServiceClient(ConnectionString);
        if (AccessKey is not null)
            return new BlobServiceClient(new Uri($"https://{account}.{endpointSuffix}"), new StorageSharedKeyCredential(account, AccessKey));
        throw MlflowException.InvalidParameter(
            "Azure Blob Storage needs AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCESS_KEY in the server's environment " +
            "(DefaultAzureCredential is not supported by Sharpflow yet).");
    }

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
}
