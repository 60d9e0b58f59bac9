using Azure.Storage.Blobs;
using Sharpflow.Artifacts;
using Sharpflow.Artifacts.AzureBlob;
using Sharpflow.Artifacts.Gcs;
using Sharpflow.Artifacts.S3;

namespace Sharpflow.Http.Tests.Artifacts.Cloud;

public enum CloudStore { Gcs, S3, Azure }

/// <summary>
/// The storage emulators (started by scripts/test.sh through scripts/emulators.sh) as --artifacts-destination:
/// a fresh bucket per test, and the settings a server needs to reach it. Tests skip without an emulator, except
/// under CI=true, where they fail instead.
/// </summary>
public static class CloudStores
{
    public const string GcsVariable = "STORAGE_EMULATOR_HOST";
    public const string S3Variable = "SHARPFLOW_TEST_S3_ENDPOINT";
    public const string AzureVariable = "SHARPFLOW_TEST_AZURE_CONNECTION_STRING";

    public static string Variable(CloudStore store) => store switch
    {
        CloudStore.Gcs => GcsVariable,
        CloudStore.S3 => S3Variable,
        _ => AzureVariable,
    };

    private static string Require(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } v ? v
        : throw new InvalidOperationException($"{variable} is not set: start the emulators with scripts/emulators.sh (scripts/test.sh does).");

    /// <summary>Settings that reach the emulators only (explicit keys: nothing is looked up in the environment or the network).</summary>
    public static CloudStoreSettings Settings(CloudStore store) => new(
        new GcsSettings(store == CloudStore.Gcs ? Require(GcsVariable) : "127.0.0.1:1", XmlApiBase: null),
        new S3Settings(store == CloudStore.S3 ? Require(S3Variable) : "http://127.0.0.1:1", false, null, "us-east-1", "test", "test"),
        new AzureBlobSettings(store == CloudStore.Azure ? Require(AzureVariable) : null, null));

    /// <summary>A new, empty bucket (container) and the store URI of a prefix in it.</summary>
    public static async Task<string> NewDestinationAsync(CloudStore store, string prefix = "artifacts")
    {
        var bucket = "sf-" + Guid.NewGuid().ToString("N")[..16];
        var settings = Settings(store);
        switch (store)
        {
            case CloudStore.Gcs:
                await settings.Gcs.Connect().Client.CreateBucketAsync("demo-test", bucket);
                return $"gs://{bucket}/{prefix}";
            case CloudStore.S3:
                await settings.S3.Client().PutBucketAsync(bucket);
                return $"s3://{bucket}/{prefix}";
            default:
                await new BlobServiceClient(Require(AzureVariable)).GetBlobContainerClient(bucket).CreateAsync();
                return $"wasbs://{bucket}@devstoreaccount1.blob.core.windows.net/{prefix}";
        }
    }

    /// <summary>The store behind a URI, as the server builds it.</summary>
    public static IArtifactStore Open(CloudStore store, string uri) => ArtifactStoreFactory.Create(uri, Settings(store));
}

/// <summary>A test that needs one emulator: skipped without it (with directions) unless CI=true.</summary>
public sealed class EmulatorFactAttribute : FactAttribute
{
    public EmulatorFactAttribute(CloudStore store)
    {
        var variable = CloudStores.Variable(store);
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(variable)) && Environment.GetEnvironmentVariable("CI") != "true")
            Skip = $"{variable} is not set; start the emulators with `eval \"$(bash scripts/emulators.sh start /tmp/sharpflow-emulators)\"` or run scripts/test.sh.";
    }
}

/// <summary>A theory over emulators: skipped unless all of them run (with directions), except under CI=true.</summary>
public sealed class EmulatorTheoryAttribute : TheoryAttribute
{
    public EmulatorTheoryAttribute(params CloudStore[] stores)
    {
        var missing = stores.Select(CloudStores.Variable).Where(v => string.IsNullOrEmpty(Environment.GetEnvironmentVariable(v))).ToList();
        if (missing.Count > 0 && Environment.GetEnvironmentVariable("CI") != "true")
            Skip = $"{string.Join(", ", missing)} not set; start the emulators with `eval \"$(bash scripts/emulators.sh start /tmp/sharpflow-emulators)\"` or run scripts/test.sh.";
    }
}
