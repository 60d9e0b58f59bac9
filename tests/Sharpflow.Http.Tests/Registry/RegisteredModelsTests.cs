using System.Text.Json.Nodes;

namespace Sharpflow.Http.Tests.Registry;

/// <summary>
/// registered-models/* as MLflow 3.11's SqlAlchemyStore answers: create with tags (last value of a repeated key), get,
/// update, rename (versions, tags and aliases follow the name), delete (everything goes), tags, and MLflow's errors.
/// </summary>
public class RegisteredModelsTests(SharedServers servers) : IClassFixture<SharedServers>
{
    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Create_get_update_and_tags_round_trip(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var name = Api.Unique("rm");
        var created = await s.CreateModelAsync(name, "first", ("owner", "alice"), ("task", "clf"), ("owner", "bob"));
        Assert.Equal(name, created.Str("name"));
        Assert.Equal("first", created.Str("description"));
        Assert.Equal(["owner", "task"], RegistryApi.Names(created["tags"], "key"));
        Assert.Equal("bob", RegistryApi.TagMap(created["tags"])["owner"]);
        Assert.Null(created["latest_versions"]);

        var got = await s.GetModelAsync(name);
        Assert.Equal(created["creation_timestamp"]!.GetValue<long>(), got["creation_timestamp"]!.GetValue<long>());
        Assert.Equal(["owner", "task"], RegistryApi.Names(got["tags"], "key"));

        var updated = (await s.OkAsync(HttpMethod.Patch, "/registered-models/update", new { name, description = "second" }))["registered_model"]!;
        Assert.Equal("second", updated.Str("description"));
        // An update without a description clears it (the proto default ""), which MLflow then leaves out.
        updated = (await s.OkAsync(HttpMethod.Patch, "/registered-models/update", new { name }))["registered_model"]!;
        Assert.Null(updated["description"]);

        await s.OkAsync(HttpMethod.Post, "/registered-models/set-tag", new { name, key = "stage", value = "dev" });
        await s.OkAsync(HttpMethod.Post, "/registered-models/set-tag", new { name, key = "owner", value = "carol" });
        await s.OkAsync(HttpMethod.Delete, "/registered-models/delete-tag", new { name, key = "task" });
        // Deleting a tag that is not there is not an error.
        await s.OkAsync(HttpMethod.Delete, "/registered-models/delete-tag", new { name, key = "task" });
        var tags = RegistryApi.TagMap((await s.GetModelAsync(name))["tags"]);
        Assert.Equal(new Dictionary<string, string?> { ["owner"] = "carol", ["stage"] = "dev" }, tags);

        // The ajax route serves the same API for the UI.
        var res = await s.Client.GetAsync($"/ajax-api/2.0/mlflow/registered-models/get?name={name}");
        Assert.Equal(200, (int)res.StatusCode);
        Assert.Equal(name, JsonNode.Parse(await res.Content.ReadAsStringAsync())!["registered_model"]!.Str("name"));
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Rename_moves_versions_tags_and_aliases(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var name = Api.Unique("rn");
        await s.CreateModelAsync(name, null, ("k", "v"));
        await s.CreateVersionAsync(name, "s3://bucket/m1", null, null, ("vk", "vv"));
        await s.CreateVersionAsync(name, "s3://bucket/m2");
        await s.OkAsync(HttpMethod.Post, "/registered-models/alias", new { name, alias = "champion", version = "1" });

        var renamed = (await s.OkAsync(HttpMethod.Post, "/registered-models/rename", new { name, new_name = name + "-new" }))["registered_model"]!;
        Assert.Equal(name + "-new", renamed.Str("name"));
        Assert.Equal(name + "-new", renamed["latest_versions"]![0]!.Str("name"));
        Assert.Equal("champion", renamed["aliases"]![0]!.Str("alias"));
        Assert.Equal("k", renamed["tags"]![0]!.Str("key"));

        var v1 = await s.GetVersionAsync(name + "-new", "1");
        Assert.Equal("vv", RegistryApi.TagMap(v1["tags"])["vk"]);
        Assert.Equal(["champion"], v1["aliases"]!.AsArray().Select(a => a!.GetValue<string>()));
        Api.AssertError(await s.GetQueryAsync("/registered-models/get", ("name", name)), 404, "RESOURCE_DOES_NOT_EXIST",
            $"Registered Model with name={name} not found");

        // Renaming onto an existing name is refused and changes nothing.
        var other = Api.Unique("rn-other");
        await s.CreateModelAsync(other);
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/registered-models/rename", new { name = name + "-new", new_name = other }),
            400, "RESOURCE_ALREADY_EXISTS", $"Registered Model (name={other}) already exists. Error: ");
        Assert.Equal(2, (await s.GetOkAsync("/model-versions/search", ("filter", $"name = '{name}-new'")))["model_versions"]!.AsArray().Count);
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Delete_removes_the_model_its_versions_and_lets_the_name_be_reused(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var name = Api.Unique("del");
        await s.CreateModelAsync(name, null, ("k", "v"));
        await s.CreateVersionAsync(name, "s3://b/1", null, null, ("t", "1"));
        await s.CreateVersionAsync(name, "s3://b/2");
        await s.OkAsync(HttpMethod.Delete, "/model-versions/delete", new { name, version = "2" });
        await s.OkAsync(HttpMethod.Post, "/registered-models/alias", new { name, alias = "a", version = "1" });
        await s.OkAsync(HttpMethod.Delete, "/registered-models/delete", new { name });

        Api.AssertError(await s.GetQueryAsync("/registered-models/get", ("name", name)), 404, "RESOURCE_DOES_NOT_EXIST");
        Api.AssertError(await s.SendAsync(HttpMethod.Delete, "/registered-models/delete", new { name }), 404, "RESOURCE_DOES_NOT_EXIST");
        await s.CreateModelAsync(name);
        var v = await s.CreateVersionAsync(name, "s3://b/again");
        Assert.Equal("1", v.Str("version"));
        Assert.Null(v["tags"]);
        Assert.Null((await s.GetModelAsync(name))["aliases"]);
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Errors_carry_mlflow_codes_and_messages(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var name = Api.Unique("err");
        await s.CreateModelAsync(name);
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/registered-models/create", new { name }), 400, "RESOURCE_ALREADY_EXISTS",
            $"Registered Model (name={name}) already exists.");
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/registered-models/create", new { }), 400, "INVALID_PARAMETER_VALUE",
            "Missing value for required parameter 'name'. See the API docs for more information about request parameters.");
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/registered-models/create", new { name = 5 }), 400, "INVALID_PARAMETER_VALUE",
            "Hint: Value was of type 'int'");
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/registered-models/create", new { name = "a/b" }), 400, "INVALID_PARAMETER_VALUE",
            "Invalid model name 'a/b'. Names cannot contain '/' or ':'.");
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/registered-models/create", new { name = "  " }), 400, "INVALID_PARAMETER_VALUE",
            "Missing value for required parameter 'name'.");
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/registered-models/create", new { name = "x/../y" }), 400, "INVALID_PARAMETER_VALUE");
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/registered-models/set-tag", new { name, key = new string('k', 251), value = "v" }),
            400, "INVALID_PARAMETER_VALUE", "'key' exceeds the maximum length of 250 characters");
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/registered-models/set-tag", new { name, key = "bad?key", value = "v" }),
            400, "INVALID_PARAMETER_VALUE", "Names may only contain alphanumerics");
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/registered-models/set-tag", new { name = "nope-" + name, key = "k", value = "v" }),
            404, "RESOURCE_DOES_NOT_EXIST");
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/registered-models/rename", new { name, new_name = "" }), 400, "INVALID_PARAMETER_VALUE",
            "Missing value for required parameter 'new_name'.");
        Api.AssertError(await s.SendAsync(HttpMethod.Patch, "/registered-models/update", new { name = "nope-" + name, description = "x" }),
            404, "RESOURCE_DOES_NOT_EXIST");
        // Malformed bodies and unknown routes never reach a 500.
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/registered-models/create", "{\"name\": "), 400, "INVALID_PARAMETER_VALUE");
        var (status, _) = await s.SendAsync(HttpMethod.Get, "/registered-models/create");
        Assert.Equal(405, status);
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task A_model_and_a_prompt_cannot_share_a_name(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var model = Api.Unique("mp-model");
        var prompt = Api.Unique("mp-prompt");
        await s.CreateModelAsync(model);
        await s.CreatePromptAsync(prompt, "Hello {{name}}");
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/registered-models/create",
                new { name = model, tags = RegistryApi.TagList(("mlflow.prompt.is_prompt", "true")) }), 400, "RESOURCE_ALREADY_EXISTS",
            $"Tried to create a prompt with name '{model}', but the name is already taken by a registered model. " +
            "MLflow does not allow creating a model and a prompt with the same name.");
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/registered-models/create", new { name = prompt }), 400, "RESOURCE_ALREADY_EXISTS",
            $"Tried to create a registered model with name '{prompt}', but the name is already taken by a prompt.");
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/registered-models/create",
            new { name = prompt, tags = RegistryApi.TagList(("mlflow.prompt.is_prompt", "true")) }), 400, "RESOURCE_ALREADY_EXISTS", $"Prompt (name={prompt}) already exists.");
    }
}
