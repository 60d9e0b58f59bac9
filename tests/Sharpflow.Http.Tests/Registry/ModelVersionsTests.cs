using System.Text.Json.Nodes;

namespace Sharpflow.Http.Tests.Registry;

/// <summary>
/// model-versions/* as MLflow 3.11: versions READY at creation, numbered max + 1 (deleted numbers never reused),
/// update, stages with archiving, latest versions per stage, download URIs, tags, deletion that redacts, errors.
/// </summary>
public class ModelVersionsTests(SharedServers servers) : IClassFixture<SharedServers>
{
    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Versions_are_ready_numbered_and_never_reuse_a_deleted_number(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var exp = await s.CreateExperimentAsync(Api.Unique("mv-exp"));
        var run = await s.CreateRunAsync(exp, "src", 1700000000000);
        var name = Api.Unique("mv");
        var before = (await s.CreateModelAsync(name))["last_updated_timestamp"]!.GetValue<long>();

        var v1 = await s.CreateVersionAsync(name, $"runs:/{run}/model", run, null, ("k", "v"));
        Assert.Equal("1", v1.Str("version"));
        Assert.Equal("READY", v1.Str("status"));
        Assert.Equal("None", v1.Str("current_stage"));
        Assert.Equal(run, v1.Str("run_id"));
        Assert.Equal("", v1.Str("description"));
        Assert.Equal("", v1["run_link"]!.GetValue<string>());
        var v2 = await s.CreateVersionAsync(name, $"mlflow-artifacts:/{exp}/{run}/artifacts/model");
        Assert.Equal("2", v2.Str("version"));
        Assert.Equal("", v2["run_id"]!.GetValue<string>());
        Assert.True((await s.GetModelAsync(name))["last_updated_timestamp"]!.GetValue<long>() >= before);

        await s.OkAsync(HttpMethod.Delete, "/model-versions/delete", new { name, version = "2" });
        Api.AssertError(await s.GetQueryAsync("/model-versions/get", ("name", name), ("version", "2")), 404, "RESOURCE_DOES_NOT_EXIST",
            $"Model Version (name={name}, version=2) not found");
        Api.AssertError(await s.SendAsync(HttpMethod.Delete, "/model-versions/delete", new { name, version = "2" }), 404, "RESOURCE_DOES_NOT_EXIST");
        Assert.Equal("3", (await s.CreateVersionAsync(name, "s3://bucket/model"))["version"]!.GetValue<string>());

        var got = await s.GetVersionAsync(name, "1");
        Assert.Equal($"runs:/{run}/model", got.Str("source"));
        Assert.Equal("v", RegistryApi.TagMap(got["tags"])["k"]);
        var uri = await s.GetOkAsync("/model-versions/get-download-uri", ("name", name), ("version", "1"));
        Assert.Equal($"runs:/{run}/model", uri.Str("artifact_uri"));
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Update_sets_or_clears_the_description_and_tags_come_and_go(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var name = Api.Unique("upd");
        await s.CreateModelAsync(name);
        await s.CreateVersionAsync(name, "s3://b/m");
        var updated = (await s.OkAsync(HttpMethod.Patch, "/model-versions/update", new { name, version = "1", description = "v1 desc" }))["model_version"]!;
        Assert.Equal("v1 desc", updated.Str("description"));
        // Without the field MLflow's handler passes None: the description is cleared and left out.
        updated = (await s.OkAsync(HttpMethod.Patch, "/model-versions/update", new { name, version = "1" }))["model_version"]!;
        Assert.Null(updated["description"]);

        await s.OkAsync(HttpMethod.Post, "/model-versions/set-tag", new { name, version = "1", key = "validated", value = "true" });
        await s.OkAsync(HttpMethod.Post, "/model-versions/set-tag", new { name, version = "1", key = "validated", value = "false" });
        Assert.Equal("false", RegistryApi.TagMap((await s.GetVersionAsync(name, "1"))["tags"])["validated"]);
        await s.OkAsync(HttpMethod.Delete, "/model-versions/delete-tag", new { name, version = "1", key = "validated" });
        await s.OkAsync(HttpMethod.Delete, "/model-versions/delete-tag", new { name, version = "1", key = "validated" });
        Assert.Null((await s.GetVersionAsync(name, "1"))["tags"]);
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/model-versions/set-tag", new { name, version = "9", key = "k", value = "v" }),
            404, "RESOURCE_DOES_NOT_EXIST", $"Model Version (name={name}, version=9) not found");
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Stages_archive_existing_versions_and_latest_versions_follow(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var name = Api.Unique("stage");
        await s.CreateModelAsync(name);
        for (var i = 0; i < 4; i++) await s.CreateVersionAsync(name, $"s3://b/{i}");
        async Task<JsonNode> Transition(string version, string stage, bool archive) =>
            (await s.OkAsync(HttpMethod.Post, "/model-versions/transition-stage",
                new { name, version, stage, archive_existing_versions = archive }))["model_version"]!;

        Assert.Equal("Staging", (await Transition("1", "staging", false)).Str("current_stage"));
        await Transition("2", "Production", false);
        await Transition("3", "production", true);
        Assert.Equal("Archived", (await s.GetVersionAsync(name, "2")).Str("current_stage"));

        // MLflow lists one latest version per stage, stages in the order their lowest version appears.
        var latest = (await s.GetModelAsync(name))["latest_versions"]!.AsArray();
        Assert.Equal(["1:Staging", "2:Archived", "3:Production", "4:None"], latest.Select(v => $"{v!.Str("version")}:{v.Str("current_stage")}"));
        var prod = await s.OkAsync(HttpMethod.Post, "/registered-models/get-latest-versions", new { name, stages = new[] { "PRODUCTION" } });
        Assert.Equal(["3"], RegistryApi.Names(prod["model_versions"], "version"));
        var all = await s.GetOkAsync("/registered-models/get-latest-versions", ("name", name));
        Assert.Equal(4, all["model_versions"]!.AsArray().Count);

        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/model-versions/transition-stage",
                new { name, version = "1", stage = "Prod", archive_existing_versions = false }), 400, "INVALID_PARAMETER_VALUE",
            "Invalid Model Version stage: Prod. Value must be one of None, Staging, Production, Archived.");
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/model-versions/transition-stage",
                new { name, version = "1", stage = "Archived", archive_existing_versions = true }), 400, "INVALID_PARAMETER_VALUE",
            "Model version transition cannot archive existing model versions because 'Archived' is not an Active stage. Valid stages are ['Staging', 'Production']");
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/registered-models/get-latest-versions", new { name, stages = new[] { "Bogus" } }),
            400, "INVALID_PARAMETER_VALUE", "Invalid Model Version stage: Bogus.");
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Version_arguments_are_checked_as_mlflow_does(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var name = Api.Unique("args");
        await s.CreateModelAsync(name);
        await s.CreateVersionAsync(name, "s3://b/m");
        Api.AssertError(await s.GetQueryAsync("/model-versions/get", ("name", name), ("version", "one")), 400, "INVALID_PARAMETER_VALUE",
            "Parameter 'version' must be an integer, got 'one'.");
        // Python's int() accepts surrounding spaces and underscores between digits.
        Assert.Equal("1", (await s.GetVersionAsync(name, " 1 ")).Str("version"));
        Api.AssertError(await s.GetQueryAsync("/model-versions/get", ("name", name), ("version", "99999999999999999999")), 404, "RESOURCE_DOES_NOT_EXIST");
        Api.AssertError(await s.GetQueryAsync("/model-versions/get", ("name", name)), 400, "INVALID_PARAMETER_VALUE",
            "Missing value for required parameter 'version'.");
        Api.AssertError(await s.GetQueryAsync("/model-versions/get-download-uri", ("version", "1")), 400, "INVALID_PARAMETER_VALUE",
            "Missing value for required parameter 'name'.");
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/model-versions/create", new { name = "nope-" + name, source = "s3://b/m" }),
            404, "RESOURCE_DOES_NOT_EXIST", $"Registered Model with name=nope-{name} not found");
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/model-versions/create", new { name }), 400, "INVALID_PARAMETER_VALUE",
            "Missing value for required parameter 'source'.");
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/model-versions/create",
            new { name, source = "s3://b/m", tags = RegistryApi.TagList(("k", new string('v', 100_001))) }), 400, "INVALID_PARAMETER_VALUE",
            "'value' exceeds the maximum length of 100000 characters");
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/model-versions/create",
            new { name, source = "s3://b/m", tags = RegistryApi.TagList(("mlflow.prompt.text", new string('v', 100_001)), ("mlflow.prompt.is_prompt", "true")) }),
            400, "INVALID_PARAMETER_VALUE", "Prompt text exceeds max length of 100000 characters.");
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Models_uri_sources_resolve_their_download_location(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var exp = await s.CreateExperimentAsync(Api.Unique("muri"));
        var run = await s.CreateRunAsync(exp, "src", 1700000000000);
        var logged = (await s.OkAsync(HttpMethod.Post, "/logged-models", new { experiment_id = exp, name = "lm", source_run_id = run }))["model"]!["info"]!;
        var modelId = logged.Str("model_id");
        var name = Api.Unique("muri");
        await s.CreateModelAsync(name);

        var v1 = await s.CreateVersionAsync(name, $"models:/{modelId}", null, modelId);
        Assert.Equal(run, v1.Str("run_id"));
        Assert.Equal($"models:/{modelId}", v1.Str("source"));
        var uri = await s.GetOkAsync("/model-versions/get-download-uri", ("name", name), ("version", "1"));
        Assert.Equal(logged.Str("artifact_uri"), uri.Str("artifact_uri"));
        // The logged model remembers the versions made from it.
        var info = (await s.GetOkAsync($"/logged-models/{modelId}"))["model"]!["info"]!;
        Assert.Equal($"[{{\"name\": \"{name}\", \"version\": 1}}]", RegistryApi.TagMap(info["tags"])["mlflow.modelVersions"]);

        var v2 = await s.CreateVersionAsync(name, $"models:/{name}/1");
        Assert.Equal(logged.Str("artifact_uri"), (await s.GetOkAsync("/model-versions/get-download-uri", ("name", name), ("version", v2.Str("version"))))
            .Str("artifact_uri"));
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/model-versions/create", new { name, source = $"models:/{name}/7" }), 400,
            "INVALID_PARAMETER_VALUE", $"Unable to fetch model from model URI source artifact location 'models:/{name}/7'.Error: Model Version (name={name}, version=7) not found");
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/model-versions/create", new { name, source = "models:/m-00000000000000000000000000000000" }),
            400, "INVALID_PARAMETER_VALUE", "Logged model with ID 'm-00000000000000000000000000000000' not found.");
    }
}
