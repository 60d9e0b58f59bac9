using System.Text.Json.Nodes;
using Sharpflow.Http.Tests.Registry;

namespace Sharpflow.Http.Tests.LoggedModels;

/// <summary>
/// logged-models/search as MLflow 3.11: its own filter grammar (attributes, metrics., params., tags.), datasets,
/// order_by objects (attributes, metrics.&lt;name&gt; by latest value, NULLs last), request-bound page tokens, limits;
/// metrics linked by log-metric/log-batch with a model_id.
/// </summary>
public class LoggedModelSearchTests(SharedServers servers) : IClassFixture<SharedServers>
{
    /// <summary>Models a (acc .9 on eval, lr 0.1, team ml), b (acc .5 then .7, lr 0.2), c (no metrics, READY), d (deleted).</summary>
    private static async Task<(string Exp, string Run, Dictionary<string, string> Ids)> SeedAsync(TestServer s)
    {
        var exp = await s.CreateExperimentAsync(Api.Unique("lms"));
        var run = await s.CreateRunAsync(exp, "train", 1700000000000);
        var ids = new Dictionary<string, string>();
        foreach (var (name, lr) in new[] { ("a", "0.1"), ("b", "0.2"), ("c", "0.3"), ("d", "0.4") })
        {
            var body = new { experiment_id = exp, name, source_run_id = run, @params = RegistryApi.TagList(("lr", lr)),
                tags = RegistryApi.TagList(("team", name == "a" ? "ml" : "data")) };
            ids[name] = (await LoggedModelsTests.CreateAsync(s, body))["info"]!.Str("model_id");
            await Task.Delay(3); // distinct creation times: the default order has no tie-breaker in MLflow
        }
        await s.OkAsync("/runs/log-metric", new { run_id = run, key = "acc", value = 0.9, timestamp = 1000, step = 0, model_id = ids["a"],
            dataset_name = "eval", dataset_digest = "d1" });
        await s.OkAsync("/runs/log-batch", new
        {
            run_id = run,
            metrics = new object[]
            {
                new { key = "acc", value = 0.5, timestamp = 1000, step = 0, model_id = ids["b"] },
                new { key = "acc", value = 0.7, timestamp = 2000, step = 1, model_id = ids["b"] },
                new { key = "loss", value = 1.5, timestamp = 1000, step = 0 },
            },
        });
        await s.OkAsync(HttpMethod.Patch, $"/logged-models/{ids["c"]}", new { model_id = ids["c"], status = "LOGGED_MODEL_READY" });
        await s.OkAsync(HttpMethod.Delete, $"/logged-models/{ids["d"]}");
        return (exp, run, ids);
    }

    private static async Task<(List<string> Names, string? Token)> SearchAsync(TestServer s, JsonObject body)
    {
        var json = await s.OkAsync(HttpMethod.Post, "/logged-models/search", body);
        var names = (json["models"]?.AsArray() ?? []).Select(m => m!["info"]!.Str("name")).ToList();
        return (names, json["next_page_token"]?.GetValue<string>());
    }

    private static JsonObject Body(string exp, string? filter = null, JsonArray? orderBy = null, int? max = null) =>
        new() { ["experiment_ids"] = new JsonArray(exp), ["filter"] = filter, ["order_by"] = orderBy, ["max_results"] = max };

    private static JsonArray Order(params (string Field, bool Asc)[] fields) =>
        new(fields.Select(f => (JsonNode)new JsonObject { ["field_name"] = f.Field, ["ascending"] = f.Asc }).ToArray());

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Filters_on_attributes_metrics_params_and_tags(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var (exp, run, ids) = await SeedAsync(s);
        async Task Match(string filter, params string[] expected) =>
            Assert.Equal(expected.Order(), (await SearchAsync(s, Body(exp, filter))).Names.Order());
        await Match("name = 'a'", "a");
        await Match("name LIKE '%'", "a", "b", "c");
        await Match("name IN ('a', 'c')", "a", "c");
        await Match("name NOT IN ('a')", "b", "c");
        await Match("status = 'READY'");
        await Match("status = '2'", "c");
        await Match($"source_run_id = '{run}'", "a", "b", "c");
        await Match("creation_timestamp > 0", "a", "b", "c");
        await Match("metrics.acc > 0.6", "a", "b");
        await Match("metrics.acc < 0.6", "b");
        await Match("metrics.loss > 0");
        await Match("params.lr = '0.2'", "b");
        await Match("params.lr ILIKE '0.%'", "a", "b", "c");
        await Match("tags.team = 'data'", "b", "c");
        await Match($"model_id = '{ids["d"]}'");
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/logged-models/search", Body(exp, "foo.x = 1")), 400, "INVALID_PARAMETER_VALUE",
            "Invalid entity type: 'foo'. Expected one of ['attributes', 'metrics', 'params', 'tags'].");
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/logged-models/search", new { filter = "name = 'a'" }), 400, "INVALID_PARAMETER_VALUE",
            "Missing value for required parameter 'experiment_ids'.");
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Datasets_restrict_metric_filters(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var (exp, _, _) = await SeedAsync(s);
        var body = Body(exp, "metrics.acc > 0.1");
        body["datasets"] = new JsonArray(new JsonObject { ["dataset_name"] = "eval", ["dataset_digest"] = "d1" });
        Assert.Equal(["a"], (await SearchAsync(s, body)).Names);
        body = Body(exp);
        body["datasets"] = new JsonArray(new JsonObject { ["dataset_name"] = "eval", ["dataset_digest"] = "d1" });
        Assert.Equal(["a"], (await SearchAsync(s, body)).Names);
        // Without a digest MLflow asks for metrics whose digest is NULL.
        body["datasets"] = new JsonArray(new JsonObject { ["dataset_name"] = "eval" });
        Assert.Empty((await SearchAsync(s, body)).Names);
        body["datasets"] = new JsonArray(new JsonObject { ["dataset_digest"] = "d1" });
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/logged-models/search", body), 400, "INVALID_PARAMETER_VALUE",
            "`dataset_name` in the `datasets` clause must be specified.");
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Order_by_attributes_and_latest_metric_values(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var (exp, _, _) = await SeedAsync(s);
        Assert.Equal(["c", "b", "a"], (await SearchAsync(s, Body(exp))).Names);
        Assert.Equal(["a", "b", "c"], (await SearchAsync(s, Body(exp, orderBy: Order(("name", true))))).Names);
        Assert.Equal(["c", "b", "a"], (await SearchAsync(s, Body(exp, orderBy: Order(("name", false))))).Names);
        // b's latest acc is 0.7 (its later point), a's 0.9; c has none and sorts last either way.
        Assert.Equal(["b", "a", "c"], (await SearchAsync(s, Body(exp, orderBy: Order(("metrics.acc", true))))).Names);
        Assert.Equal(["a", "b", "c"], (await SearchAsync(s, Body(exp, orderBy: Order(("metrics.acc", false))))).Names);
        var onEval = new JsonArray(new JsonObject { ["field_name"] = "metrics.acc", ["ascending"] = true, ["dataset_name"] = "eval" });
        Assert.Equal("a", (await SearchAsync(s, Body(exp, orderBy: onEval))).Names[0]);
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/logged-models/search", Body(exp, orderBy: Order(("params.lr", true)))), 400,
            "INVALID_PARAMETER_VALUE", "Invalid order by field name: params.lr. Only metrics are supported.");
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/logged-models/search", Body(exp, orderBy: Order(("bogus", true)))), 400,
            "INVALID_PARAMETER_VALUE", "Invalid order by field name: bogus");
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Page_tokens_belong_to_their_request(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var (exp, _, _) = await SeedAsync(s);
        var order = Order(("name", true));
        var (first, token) = await SearchAsync(s, Body(exp, "name LIKE '%'", order, 2));
        Assert.Equal(["a", "b"], first);
        var next = Body(exp, "name LIKE '%'", Order(("name", true)), 2);
        next["page_token"] = token;
        var (second, end) = await SearchAsync(s, next);
        Assert.Equal(["c"], second);
        Assert.Null(end);
        var other = Body(exp, "name = 'a'", Order(("name", true)), 2);
        other["page_token"] = token;
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/logged-models/search", other), 400, "INVALID_PARAMETER_VALUE",
            "Filter string in the page token does not match the requested filter string. Expected: name = 'a'. Found: name LIKE '%'");
        var (all, _) = await SearchAsync(s, Body(exp, max: 3));
        Assert.Equal(3, all.Count);
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Metrics_with_a_model_id_are_linked_to_the_model(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var (_, run, ids) = await SeedAsync(s);
        var data = (await s.GetOkAsync($"/logged-models/{ids["b"]}"))["model"]!["data"]!;
        var metrics = data["metrics"]!.AsArray();
        Assert.Equal([0.5, 0.7], metrics.Select(m => m!["value"]!.GetValue<double>()));
        Assert.All(metrics, m => Assert.Equal(run, m!.Str("run_id")));
        Assert.All(metrics, m => Assert.Equal(ids["b"], m!.Str("model_id")));
        var a = (await s.GetOkAsync($"/logged-models/{ids["a"]}"))["model"]!["data"]!["metrics"]![0]!;
        Assert.Equal("eval", a.Str("dataset_name"));
        Assert.Equal("d1", a.Str("dataset_digest"));
        // The run keeps its own history as before.
        var history = await s.GetOkAsync("/metrics/get-history", ("run_id", run), ("metric_key", "acc"));
        Assert.Equal(3, history["metrics"]!.AsArray().Count);
        // Repeating a point is not an error and adds nothing; an unknown model is the client's error.
        await s.OkAsync("/runs/log-metric", new { run_id = run, key = "acc", value = 0.9, timestamp = 1000, step = 0, model_id = ids["a"],
            dataset_name = "eval", dataset_digest = "d1" });
        Assert.Single((await s.GetOkAsync($"/logged-models/{ids["a"]}"))["model"]!["data"]!["metrics"]!.AsArray());
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/runs/log-metric",
            new { run_id = run, key = "acc", value = 1, timestamp = 1, step = 0, model_id = "m-00000000000000000000000000000000" }), 400, "BAD_REQUEST");
        Api.AssertError(await s.SendAsync(HttpMethod.Post, "/runs/log-batch", new { run_id = run,
            metrics = new[] { new { key = "acc", value = 1, timestamp = 1, step = 0, model_id = "m-00000000000000000000000000000000" } } }), 400, "BAD_REQUEST");
        Assert.Equal(3, (await s.GetOkAsync("/metrics/get-history", ("run_id", run), ("metric_key", "acc")))["metrics"]!.AsArray().Count);
    }
}
