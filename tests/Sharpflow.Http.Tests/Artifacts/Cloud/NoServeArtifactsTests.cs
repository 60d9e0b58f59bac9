using System.Net;
using System.Text;
using Sharpflow.Artifacts;
using static Sharpflow.Http.Tests.Artifacts.ArtifactApi;

namespace Sharpflow.Http.Tests.Artifacts.Cloud;

/// <summary>
/// `--no-serve-artifacts --default-artifact-root s3://bucket/path`: experiments and runs get store URIs, clients
/// write to the store themselves, and the run routes read it through the same store factory.
/// </summary>
public class NoServeArtifactsTests
{
    [EmulatorFact(CloudStore.S3)]
    public async Task Runs_get_s3_artifact_uris_and_the_run_routes_read_the_bucket()
    {
        var root = await CloudStores.NewDestinationAsync(CloudStore.S3, "mlruns");
        await using var a = await ArtifactServer.StartAsync(o =>
        {
            o.ServeArtifacts = false;
            o.DefaultArtifactRoot = root;
            o.CloudStores = CloudStores.Settings(CloudStore.S3);
        });
        var s = a.Server;
        var exp = await s.CreateExperimentAsync("s3-direct-" + Guid.NewGuid().ToString("N")[..8]);
        var (status, body) = await s.GetAsync($"/api/2.0/mlflow/experiments/get?experiment_id={exp}");
        Assert.Equal(200, status);
        Assert.Equal($"{root}/{exp}", body!["experiment"]!["artifact_location"]!.GetValue<string>());

        var run = await s.CreateRunAsync(exp, "direct", 1700000000000);
        (_, body) = await s.GetAsync($"/api/2.0/mlflow/runs/get?run_id={run}");
        var artifactUri = body!["run"]!["info"]!["artifact_uri"]!.GetValue<string>();
        Assert.Equal($"{root}/{exp}/{run}/artifacts", artifactUri);

        // The client writes to S3 itself (boto3 in MLflow; the same store class here).
        var store = CloudStores.Open(CloudStore.S3, artifactUri);
        await store.WriteAsync(ArtifactPath.Parse("model/MLmodel"), new MemoryStream(Encoding.UTF8.GetBytes("flavors: {}\n")));
        await store.WriteAsync(ArtifactPath.Parse("metrics.json"), new MemoryStream(Encoding.UTF8.GetBytes("{}")));

        (status, body) = await s.GetAsync($"/api/2.0/mlflow/artifacts/list?run_id={run}");
        Assert.Equal(200, status);
        Assert.Equal(artifactUri, body!["root_uri"]!.GetValue<string>());
        Assert.Equal(["metrics.json:2", "model/"], Files(body));
        (_, body) = await s.GetAsync($"/api/2.0/mlflow/artifacts/list?run_id={run}&path=model");
        Assert.Equal(["model/MLmodel:12"], Files(body));
        Assert.Equal("flavors: {}\n", await s.Client.GetStringAsync($"/get-artifact?path=model/MLmodel&run_id={run}"));

        // The proxy itself is off, as in MLflow.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await s.PutTextAsync($"{Proxy}/{exp}/{run}/artifacts/x.txt", "x")).StatusCode);
    }
}
