using System.Text.Json.Nodes;

namespace Sharpflow.Http.Tests.Registry;

/// <summary>
/// registered-models/search and model-versions/search as MLflow 3.11: the registry grammar (name and tag filters,
/// case-sensitive LIKE, ILIKE, run_id IN, version_number comparisons), order_by with MLflow's tie-breakers, offset page
/// tokens, limits, and prompts kept apart from models.
/// </summary>
public class RegistrySearchTests(SharedServers servers) : IClassFixture<SharedServers>
{
    /// <summary>P-alpha (team ml, 2 versions), P-Alpha (team ML), P-a_c, P-beta (team ml, 1 version, tag on v1), prompt P-prompt.</summary>
    private static async Task<string> SeedAsync(TestServer s)
    {
        var p = Api.Unique("rs");
        await s.CreateModelAsync($"{p}-alpha", null, ("team", "ml"), ("priority", "1"));
        await s.CreateVersionAsync($"{p}-alpha", "s3://b/alpha/1", "aaaa1111");
        await s.CreateVersionAsync($"{p}-alpha", "s3://b/alpha/2", "bbbb2222");
        await s.CreateModelAsync($"{p}-Alpha", null, ("team", "ML"));
        await s.CreateModelAsync($"{p}-a_c");
        await s.CreateModelAsync($"{p}-beta", null, ("team", "ml"));
        await Task.Delay(3); // the default version order is by last update: keep beta/1 strictly newest
        await s.CreateVersionAsync($"{p}-beta", "s3://b/beta/1", "aaaa1111", null, ("validated", "yes"));
        await s.CreatePromptAsync($"{p}-prompt", "Hi {{x}}");
        return p;
    }

    private static async Task<(List<string> Names, string? Token)> ModelsAsync(TestServer s, string? filter, string[]? orderBy = null, int? max = null,
        string? token = null)
    {
        var q = new List<(string, string)>();
        if (filter is not null) q.Add(("filter", filter));
        foreach (var o in orderBy ?? []) q.Add(("order_by", o));
        if (max is not null) q.Add(("max_results", max.Value.ToString()));
        if (token is not null) q.Add(("page_token", token));
        var json = await s.GetOkAsync("/registered-models/search", [.. q]);
        return (RegistryApi.Names(json["registered_models"]), json["next_page_token"]?.GetValue<string>());
    }

    private static async Task<List<string>> VersionsAsync(TestServer s, string filter, params string[] orderBy)
    {
        var q = new List<(string, string)> { ("filter", filter) };
        foreach (var o in orderBy) q.Add(("order_by", o));
        var json = await s.GetOkAsync("/model-versions/search", [.. q]);
        return (json["model_versions"]?.AsArray() ?? []).Select(v => $"{v!.Str("name")}/{v.Str("version")}").ToList();
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Registered_model_filters_and_order(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var p = await SeedAsync(s);
        Assert.Equal([$"{p}-Alpha", $"{p}-a_c", $"{p}-alpha", $"{p}-beta"], (await ModelsAsync(s, $"name LIKE '{p}-%'")).Names);
        Assert.Equal([$"{p}-alpha"], (await ModelsAsync(s, $"name = '{p}-alpha'")).Names);
        Assert.Equal([$"{p}-Alpha", $"{p}-alpha"], (await ModelsAsync(s, $"name ILIKE '{p.ToUpperInvariant()}-ALPHA'")).Names);
        Assert.Equal([$"{p}-a_c"], (await ModelsAsync(s, $"name LIKE '{p}-a_c'")).Names);
        Assert.Equal([$"{p}-alpha", $"{p}-beta"], (await ModelsAsync(s, $"name LIKE '{p}-%' AND tags.team = 'ml'")).Names);
        Assert.Equal([$"{p}-Alpha"], (await ModelsAsync(s, $"name LIKE '{p}-%' AND tag.team != 'ml'")).Names);
        Assert.Equal([$"{p}-alpha"], (await ModelsAsync(s, $"name LIKE '{p}-%' AND tags.team LIKE 'm%' AND tags.priority = '1'")).Names);
        Assert.Equal([$"{p}-Alpha", $"{p}-alpha", $"{p}-beta"], (await ModelsAsync(s, $"name LIKE '{p}-%' AND tags.team ILIKE 'ML'")).Names);
        Assert.Equal([$"{p}-beta", $"{p}-alpha", $"{p}-a_c", $"{p}-Alpha"], (await ModelsAsync(s, $"name LIKE '{p}-%'", ["name DESC"])).Names);
        // Updates and version creations move a model's last-update time; ties fall back to name ASC.
        await Task.Delay(5);
        await s.OkAsync(HttpMethod.Patch, "/registered-models/update", new { name = $"{p}-Alpha", description = "touched" });
        Assert.Equal([$"{p}-Alpha", $"{p}-beta"], (await ModelsAsync(s, $"name LIKE '{p}-%'", ["timestamp DESC"])).Names.Take(2));
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Paging_with_offset_tokens(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var p = await SeedAsync(s);
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            (var names, token) = await ModelsAsync(s, $"name LIKE '{p}-%'", ["name ASC"], 3, token);
            seen.AddRange(names);
            pages++;
        } while (token is not null);
        Assert.Equal([$"{p}-Alpha", $"{p}-a_c", $"{p}-alpha", $"{p}-beta"], seen);
        Assert.Equal(2, pages);
        // A full last page still hands out a token (MLflow asks for one row more than it returns).
        var (exact, last) = await ModelsAsync(s, $"name LIKE '{p}-%'", null, 4);
        Assert.Equal(4, exact.Count);
        Assert.Null(last);

        var json = await s.GetOkAsync("/model-versions/search", ("filter", $"name LIKE '{p}-%'"), ("max_results", "2"));
        Assert.Equal(2, json["model_versions"]!.AsArray().Count);
        var next = await s.GetOkAsync("/model-versions/search", ("filter", $"name LIKE '{p}-%'"), ("max_results", "2"),
            ("page_token", json["next_page_token"]!.GetValue<string>()));
        Assert.Single(next["model_versions"]!.AsArray());
        Assert.Null(next["next_page_token"]);
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Model_version_filters_and_order(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var p = await SeedAsync(s);
        // Default order: last_updated_timestamp DESC, then name ASC, version DESC.
        Assert.Equal([$"{p}-beta/1", $"{p}-alpha/2", $"{p}-alpha/1"], await VersionsAsync(s, $"name LIKE '{p}-%'"));
        Assert.Equal([$"{p}-alpha/2", $"{p}-alpha/1"], await VersionsAsync(s, $"name = '{p}-alpha'", "version_number DESC"));
        Assert.Equal([$"{p}-alpha/1", $"{p}-beta/1"], await VersionsAsync(s, $"name LIKE '{p}-%' AND run_id = 'aaaa1111'", "name"));
        Assert.Equal([$"{p}-alpha/1", $"{p}-alpha/2", $"{p}-beta/1"],
            await VersionsAsync(s, $"name LIKE '{p}-%' AND run_id IN ('aaaa1111', 'bbbb2222')", "name", "version_number"));
        Assert.Equal([$"{p}-alpha/2"], await VersionsAsync(s, $"name LIKE '{p}-%' AND version_number > 1"));
        Assert.Equal([$"{p}-alpha/1", $"{p}-beta/1"], await VersionsAsync(s, $"name LIKE '{p}-%' AND version_number <= 1", "name"));
        Assert.Equal([$"{p}-alpha/2"], await VersionsAsync(s, $"name LIKE '{p}-%' AND source_path = 's3://b/alpha/2'"));
        Assert.Equal([$"{p}-beta/1"], await VersionsAsync(s, $"name LIKE '{p}-%' AND tags.validated = 'yes'"));
        Assert.Equal([$"{p}-alpha/1", $"{p}-alpha/2"], await VersionsAsync(s, $"name ILIKE '{p}-ALPHA'", "creation_timestamp ASC", "version_number ASC"));
        // A deleted version is never found.
        await s.OkAsync(HttpMethod.Delete, "/model-versions/delete", new { name = $"{p}-alpha", version = "2" });
        Assert.Equal([$"{p}-alpha/1"], await VersionsAsync(s, $"name = '{p}-alpha'"));
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Prompts_and_models_never_mix(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var p = await SeedAsync(s);
        var models = (await ModelsAsync(s, $"name LIKE '{p}-%'")).Names;
        Assert.DoesNotContain($"{p}-prompt", models);
        Assert.Equal([$"{p}-prompt"], (await ModelsAsync(s, $"name LIKE '{p}-%' AND tags.`mlflow.prompt.is_prompt` = 'true'")).Names);
        Assert.Equal([$"{p}-prompt"], (await ModelsAsync(s, $"name LIKE '{p}-%' AND tags.`mlflow.prompt.is_prompt` != 'false'")).Names);
        // As the MLflow client asks for models: the prompt clause is dropped and prompts excluded.
        Assert.Equal(models, (await ModelsAsync(s, $"name LIKE '{p}-%' AND tag.`mlflow.prompt.is_prompt` != 'true'")).Names);
        Assert.Equal(models, (await ModelsAsync(s, $"name LIKE '{p}-%' AND tags.`mlflow.prompt.is_prompt` = 'false'")).Names);

        Assert.DoesNotContain($"{p}-prompt/1", await VersionsAsync(s, $"name LIKE '{p}-%'"));
        Assert.Equal([$"{p}-prompt/1"], await VersionsAsync(s, $"name LIKE '{p}-%' AND tags.`mlflow.prompt.is_prompt` = 'true'"));
        Assert.Equal([], await VersionsAsync(s, $"name = '{p}-prompt'"));
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Bad_searches_get_mlflow_errors(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        Api.AssertError(await s.GetQueryAsync("/registered-models/search", ("filter", "name ~ 'x'")), 400, "INVALID_PARAMETER_VALUE",
            "Invalid comparator for attribute: ~");
        Api.AssertError(await s.GetQueryAsync("/registered-models/search", ("order_by", "bogus DESC")), 400, "INVALID_PARAMETER_VALUE",
            "Invalid order by key 'bogus' specified. Valid keys are '{'timestamp', 'name'}'");
        Api.AssertError(await s.GetQueryAsync("/registered-models/search", ("max_results", "1001")), 400, "INVALID_PARAMETER_VALUE",
            "Invalid value \"1001\" for parameter 'max_results' supplied:  Hint: Value was of type 'str'.");
        Api.AssertError(await s.GetQueryAsync("/registered-models/search", ("filter", "tags.x = 1")), 400, "INVALID_PARAMETER_VALUE",
            "Expected a quoted string value for tag");
        Api.AssertError(await s.GetQueryAsync("/registered-models/search", ("page_token", "not-a-token")), 400, "INVALID_PARAMETER_VALUE",
            "Invalid page token");
        Api.AssertError(await s.GetQueryAsync("/model-versions/search", ("filter", "version_number >> 1")), 400, "INVALID_PARAMETER_VALUE",
            "Invalid comparator for attribute version_number: >>");
        Api.AssertError(await s.GetQueryAsync("/model-versions/search", ("max_results", "0")), 400, "INVALID_PARAMETER_VALUE",
            "Invalid value for max_results. It must be a positive integer, but got 0");
        // MLflow raises this one without an error code (a 500); Sharpflow answers 400, never a copied 500.
        Api.AssertError(await s.GetQueryAsync("/model-versions/search", ("order_by", "name"), ("order_by", "name DESC")), 400, "INVALID_PARAMETER_VALUE",
            "`order_by` contains duplicate fields: ['name', 'name DESC']");
        var json = await s.GetOkAsync("/model-versions/search", ("filter", "version_number = 'abc'"));
        Assert.Null(json["model_versions"]);
    }
}
