namespace Sharpflow.Http.Tests.Registry;

/// <summary>
/// registered-models/alias (POST, DELETE, GET) as MLflow 3.11: aliases move between versions, are listed sorted on the
/// model and on the version they point to, disappear with their version, 'latest' is built in, reserved names are refused.
/// </summary>
public class AliasesTests(SharedServers servers) : IClassFixture<SharedServers>
{
    private static async Task<string> ModelWithVersionsAsync(TestServer s, int count)
    {
        var name = Api.Unique("alias");
        await s.CreateModelAsync(name);
        for (var i = 0; i < count; i++) await s.CreateVersionAsync(name, $"s3://bucket/{name}/{i}");
        return name;
    }

    private static Task SetAsync(TestServer s, string name, string alias, string version) =>
        s.OkAsync(HttpMethod.Post, "/registered-models/alias", new { name, alias, version });

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Aliases_move_and_resolve(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var name = await ModelWithVersionsAsync(s, 3);
        await SetAsync(s, name, "champion", "1");
        await SetAsync(s, name, "challenger", "2");
        var byAlias = (await s.GetOkAsync("/registered-models/alias", ("name", name), ("alias", "champion")))["model_version"]!;
        Assert.Equal("1", byAlias.Str("version"));
        Assert.Equal(["champion"], byAlias["aliases"]!.AsArray().Select(a => a!.GetValue<string>()));

        // Moving an alias re-points it; the model lists aliases by name.
        await SetAsync(s, name, "champion", "3");
        var model = await s.GetModelAsync(name);
        Assert.Equal(["challenger:2", "champion:3"], model["aliases"]!.AsArray().Select(a => $"{a!.Str("alias")}:{a.Str("version")}"));
        Assert.Equal("3", (await s.GetOkAsync("/registered-models/alias", ("name", name), ("alias", "champion")))["model_version"]!.Str("version"));
        Assert.Null((await s.GetVersionAsync(name, "1"))["aliases"]);
        await SetAsync(s, name, "zeta", "3");
        Assert.Equal(["champion", "zeta"], (await s.GetVersionAsync(name, "3"))["aliases"]!.AsArray().Select(a => a!.GetValue<string>()));

        // Deleting a version takes its aliases with it; deleting an alias that is not there is fine.
        await s.OkAsync(HttpMethod.Delete, "/model-versions/delete", new { name, version = "3" });
        Assert.Equal(["challenger:2"], (await s.GetModelAsync(name))["aliases"]!.AsArray().Select(a => $"{a!.Str("alias")}:{a.Str("version")}"));
        Api.AssertError(await s.GetQueryAsync("/registered-models/alias", ("name", name), ("alias", "champion")), 400, "INVALID_PARAMETER_VALUE",
            "Registered model alias champion not found.");
        await s.OkAsync(HttpMethod.Delete, "/registered-models/alias", new { name, alias = "challenger" });
        await s.OkAsync(HttpMethod.Delete, "/registered-models/alias", new { name, alias = "challenger" });
        Assert.Null((await s.GetModelAsync(name))["aliases"]);
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Latest_is_built_in(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var name = await ModelWithVersionsAsync(s, 3);
        await SetAsync(s, name, "prod", "3");
        var latest = (await s.GetOkAsync("/registered-models/alias", ("name", name), ("alias", "LATEST")))["model_version"]!;
        Assert.Equal("3", latest.Str("version"));
        Assert.Equal(["prod"], latest["aliases"]!.AsArray().Select(a => a!.GetValue<string>()));

        var empty = Api.Unique("alias-empty");
        await s.CreateModelAsync(empty);
        Api.AssertError(await s.GetQueryAsync("/registered-models/alias", ("name", empty), ("alias", "latest")), 404, "RESOURCE_DOES_NOT_EXIST",
            $"Latest version not found for model {empty}.");
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Alias_names_and_targets_are_checked(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var name = await ModelWithVersionsAsync(s, 1);
        async Task Refused(string alias, string version, int status, string code, string message) =>
            Api.AssertError(await s.SendAsync(HttpMethod.Post, "/registered-models/alias", new { name, alias, version }), status, code, message);
        await Refused("latest", "1", 400, "INVALID_PARAMETER_VALUE", "'latest' alias name (case insensitive) is reserved.");
        await Refused("Latest", "1", 400, "INVALID_PARAMETER_VALUE", "'latest' alias name (case insensitive) is reserved.");
        await Refused("v3", "1", 400, "INVALID_PARAMETER_VALUE", "Version alias name 'v3' is reserved.");
        await Refused("V12", "1", 400, "INVALID_PARAMETER_VALUE", "Version alias name 'V12' is reserved.");
        await Refused("a b", "1", 400, "INVALID_PARAMETER_VALUE",
            "Invalid alias name: 'a b'. Names may only contain alphanumerics, underscores (_), and dashes (-).");
        await Refused(new string('a', 256), "1", 400, "INVALID_PARAMETER_VALUE", "'Registered model alias name' exceeds the maximum length of 255 characters");
        await Refused("ghost", "42", 404, "RESOURCE_DOES_NOT_EXIST", $"Model Version (name={name}, version=42) not found");
        await Refused("ghost", "x", 400, "INVALID_PARAMETER_VALUE", "Parameter 'version' must be an integer, got 'x'.");
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/registered-models/alias", new { name = "nope-" + name, alias = "a", version = "1" }),
            404, "RESOURCE_DOES_NOT_EXIST", $"Model Version (name=nope-{name}, version=1) not found");
        Api.AssertError(await s.GetQueryAsync("/registered-models/alias", ("name", "nope-" + name), ("alias", "a")), 404, "RESOURCE_DOES_NOT_EXIST",
            $"Registered Model with name=nope-{name} not found");
        Api.AssertError(await s.SendAsync(HttpMethod.Delete, "/registered-models/alias", new { name }), 400, "INVALID_PARAMETER_VALUE",
            "Missing value for required parameter 'alias'.");
    }
}
