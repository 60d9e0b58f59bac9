using System.Text.Json.Nodes;

namespace Sharpflow.Http.Tests.Runs;

/// <summary>
/// runs/search as MLflow 3.11's SqlAlchemyStore answers it (sqlalchemy_store._search_runs, _get_sqlalchemy_filter_clauses,
/// _get_orderby_clauses): filters per entity, case-sensitive LIKE on both dialects, NaN and missing values ranked after
/// real numbers in either direction, ties by start_time DESC then run_id ASC, offset page tokens, view types, limits.
/// </summary>
public class SearchRunsTests(SharedServers servers) : IClassFixture<SharedServers>
{
    private const long T = 1700000000000;

    /// <summary>
    /// name        start  user   status    metrics                               params                                  tags
    /// alpha-1     +1000  alice  FINISHED  acc .9, loss .1, `val loss` .12, m.x 8  model cnn, opt.name adam, batch size 32  team vision, note.v1 n1, `my tag` 'x y'
    /// Alpha-2     +2000  bob    FAILED    acc .5, loss .4                       model CNN-large, opt.name sgd           team Vision
    /// alpha_3     +3000  alice  RUNNING   acc NaN, loss .3                      model cnn_small                         team nlp
    /// beta        +4000  carol  FINISHED  loss 2                                model rnn                               -
    /// a%b         +5000  bob    KILLED    acc .7                                model cnnXsmall                         team vision-2
    /// </summary>
    private static async Task<(string Exp, Dictionary<string, string> Ids)> SeedAsync(TestServer s)
    {
        var exp = await s.CreateExperimentAsync(Api.Unique("search-runs"));
        var ids = new Dictionary<string, string>();
        async Task Run(string name, long start, string user, string status, long? end, (string, object)[] metrics, (string, string)[] @params, (string, string)[] tags)
        {
            var id = ids[name] = await s.CreateRunAsync(exp, name, T + start, user);
            await s.LogAsync(id, metrics, @params, tags);
            if (status != "RUNNING") await s.SetStatusAsync(id, status, end is null ? null : T + end);
        }
        await Run("alpha-1", 1000, "alice", "FINISHED", 1500, [("acc", 0.9), ("loss", 0.1), ("val loss", 0.12), ("m.x", 8.0)],
            [("model", "cnn"), ("opt.name", "adam"), ("batch size", "32")], [("team", "vision"), ("note.v1", "n1"), ("my tag", "x y")]);
        await Run("Alpha-2", 2000, "bob", "FAILED", 2500, [("acc", 0.5), ("loss", 0.4)], [("model", "CNN-large"), ("opt.name", "sgd")], [("team", "Vision")]);
        await Run("alpha_3", 3000, "alice", "RUNNING", null, [("acc", "NaN"), ("loss", 0.3)], [("model", "cnn_small")], [("team", "nlp")]);
        await Run("beta", 4000, "carol", "FINISHED", 4500, [("loss", 2.0)], [("model", "rnn")], []);
        await Run("a%b", 5000, "bob", "KILLED", 5500, [("acc", 0.7)], [("model", "cnnXsmall")], [("team", "vision-2")]);
        return (exp, ids);
    }

    private static async Task AssertMatches(TestServer s, string exp, string filter, params string[] expected)
    {
        var (names, _) = await s.SearchRunNamesAsync(exp, filter);
        Assert.True(expected.Order(StringComparer.Ordinal).SequenceEqual(names.Order(StringComparer.Ordinal)),
            $"filter {filter}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", names)}]");
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Metric_param_and_tag_filters(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var (exp, _) = await SeedAsync(s);
        await AssertMatches(s, exp, "metrics.acc > 0.6", "alpha-1", "a%b");
        await AssertMatches(s, exp, "metrics.acc >= 0.5 and params.model = 'cnn'", "alpha-1");
        // MLflow stores NaN as value 0 (is_nan = 1) and compares the stored value: NaN matches "< 0.6" and "= 0".
        await AssertMatches(s, exp, "metrics.acc < 0.6", "Alpha-2", "alpha_3");
        await AssertMatches(s, exp, "metrics.acc = 0", "alpha_3");
        await AssertMatches(s, exp, "metrics.loss != 2.0", "alpha-1", "Alpha-2", "alpha_3");
        await AssertMatches(s, exp, "metrics.`val loss` <= 0.15", "alpha-1");
        await AssertMatches(s, exp, "metrics.`m.x` = 8", "alpha-1");
        await AssertMatches(s, exp, "metric.loss > 1", "beta");
        await AssertMatches(s, exp, "params.model = 'cnn'", "alpha-1");
        await AssertMatches(s, exp, "params.model = 'CNN'");
        await AssertMatches(s, exp, "params.model != 'cnn'", "Alpha-2", "alpha_3", "beta", "a%b");
        await AssertMatches(s, exp, "params.`batch size` = '32'", "alpha-1");
        await AssertMatches(s, exp, "param.`opt.name` = \"sgd\"", "Alpha-2");
        await AssertMatches(s, exp, "tags.team = 'vision'", "alpha-1");
        await AssertMatches(s, exp, "tags.team != 'vision'", "Alpha-2", "alpha_3", "a%b");
        await AssertMatches(s, exp, "tags.`note.v1` = 'n1'", "alpha-1");
        await AssertMatches(s, exp, "tags.`my tag` = 'x y'", "alpha-1");
        await AssertMatches(s, exp, "tag.`mlflow.runName` = 'beta'", "beta");
        await AssertMatches(s, exp, "metrics.acc > 0.6 AND tags.team LIKE 'vision%' AND params.model LIKE 'cnn%'", "alpha-1", "a%b");
        await AssertMatches(s, exp, "metrics.missing > 0");
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Like_is_case_sensitive_and_ilike_is_not_with_percent_and_underscore_wildcards(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var (exp, _) = await SeedAsync(s);
        await AssertMatches(s, exp, "params.model LIKE 'cnn%'", "alpha-1", "alpha_3", "a%b");
        await AssertMatches(s, exp, "params.model ILIKE 'cnn%'", "alpha-1", "Alpha-2", "alpha_3", "a%b");
        await AssertMatches(s, exp, "params.model LIKE 'cnn_s%'", "alpha_3", "a%b");
        await AssertMatches(s, exp, "params.model ILIKE 'CNN_SMALL'", "alpha_3", "a%b");
        await AssertMatches(s, exp, "params.model LIKE 'CNN%'", "Alpha-2");
        await AssertMatches(s, exp, "params.model LIKE '%large'", "Alpha-2");
        await AssertMatches(s, exp, "tags.team LIKE 'vision'", "alpha-1");
        await AssertMatches(s, exp, "tags.team ILIKE 'vision'", "alpha-1", "Alpha-2");
        await AssertMatches(s, exp, "tags.team LIKE 'V%'", "Alpha-2");
        await AssertMatches(s, exp, "attributes.run_name LIKE 'alpha%'", "alpha-1", "alpha_3");
        await AssertMatches(s, exp, "attributes.run_name ILIKE 'ALPHA%'", "alpha-1", "Alpha-2", "alpha_3");
        await AssertMatches(s, exp, "run_name LIKE '_lpha-_'", "alpha-1", "Alpha-2");
        await AssertMatches(s, exp, "run_name LIKE 'a%b'", "a%b");
        await AssertMatches(s, exp, "attributes.user_id LIKE 'B%'");
        await AssertMatches(s, exp, "attributes.user_id ILIKE 'B%'", "Alpha-2", "a%b");
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Attribute_filters(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var (exp, ids) = await SeedAsync(s);
        await AssertMatches(s, exp, $"attributes.run_id IN ('{ids["alpha-1"]}', '{ids["beta"]}')", "alpha-1", "beta");
        await AssertMatches(s, exp, $"attributes.run_id NOT IN ('{ids["alpha-1"]}', '{ids["beta"]}')", "Alpha-2", "alpha_3", "a%b");
        await AssertMatches(s, exp, $"attributes.run_id = '{ids["a%b"]}'", "a%b");
        await AssertMatches(s, exp, "attributes.status = 'FAILED'", "Alpha-2");
        await AssertMatches(s, exp, "attributes.status != 'RUNNING'", "alpha-1", "Alpha-2", "beta", "a%b");
        await AssertMatches(s, exp, $"attributes.start_time >= {T + 3000}", "alpha_3", "beta", "a%b");
        await AssertMatches(s, exp, $"attributes.start_time < {T + 2000}", "alpha-1");
        await AssertMatches(s, exp, $"attributes.created > {T + 4000}", "a%b");
        await AssertMatches(s, exp, $"attributes.end_time <= {T + 2500}", "alpha-1", "Alpha-2");
        await AssertMatches(s, exp, "attributes.run_name = 'beta'", "beta");
        await AssertMatches(s, exp, "attributes.`Run name` = 'beta'", "beta");
        await AssertMatches(s, exp, "attributes.user_id = 'alice'", "alpha-1", "alpha_3");
        await AssertMatches(s, exp, "attributes.user_id != 'alice' AND attributes.status = 'FINISHED'", "beta");

        // run_name is the mlflow.runName tag, so a rename is searchable at once.
        await s.OkAsync("/runs/update", new { run_id = ids["beta"], run_name = "gamma" });
        await AssertMatches(s, exp, "attributes.run_name = 'gamma'", "gamma");
        await AssertMatches(s, exp, "attributes.run_name = 'beta'");
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Dataset_filters_on_name_digest_and_context(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var exp = await s.CreateExperimentAsync(Api.Unique("search-datasets"));
        object Input(string name, string digest, string context) => new
        {
            tags = new[] { new { key = "mlflow.data.context", value = context } },
            dataset = new { name, digest, source_type = "local", source = "{\"uri\": \"/data\"}" },
        };
        var d1 = await s.CreateRunAsync(exp, "d1", T + 1);
        var d2 = await s.CreateRunAsync(exp, "d2", T + 2);
        await s.CreateRunAsync(exp, "d3", T + 3);
        await s.OkAsync("/runs/log-inputs", new { run_id = d1, datasets = new[] { Input("train-set", "aaaa1111", "training") } });
        await s.OkAsync("/runs/log-inputs", new { run_id = d2, datasets = new[] { Input("train-set", "aaaa1111", "eval"), Input("eval-set", "bbbb2222", "eval") } });

        await AssertMatches(s, exp, "datasets.name = 'train-set'", "d1", "d2");
        await AssertMatches(s, exp, "datasets.name LIKE 'eval%'", "d2");
        await AssertMatches(s, exp, "datasets.name ILIKE 'TRAIN-%'", "d1", "d2");
        await AssertMatches(s, exp, "datasets.digest IN ('aaaa1111')", "d1", "d2");
        await AssertMatches(s, exp, "datasets.digest = 'bbbb2222'", "d2");
        await AssertMatches(s, exp, "datasets.context = 'training'", "d1");
        await AssertMatches(s, exp, "datasets.context = 'eval'", "d2");
        await AssertMatches(s, exp, "datasets.name = 'train-set' AND datasets.context = 'eval'", "d2");
        // Each clause is its own join (MLflow): no single input of d1/d2 needs to satisfy both.
        await AssertMatches(s, exp, "datasets.name = 'eval-set' AND datasets.context = 'training'");

        var (status, body) = await s.SearchRunsRawAsync(new { experiment_ids = new[] { exp }, filter = "datasets.context = 'training'" });
        Assert.Equal(200, status);
        var input = body!["runs"]![0]!["inputs"]!["dataset_inputs"]![0]!;
        Assert.Equal("train-set", input["dataset"]!["name"]!.GetValue<string>());
        Assert.Equal("aaaa1111", input["dataset"]!["digest"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Order_by_metric_puts_nan_after_numbers_and_missing_last_in_both_directions(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var exp = await s.CreateExperimentAsync(Api.Unique("order-metric"));
        foreach (var (name, start, acc) in new (string, long, object?)[]
                 {
                     ("m1", 1000, 1.0), ("m3", 2000, 3.0), ("nan-old", 3000, "NaN"), ("missing", 4000, null), ("m2", 5000, 2.0),
                     ("nan-new", 6000, "NaN"), ("inf", 7000, "Infinity"), ("ninf", 8000, "-Infinity"), ("missing-2", 500, null),
                 })
        {
            var id = await s.CreateRunAsync(exp, name, T + start);
            await s.LogAsync(id, acc is null ? [("other", 1.0)] : [("acc", acc)]);
        }
        var (desc, _) = await s.SearchRunNamesAsync(exp, orderBy: ["metrics.acc DESC"]);
        Assert.Equal(["inf", "m3", "m2", "m1", "ninf", "nan-new", "nan-old", "missing", "missing-2"], desc);
        var (asc, _) = await s.SearchRunNamesAsync(exp, orderBy: ["metrics.acc ASC"]);
        Assert.Equal(["ninf", "m1", "m2", "m3", "inf", "nan-new", "nan-old", "missing", "missing-2"], asc);
        var (plain, _) = await s.SearchRunNamesAsync(exp, orderBy: ["metrics.acc"]);
        Assert.Equal(asc, plain);
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Ties_break_by_start_time_desc_then_run_id_asc(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var exp = await s.CreateExperimentAsync(Api.Unique("order-ties"));
        var ids = new Dictionary<string, string>();
        foreach (var (name, start) in new[] { ("a", 1L), ("b", 3L), ("c", 3L), ("d", 2L), ("e", 3L) })
        {
            ids[name] = await s.CreateRunAsync(exp, name, T + start);
            await s.LogAsync(ids[name], [("acc", 0.5)], [("p", "same")]);
        }
        var sameStart = new[] { "b", "c", "e" }.OrderBy(n => ids[n], StringComparer.Ordinal).ToArray();
        string[] expected = [.. sameStart, "d", "a"];
        Assert.Equal(expected, (await s.SearchRunNamesAsync(exp)).Names);
        Assert.Equal(expected, (await s.SearchRunNamesAsync(exp, orderBy: ["metrics.acc DESC"])).Names);
        Assert.Equal(expected, (await s.SearchRunNamesAsync(exp, orderBy: ["params.p ASC"])).Names);
        Assert.Equal(expected, (await s.SearchRunNamesAsync(exp, orderBy: ["attributes.start_time DESC"])).Names);
        // Ordering by start_time ASC replaces the default start_time DESC; run_id ASC still breaks the remaining ties.
        Assert.Equal(["a", "d", .. sameStart], (await s.SearchRunNamesAsync(exp, orderBy: ["attributes.start_time ASC"])).Names);
        Assert.Equal(["a", "d", .. sameStart], (await s.SearchRunNamesAsync(exp, orderBy: ["created ASC"])).Names);
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Multi_key_order_by_with_missing_values(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var exp = await s.CreateExperimentAsync(Api.Unique("order-multi"));
        var start = 0;
        foreach (var (name, model, loss, team) in new (string, string?, object?, string?)[]
                 {
                     ("p1", "cnn", 0.5, "b"), ("p2", "cnn", 0.9, null), ("p3", "rnn", 0.1, "a"), ("p4", "cnn", null, "a"),
                     ("p5", null, 0.3, "c"), ("p6", "rnn", "NaN", "b"), ("p7", "rnn", 0.7, "a"),
                 })
        {
            var id = await s.CreateRunAsync(exp, name, T + ++start * 1000);
            await s.LogAsync(id, loss is null ? [] : [("loss", loss)], model is null ? [] : [("model", model)], team is null ? [] : [("team", team)]);
            if (name == "p3") await s.SetStatusAsync(id, "FINISHED", T + 99_000);
            if (name == "p1") await s.SetStatusAsync(id, "FINISHED", T + 98_000);
        }
        Assert.Equal(["p2", "p1", "p4", "p7", "p3", "p6", "p5"],
            (await s.SearchRunNamesAsync(exp, orderBy: ["params.model ASC", "metrics.loss DESC"])).Names);
        Assert.Equal(["p7", "p3", "p6", "p2", "p1", "p4", "p5"],
            (await s.SearchRunNamesAsync(exp, orderBy: ["params.model DESC", "metrics.loss DESC"])).Names);
        Assert.Equal(["p5", "p1", "p6", "p3", "p4", "p7", "p2"],
            (await s.SearchRunNamesAsync(exp, orderBy: ["tags.team DESC", "attributes.start_time ASC"])).Names);
        Assert.Equal(["p7", "p4", "p3", "p6", "p1", "p5", "p2"],
            (await s.SearchRunNamesAsync(exp, orderBy: ["tags.team ASC"])).Names);
        // Attributes rank NULLs last too (p3 and p1 have an end_time, the others are still running).
        Assert.Equal(["p3", "p1", "p7", "p6", "p5", "p4", "p2"],
            (await s.SearchRunNamesAsync(exp, orderBy: ["attributes.end_time DESC"])).Names);
        Assert.Equal(["p1", "p3", "p7", "p6", "p5", "p4", "p2"],
            (await s.SearchRunNamesAsync(exp, orderBy: ["attributes.end_time ASC"])).Names);
        Assert.Equal(["p1", "p2", "p3", "p4", "p5", "p6", "p7"],
            (await s.SearchRunNamesAsync(exp, orderBy: ["attributes.run_name ASC"])).Names);
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Page_tokens_walk_every_run_once(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var exp = await s.CreateExperimentAsync(Api.Unique("paging"));
        for (var i = 0; i < 23; i++)
        {
            // Start times repeat (ties) and some scores are NaN or missing, so every ordering rule is exercised.
            var id = await s.CreateRunAsync(exp, $"run-{i:D2}", T + i / 3);
            object? score = (i % 7) switch { 0 => null, 3 => "NaN", _ => (double)(i % 5) };
            await s.LogAsync(id, score is null ? [] : [("score", score)]);
        }
        foreach (var orderBy in new[] { new[] { "metrics.score DESC" }, [], new[] { "attributes.start_time ASC", "run_name DESC" } })
        {
            var all = (await s.SearchRunNamesAsync(exp, orderBy: orderBy, maxResults: 1000)).Names;
            Assert.Equal(23, all.Count);
            var walked = new List<string>();
            string? token = null;
            var pages = 0;
            do
            {
                var (names, next) = await s.SearchRunNamesAsync(exp, orderBy: orderBy, maxResults: 5, pageToken: token);
                pages++;
                Assert.Equal(pages < 5 ? 5 : 3, names.Count);
                walked.AddRange(names);
                token = next;
                Assert.True(pages <= 5, "more pages than runs");
            } while (token is not null);
            Assert.Equal(5, pages);
            Assert.Equal(all, walked);
        }

        // A last page that is exactly full has no token, like MLflow (it asks for max_results + 1 rows).
        var (first, t1) = await s.SearchRunNamesAsync(exp, maxResults: 20);
        var (rest, t2) = await s.SearchRunNamesAsync(exp, maxResults: 3, pageToken: t1);
        Assert.Equal(20, first.Count);
        Assert.Equal(3, rest.Count);
        Assert.Null(t2);
        Assert.Null((await s.SearchRunNamesAsync(exp, maxResults: 23)).Token);
        Assert.NotNull((await s.SearchRunNamesAsync(exp, maxResults: 22)).Token);
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Run_view_type_selects_active_deleted_or_all(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var exp = await s.CreateExperimentAsync(Api.Unique("view-type"));
        var ids = new Dictionary<string, string>();
        foreach (var name in new[] { "live-1", "live-2", "gone-1", "gone-2" })
        {
            ids[name] = await s.CreateRunAsync(exp, name, T + ids.Count);
            await s.LogAsync(ids[name], @params: [("kind", name[..4])]);
        }
        await s.DeleteRunAsync(ids["gone-1"]);
        await s.DeleteRunAsync(ids["gone-2"]);

        async Task<string[]> Names(string? view, string? filter = null) =>
            [.. (await s.SearchRunNamesAsync(exp, filter, viewType: view)).Names.Order(StringComparer.Ordinal)];
        Assert.Equal(["live-1", "live-2"], await Names(null));
        Assert.Equal(["live-1", "live-2"], await Names("ACTIVE_ONLY"));
        Assert.Equal(["gone-1", "gone-2"], await Names("DELETED_ONLY"));
        Assert.Equal(["gone-1", "gone-2", "live-1", "live-2"], await Names("ALL"));
        Assert.Equal(["gone-1", "gone-2"], await Names("ALL", "params.kind = 'gone'"));
        Assert.Empty(await Names("ACTIVE_ONLY", "params.kind = 'gone'"));

        await s.OkAsync("/runs/restore", new { run_id = ids["gone-1"] });
        Assert.Equal(["gone-2"], await Names("DELETED_ONLY"));
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Max_results_limits(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var exp = await s.CreateExperimentAsync(Api.Unique("max-results"));
        for (var i = 0; i < 3; i++) await s.CreateRunAsync(exp, $"r{i}", T + i);

        Api.AssertError(await s.SearchRunsRawAsync(new { experiment_ids = new[] { exp }, max_results = 0 }), 400, "INVALID_PARAMETER_VALUE",
            "Invalid value 0 for parameter 'max_results' supplied. It must be a positive integer");
        Api.AssertError(await s.SearchRunsRawAsync(new { experiment_ids = new[] { exp }, max_results = -5 }), 400, "INVALID_PARAMETER_VALUE",
            "Invalid value -5 for parameter 'max_results' supplied. It must be a positive integer");
        // Above 50000 the handler's schema check answers first, with its hint.
        Api.AssertError(await s.SearchRunsRawAsync(new { experiment_ids = new[] { exp }, max_results = 50001 }), 400, "INVALID_PARAMETER_VALUE",
            "Invalid value 50001 for parameter 'max_results' supplied:  Hint: Value was of type 'int'.");
        var (names, token) = await s.SearchRunNamesAsync(exp, maxResults: 50000);
        Assert.Equal(3, names.Count);
        Assert.Null(token);
        (names, token) = await s.SearchRunNamesAsync(exp, maxResults: 1);
        Assert.Equal(["r2"], names);
        Assert.NotNull(token);
        Assert.Equal(3, (await s.SearchRunNamesAsync(exp)).Names.Count);
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Bad_filters_and_order_by_are_400_invalid_parameter_value(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var exp = await s.CreateExperimentAsync(Api.Unique("bad-filters"));
        await s.CreateRunAsync(exp, "r", T);
        Task<(int, JsonNode?)> Search(string? filter, string[]? orderBy = null, string? pageToken = null) =>
            s.SearchRunsRawAsync(new { experiment_ids = new[] { exp }, filter, order_by = orderBy, page_token = pageToken });

        foreach (var (filter, message) in new[]
                 {
                     ("metrics.x >> 1", "Invalid comparator '>>'"),
                     ("foo.bar = 1", "Invalid entity type 'foo'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']"),
                     ("metrics.acc > 'abc'", "Expected numeric value type for metric. Found 'abc'"),
                     ("params.x > '1'", "Invalid comparator '>' not one of "),
                     ("metrics.a = 1 OR metrics.a = 2", "Invalid clause(s) in filter string: 'OR'"),
                     ("metrics.acc >", "Invalid clause(s) in filter string: 'metrics.acc', '>'"),
                     ("params.model = cnn", "Parameter value is either not quoted or unidentified quote types used for string value cnn."),
                     ("tags.team IN ('vision', 'nlp')", "Expected a quoted string value for tag (e.g. 'my-value'). Got value ('vision', 'nlp')"),
                     ("attributes.status IN ('FAILED', 'KILLED')", "Only the 'run_id' attribute supports comparison with a list of quoted string values."),
                     ("tags.team IS NULL", "Invalid clause(s) in filter string: 'tags.team', 'IS', 'NULL'"),
                     ("attributes.bogus = 'x'", "Invalid attribute key 'bogus' specified."),
                     ("datasets.bogus = 'x'", "Invalid dataset key 'bogus' specified."),
                     ("attributes.start_time LIKE '1%'", "Expected numeric value type for numeric attribute: start_time. Found '1%'"),
                     ("attributes.start_time LIKE 1", "Invalid comparator 'LIKE' not one of "),
                 })
        {
            Api.AssertError(await Search(filter), 400, "INVALID_PARAMETER_VALUE", message);
        }
        Api.AssertError(await Search(null, ["metrics.acc UP"]), 400, "INVALID_PARAMETER_VALUE", "Invalid ordering key in order_by clause 'metrics.acc UP'.");
        Api.AssertError(await Search(null, ["bogus.key ASC"]), 400, "INVALID_PARAMETER_VALUE", "Invalid entity type 'bogus'.");
        Api.AssertError(await Search(null, null, "notatoken"), 400, "INVALID_PARAMETER_VALUE", "Invalid page token, could not base64-decode");
        Api.AssertError(await s.SearchRunsRawAsync(new { experiment_ids = new[] { "abc" } }), 400, "INVALID_PARAMETER_VALUE");
        // MLflow raises this one without an error code (a 500); Sharpflow answers 400, never a copied 500.
        Api.AssertError(await Search(null, ["metrics.a ASC", "metrics.a DESC"]), 400, "INVALID_PARAMETER_VALUE", "`order_by` contains duplicate fields");

        var (status, body) = await s.SearchRunsRawAsync(new { experiment_ids = new[] { "987654321" } });
        Assert.Equal(200, status);
        Assert.Null(body!["runs"]);
    }
}
