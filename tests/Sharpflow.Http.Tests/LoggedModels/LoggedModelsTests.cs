using System.Text;
using System.Text.Json.Nodes;
using Sharpflow.Http.Tests.Registry;

namespace Sharpflow.Http.Tests.LoggedModels;

/// <summary>
/// /logged-models as MLflow 3.11: create (PENDING, artifacts under the experiment's models/ folder), get, finalize,
/// soft delete, tags, params, the log_model flow (create, upload, finalize, list, download), runs/outputs links, errors.
/// </summary>
public class LoggedModelsTests(SharedServers servers) : IClassFixture<SharedServers>
{
    internal static async Task<JsonNode> CreateAsync(TestServer s, object body) => (await s.OkAsync(HttpMethod.Post, "/logged-models", body))["model"]!;

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Create_get_tags_params_finalize_and_delete(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var exp = await s.CreateExperimentAsync(Api.Unique("lm"));
        var run = await s.CreateRunAsync(exp, "src", 1700000000000);
        var model = await CreateAsync(s, new
        {
            experiment_id = exp, name = "clf", model_type = "sklearn", source_run_id = run,
            @params = RegistryApi.TagList(("alpha", "0.1")), tags = RegistryApi.TagList(("t", "1")),
        });
        var info = model["info"]!;
        var id = info.Str("model_id");
        Assert.Matches("^m-[0-9a-f]{32}$", id);
        Assert.Equal(exp, info.Str("experiment_id"));
        Assert.Equal("LOGGED_MODEL_PENDING", info.Str("status"));
        Assert.Equal($"mlflow-artifacts:/{exp}/models/{id}/artifacts", info.Str("artifact_uri"));
        Assert.Equal(run, info.Str("source_run_id"));
        Assert.Equal("0.1", RegistryApi.TagMap(model["data"]!["params"])["alpha"]);

        // Unnamed models get a generated name; unset fields come back as "" as in MLflow.
        var unnamed = (await CreateAsync(s, new { experiment_id = exp }))["info"]!;
        Assert.False(string.IsNullOrEmpty(unnamed.Str("name")));
        Assert.Equal("", unnamed["model_type"]!.GetValue<string>());
        Assert.Equal("", unnamed["source_run_id"]!.GetValue<string>());

        await s.OkAsync(HttpMethod.Patch, $"/logged-models/{id}/tags", new { tags = RegistryApi.TagList(("t2", "x"), ("t", "2")) });
        await s.OkAsync(HttpMethod.Delete, $"/logged-models/{id}/tags/t2");
        Api.AssertError(await s.SendAsync(HttpMethod.Delete, $"/logged-models/{id}/tags/t2"), 404, "RESOURCE_DOES_NOT_EXIST",
            $"No tag with key 't2' found for model with ID '{id}'.");
        await s.OkAsync(HttpMethod.Post, $"/logged-models/{id}/params", new { model_id = id, @params = RegistryApi.TagList(("beta", "2")) });
        Api.AssertError(await s.SendAsync(HttpMethod.Post, $"/logged-models/{id}/params", new { model_id = id, @params = RegistryApi.TagList(("beta", "3")) }),
            400, "BAD_REQUEST");

        var finalized = (await s.OkAsync(HttpMethod.Patch, $"/logged-models/{id}", new { model_id = id, status = "LOGGED_MODEL_READY" }))["model"]!;
        Assert.Equal("LOGGED_MODEL_READY", finalized["info"]!.Str("status"));
        Assert.Equal(new Dictionary<string, string?> { ["t"] = "2" }, RegistryApi.TagMap(finalized["info"]!["tags"]));
        Assert.Equal(["alpha", "beta"], RegistryApi.Names(finalized["data"]!["params"], "key"));
        var failed = (await s.OkAsync(HttpMethod.Patch, $"/logged-models/{unnamed.Str("model_id")}",
            new { model_id = unnamed.Str("model_id"), status = 3 }))["model"]!;
        Assert.Equal("LOGGED_MODEL_UPLOAD_FAILED", failed["info"]!.Str("status"));

        await s.OkAsync(HttpMethod.Delete, $"/logged-models/{id}");
        Api.AssertError(await s.GetQueryAsync($"/logged-models/{id}"), 404, "RESOURCE_DOES_NOT_EXIST", $"Logged model with ID '{id}' not found.");
        Assert.Equal(id, (await s.GetOkAsync($"/logged-models/{id}", ("allow_deleted", "true")))["model"]!["info"]!.Str("model_id"));
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Errors_are_mlflows(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var exp = await s.CreateExperimentAsync(Api.Unique("lm-err"));
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/logged-models", new { experiment_id = "987654321", name = "x" }), 404,
            "RESOURCE_DOES_NOT_EXIST", "No Experiment with id=987654321 exists");
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/logged-models", new { name = "x" }), 400, "INVALID_PARAMETER_VALUE",
            "Missing value for required parameter 'experiment_id'.");
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/logged-models", new { experiment_id = exp, name = "a.b" }), 400, "INVALID_PARAMETER_VALUE",
            "Invalid model name ('a.b') provided. Model name must be a non-empty string and cannot contain the following characters: " +
            "('/', ':', '.', '%', '\"', \"'\")");
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/logged-models",
            new { experiment_id = exp, @params = RegistryApi.TagList(("p", "1"), ("p", "2")) }), 400, "BAD_REQUEST");
        Api.AssertError(await s.GetQueryAsync("/logged-models/m-00000000000000000000000000000000"), 404, "RESOURCE_DOES_NOT_EXIST",
            "Logged model with ID 'm-00000000000000000000000000000000' not found.");
        Api.AssertError(await s.SendAsync(HttpMethod.Patch, "/logged-models/m-0", new { model_id = "m-0" }), 400, "INVALID_PARAMETER_VALUE",
            "Missing value for required parameter 'status'.");
        Api.AssertError(await s.SendAsync(HttpMethod.Patch, "/logged-models/m-0", new { model_id = "m-0", status = "READY" }), 400,
            "INVALID_PARAMETER_VALUE", "Invalid value \"READY\" for parameter 'status' supplied");
        Api.AssertError(await s.SendAsync(HttpMethod.Delete, "/logged-models/m-0"), 404, "RESOURCE_DOES_NOT_EXIST");
        await s.OkAsync("/experiments/delete", new { experiment_id = exp });
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/logged-models", new { experiment_id = exp }), 400, "INVALID_PARAMETER_VALUE",
            $"The experiment {exp} must be in the 'active' state. Current state is deleted.");
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Log_model_flow_uploads_lists_downloads_and_links_the_run(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var exp = await s.CreateExperimentAsync(Api.Unique("lm-flow"));
        var run = await s.CreateRunAsync(exp, "train", 1700000000000);
        var info = (await CreateAsync(s, new { experiment_id = exp, name = "model", source_run_id = run }))["info"]!;
        var id = info.Str("model_id");
        var folder = info.Str("artifact_uri")["mlflow-artifacts:/".Length..];
        foreach (var (path, text) in new[] { ("MLmodel", "flavors: {}\n"), ("data/model.pkl", "bytes") })
        {
            var put = await s.Client.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{folder}/{path}", new StringContent(text, Encoding.UTF8, "text/plain"));
            Assert.Equal(200, (int)put.StatusCode);
        }
        await s.OkAsync(HttpMethod.Patch, $"/logged-models/{id}", new { model_id = id, status = "LOGGED_MODEL_READY" });
        await s.OkAsync("/runs/outputs", new { run_id = run, models = new[] { new { model_id = id, step = 0 } } });

        var listing = await s.GetOkAsync($"/logged-models/{id}/artifacts/directories");
        Assert.Equal(info.Str("artifact_uri"), listing.Str("root_uri"));
        Assert.Equal(["MLmodel", "data"], RegistryApi.Names(listing["files"], "path"));
        var nested = await s.GetOkAsync($"/logged-models/{id}/artifacts/directories", ("artifact_directory_path", "data"));
        Assert.Equal("data/model.pkl", nested["files"]![0]!.Str("path"));
        Assert.Equal(5, nested["files"]![0]!["file_size"]!.GetValue<long>());
        Api.AssertError(await s.GetQueryAsync($"/logged-models/{id}/artifacts/directories", ("artifact_directory_path", "../../x")), 400,
            "INVALID_PARAMETER_VALUE", "Invalid path");

        var file = await s.Client.GetAsync($"/ajax-api/2.0/mlflow/logged-models/{id}/artifacts/files?artifact_file_path=MLmodel");
        Assert.Equal(200, (int)file.StatusCode);
        Assert.Equal("flavors: {}\n", await file.Content.ReadAsStringAsync());
        var missing = await s.Client.GetAsync($"/ajax-api/2.0/mlflow/logged-models/{id}/artifacts/files");
        Assert.Equal(400, (int)missing.StatusCode);
        Assert.Contains("artifact_file_path", await missing.Content.ReadAsStringAsync());

        var outputs = (await s.GetOkAsync("/runs/get", ("run_id", run)))["run"]!["outputs"]!["model_outputs"]!.AsArray();
        Assert.Equal(id, outputs.Single()!.Str("model_id"));
    }
}
