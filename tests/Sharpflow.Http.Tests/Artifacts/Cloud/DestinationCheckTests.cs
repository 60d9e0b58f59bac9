using Sharpflow.Core.Errors;

namespace Sharpflow.Http.Tests.Artifacts.Cloud;

/// <summary>
/// A cloud --artifacts-destination that cannot work (no such bucket or container) stops the server at start-up with a
/// message naming the problem, instead of a server that fails every upload later. (The GCS emulator creates buckets on
/// first use, so it cannot show a missing bucket; S3 and Azure can.)
/// </summary>
public class DestinationCheckTests
{
    [EmulatorTheory(CloudStore.S3, CloudStore.Azure)]
    [InlineData(CloudStore.S3)]
    [InlineData(CloudStore.Azure)]
    public async Task A_missing_bucket_stops_the_server_at_start_up_with_a_clear_message(CloudStore kind)
    {
        var missing = "sf-missing-" + Guid.NewGuid().ToString("N")[..12];
        var uri = kind == CloudStore.S3 ? $"s3://{missing}/artifacts" : $"wasbs://{missing}@devstoreaccount1.blob.core.windows.net/artifacts";
        var e = await Assert.ThrowsAsync<MlflowException>(() => TestServer.StartAsync($"sqlite:///{Path.GetTempPath()}/sf-{missing}.db", o =>
        {
            o.ArtifactsDestination = uri;
            o.CloudStores = CloudStores.Settings(kind);
        }));
        Assert.Contains($"--artifacts-destination {uri} cannot be used: the bucket or container does not exist", e.Message);
    }

    [EmulatorTheory(CloudStore.S3, CloudStore.Azure, CloudStore.Gcs)]
    [InlineData(CloudStore.S3)]
    [InlineData(CloudStore.Azure)]
    [InlineData(CloudStore.Gcs)]
    public async Task An_existing_bucket_passes_the_check(CloudStore kind)
    {
        var root = await CloudStores.NewDestinationAsync(kind);
        await using var a = await ArtifactServer.StartAsync(o =>
        {
            o.ArtifactsDestination = root;
            o.CloudStores = CloudStores.Settings(kind);
        });
        var (status, _) = await a.Server.GetAsync("/health");
        Assert.Equal(200, status);
    }
}
