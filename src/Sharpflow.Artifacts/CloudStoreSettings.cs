using Sharpflow.Artifacts.AzureBlob;
using Sharpflow.Artifacts.Gcs;
using Sharpflow.Artifacts.S3;

namespace Sharpflow.Artifacts;

/// <summary>
/// How the cloud stores reach their services. The server reads it from the environment once (the variables MLflow's
/// repositories read); tests and embedders pass their own so nothing depends on process-wide variables.
/// </summary>
public sealed record CloudStoreSettings(GcsSettings Gcs, S3Settings S3, AzureBlobSettings Azure)
{
    public static CloudStoreSettings FromEnvironment() =>
        new(GcsSettings.FromEnvironment(), S3Settings.FromEnvironment(), AzureBlobSettings.FromEnvironment());
}
