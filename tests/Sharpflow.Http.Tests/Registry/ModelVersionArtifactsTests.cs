using System.Text;

namespace Sharpflow.Http.Tests.Registry;

/// <summary>
/// Reading a registered model's files the way models:/name@alias and models:/name/version loads do: alias to version,
/// version to download URI, then GET /model-versions/get-artifact, for runs:/, mlflow-artifacts: and models:/m- sources.
/// </summary>
public class ModelVersionArtifactsTests(SharedServers servers) : IClassFixture<SharedServers>
{
    private static async Task UploadAsync(TestServer s, string folder, string path, string text)
    {
        var put = await s.Client.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{folder}/{path}", new StringContent(text, Encoding.UTF8, "text/plain"));
        Assert.Equal(200, (int)put.StatusCode);
    }

    private static async Task<(int Status, string Body)> ArtifactAsync(TestServer s, string name, string version, string path)
    {
        var res = await s.Client.GetAsync($"/model-versions/get-artifact?name={name}&version={version}&path={Uri.EscapeDataString(path)}");
        return ((int)res.StatusCode, await res.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Alias_version_and_download_uri_lead_to_the_files(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var exp = await s.CreateExperimentAsync(Api.Unique("mva"));
        var run = await s.CreateRunAsync(exp, "train", 1700000000000);
        await UploadAsync(s, $"{exp}/{run}/artifacts", "model/MLmodel", "artifact_path: model\n");
        await UploadAsync(s, $"{exp}/{run}/artifacts", "model/data/weights.bin", "w1");
        var lm = (await s.OkAsync(HttpMethod.Post, "/logged-models", new { experiment_id = exp, name = "m" }))["model"]!["info"]!;
        await UploadAsync(s, lm.Str("artifact_uri")["mlflow-artifacts:/".Length..], "MLmodel", "logged\n");

        var name = Api.Unique("mva");
        await s.CreateModelAsync(name);
        await s.CreateVersionAsync(name, $"runs:/{run}/model", run);
        await s.CreateVersionAsync(name, $"mlflow-artifacts:/{exp}/{run}/artifacts/model", run);
        await s.CreateVersionAsync(name, $"models:/{lm.Str("model_id")}", null, lm.Str("model_id"));
        await s.OkAsync(HttpMethod.Post, "/registered-models/alias", new { name, alias = "prod", version = "2" });

        // models:/name@prod: the client resolves the alias, then the version's download URI.
        var version = (await s.GetOkAsync("/registered-models/alias", ("name", name), ("alias", "prod")))["model_version"]!.Str("version");
        Assert.Equal($"mlflow-artifacts:/{exp}/{run}/artifacts/model",
            (await s.GetOkAsync("/model-versions/get-download-uri", ("name", name), ("version", version))).Str("artifact_uri"));
        Assert.Equal((200, "artifact_path: model\n"), await ArtifactAsync(s, name, version, "MLmodel"));
        Assert.Equal((200, "w1"), await ArtifactAsync(s, name, "1", "data/weights.bin"));
        Assert.Equal((200, "logged\n"), await ArtifactAsync(s, name, "3", "MLmodel"));

        var (status, body) = await ArtifactAsync(s, name, "1", "../../../mlflow.db");
        Assert.Equal(400, status);
        Assert.Contains("Invalid path", body);
        (status, body) = await ArtifactAsync(s, name, "1", "nope.txt");
        Assert.Equal(404, status);
        Assert.Contains("RESOURCE_DOES_NOT_EXIST", body);
        (status, body) = await ArtifactAsync(s, name, "9", "MLmodel");
        Assert.Equal(404, status);
        Assert.Contains($"Model Version (name={name}, version=9) not found", body);
        var noPath = await s.Client.GetAsync($"/model-versions/get-artifact?name={name}&version=1");
        Assert.Equal(400, (int)noPath.StatusCode);
    }
}
