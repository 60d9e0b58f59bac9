using System.Text.Json.Nodes;

namespace Sharpflow.Http.Tests.Experiments;

/// <summary>
/// experiments/search as MLflow 3.11 answers it: name and tag filters (case-sensitive LIKE), order_by with the
/// experiment_id DESC tie-breaker (default creation_time DESC, experiment_id ASC), offset paging and view_type.
/// Each test works on experiments named with its own prefix, on a server shared by the class.
/// </summary>
public class SearchExperimentsTests(SharedServers servers) : IClassFixture<SharedServers>
{
    private sealed record Exp(string Id, string Name, long CreationTime, long LastUpdateTime);

    private static async Task<(List<Exp> Items, string? Token)> SearchAsync(TestServer s, string? filter = null, string[]? orderBy = null,
        int maxResults = 1000, string? viewType = null, string? pageToken = null)
    {
        var body = new JsonObject { ["max_results"] = maxResults };
        if (filter is not null) body["filter"] = filter;
        if (orderBy is not null) body["order_by"] = new JsonArray(orderBy.Select(o => (JsonNode)o).ToArray());
        if (viewType is not null) body["view_type"] = viewType;
        if (pageToken is not null) body["page_token"] = pageToken;
        var (status, json) = await s.PostAsync(Api.Base + "/experiments/search", body);
        Assert.True(status == 200, $"search {body.ToJsonString()} answered {status}: {json?.ToJsonString()}");
        var items = (json?["experiments"]?.AsArray() ?? []).Select(e => new Exp(e!["experiment_id"]!.GetValue<string>(), e["name"]!.GetValue<string>(),
            long.Parse(e["creation_time"]!.ToString()), long.Parse(e["last_update_time"]!.ToString()))).ToList();
        return (items, json?["next_page_token"]?.GetValue<string>());
    }

    private static async Task<string[]> NamesAsync(TestServer s, string filter, string? viewType = null) =>
        [.. (await SearchAsync(s, filter, viewType: viewType)).Items.Select(e => e.Name).Order(StringComparer.Ordinal)];

    /// <summary>P-alpha (team ml, priority 1), P-Alpha (team ML), P-a_c (team data), P-abc, P-beta (team ml), P-gamma (a.b x), P-delta (deleted).</summary>
    private static async Task<string> SeedAsync(TestServer s)
    {
        var p = Api.Unique("se");
        await s.CreateExperimentAsync($"{p}-alpha", ("team", "ml"), ("priority", "1"));
        await s.CreateExperimentAsync($"{p}-Alpha", ("team", "ML"));
        await s.CreateExperimentAsync($"{p}-a_c", ("team", "data"));
        await s.CreateExperimentAsync($"{p}-abc");
        await s.CreateExperimentAsync($"{p}-beta", ("team", "ml"));
        await s.CreateExperimentAsync($"{p}-gamma", ("a.b", "x"));
        var deleted = await s.CreateExperimentAsync($"{p}-delta", ("team", "ml"));
        await s.OkAsync("/experiments/delete", new { experiment_id = deleted });
        return p;
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Name_and_tag_filters(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var p = await SeedAsync(s);
        Assert.Equal([$"{p}-a_c", $"{p}-abc", $"{p}-alpha"], await NamesAsync(s, $"name LIKE '{p}-a%'"));
        Assert.Equal([$"{p}-Alpha", $"{p}-a_c", $"{p}-abc", $"{p}-alpha"], await NamesAsync(s, $"name ILIKE '{p.ToUpperInvariant()}-A%'"));
        Assert.Equal([$"{p}-a_c", $"{p}-abc"], await NamesAsync(s, $"name LIKE '{p}-a_c'"));
        Assert.Equal([$"{p}-beta"], await NamesAsync(s, $"name = '{p}-beta'"));
        Assert.Empty(await NamesAsync(s, $"name = '{p}-BETA'"));
        Assert.Equal([$"{p}-Alpha", $"{p}-a_c", $"{p}-abc", $"{p}-alpha", $"{p}-gamma"], await NamesAsync(s, $"name != '{p}-beta' AND name LIKE '{p}-%'"));
        Assert.Equal([$"{p}-alpha", $"{p}-beta"], await NamesAsync(s, $"tags.team = 'ml' AND name LIKE '{p}-%'"));
        Assert.Equal([$"{p}-Alpha", $"{p}-alpha", $"{p}-beta"], await NamesAsync(s, $"tags.team ILIKE 'ml' AND name LIKE '{p}-%'"));
        Assert.Equal([$"{p}-Alpha", $"{p}-a_c"], await NamesAsync(s, $"tag.team != 'ml' AND name LIKE '{p}-%'"));
        Assert.Equal([$"{p}-alpha"], await NamesAsync(s, $"tags.priority LIKE '%' AND name LIKE '{p}-%'"));
        Assert.Equal([$"{p}-gamma"], await NamesAsync(s, $"tags.`a.b` = 'x' AND name LIKE '{p}-%'"));

        var all = (await SearchAsync(s, $"name LIKE '{p}-%'")).Items;
        var pivot = all.Single(e => e.Name == $"{p}-beta").CreationTime;
        Assert.Equal(all.Where(e => e.CreationTime >= pivot).Select(e => e.Name).Order(StringComparer.Ordinal),
            await NamesAsync(s, $"creation_time >= {pivot} AND name LIKE '{p}-%'"));
        Assert.Equal(all.Where(e => e.CreationTime < pivot).Select(e => e.Name).Order(StringComparer.Ordinal),
            await NamesAsync(s, $"attribute.creation_time < {pivot} AND name LIKE '{p}-%'"));
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task View_type_selects_active_deleted_or_all(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var p = await SeedAsync(s);
        Assert.Equal(6, (await NamesAsync(s, $"name LIKE '{p}-%'")).Length);
        Assert.Equal(6, (await NamesAsync(s, $"name LIKE '{p}-%'", "ACTIVE_ONLY")).Length);
        Assert.Equal([$"{p}-delta"], await NamesAsync(s, $"name LIKE '{p}-%'", "DELETED_ONLY"));
        Assert.Equal(7, (await NamesAsync(s, $"name LIKE '{p}-%'", "ALL")).Length);
        Assert.Equal([$"{p}-alpha", $"{p}-beta", $"{p}-delta"], await NamesAsync(s, $"tags.team = 'ml' AND name LIKE '{p}-%'", "ALL"));
        Assert.Empty(await NamesAsync(s, $"tags.team = 'data' AND name LIKE '{p}-%'", "DELETED_ONLY"));
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Order_by_with_tie_breakers(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var p = await SeedAsync(s);
        // Only names whose order is the same under any collation (lower-case letters).
        var filter = $"name LIKE '{p}-%' AND name != '{p}-Alpha' AND name != '{p}-a_c'";
        string[] byName = [$"{p}-abc", $"{p}-alpha", $"{p}-beta", $"{p}-gamma"];
        Assert.Equal(byName, (await SearchAsync(s, filter, ["name ASC"])).Items.Select(e => e.Name));
        Assert.Equal(byName.Reverse(), (await SearchAsync(s, filter, ["name DESC"])).Items.Select(e => e.Name));

        var all = $"name LIKE '{p}-%'";
        var ids = (await SearchAsync(s, all, ["experiment_id DESC"])).Items.Select(e => long.Parse(e.Id)).ToList();
        Assert.Equal(6, ids.Count);
        Assert.Equal(ids.OrderDescending(), ids); // numeric, not lexicographic
        Assert.Equal(ids.Order(), (await SearchAsync(s, all, ["experiment_id"])).Items.Select(e => long.Parse(e.Id)));

        static void AssertSorted(List<Exp> items, Func<Exp, long> key, bool ascending, bool idAscending)
        {
            for (var i = 1; i < items.Count; i++)
            {
                var (a, b) = (items[i - 1], items[i]);
                var cmp = key(a).CompareTo(key(b)) * (ascending ? 1 : -1);
                var ok = cmp < 0 || (cmp == 0 && long.Parse(a.Id).CompareTo(long.Parse(b.Id)) * (idAscending ? 1 : -1) < 0);
                Assert.True(ok, $"{a} should not come before {b}");
            }
        }
        // MLflow's default is creation_time DESC, experiment_id ASC; an explicit order gets experiment_id DESC as tie-breaker.
        AssertSorted((await SearchAsync(s, all)).Items, e => e.CreationTime, ascending: false, idAscending: true);
        AssertSorted((await SearchAsync(s, all, ["creation_time ASC"])).Items, e => e.CreationTime, ascending: true, idAscending: false);
        AssertSorted((await SearchAsync(s, all, ["creation_time DESC"])).Items, e => e.CreationTime, ascending: false, idAscending: false);
        AssertSorted((await SearchAsync(s, all, ["last_update_time DESC"])).Items, e => e.LastUpdateTime, ascending: false, idAscending: false);
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Equal_times_tie_break_by_numeric_experiment_id(Backend backend)
    {
        using var dir = new TempDir();
        await using var pg = backend == Backend.Postgres ? await PgScratch.CreateAsync() : null;
        var uri = pg?.Uri ?? $"sqlite:///{dir.File("ties.db")}";
        await using (var s = await TestServer.StartAsync(uri))
        {
            for (var i = 1; i <= 11; i++) await s.CreateExperimentAsync($"tie-{i}");
        }
        const string sameTimes = "UPDATE experiments SET creation_time = 1700000000000, last_update_time = 1700000000000";
        if (pg is not null) await pg.ScalarAsync(sameTimes);
        else
        {
            using var conn = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={dir.File("ties.db")};Pooling=False");
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = sameTimes;
            cmd.ExecuteNonQuery();
        }
        await using var server = await TestServer.StartAsync(uri);
        async Task<long[]> Ids(params string[] orderBy) =>
            [.. (await SearchAsync(server, orderBy: orderBy.Length == 0 ? null : orderBy)).Items.Select(e => long.Parse(e.Id))];
        var ascending = Enumerable.Range(0, 12).Select(i => (long)i).ToArray();
        Assert.Equal(ascending, await Ids()); // creation_time DESC, experiment_id ASC
        Assert.Equal(ascending.Reverse(), await Ids("creation_time ASC")); // + experiment_id DESC
        Assert.Equal(ascending.Reverse(), await Ids("last_update_time DESC"));
        Assert.Equal(ascending, await Ids("creation_time", "experiment_id ASC"));
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Page_tokens_walk_every_experiment_once(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var p = await SeedAsync(s);
        var filter = $"name LIKE '{p}-%'";
        foreach (var (view, total, order) in new[] { ("ALL", 7, new[] { "name ASC" }), ("ACTIVE_ONLY", 6, []) })
        {
            var expected = (await SearchAsync(s, filter, order, viewType: view)).Items.Select(e => e.Id).ToList();
            Assert.Equal(total, expected.Count);
            var walked = new List<string>();
            string? token = null;
            var pages = 0;
            do
            {
                var (items, next) = await SearchAsync(s, filter, order, maxResults: 2, viewType: view, pageToken: token);
                Assert.True(++pages <= 4, "more pages than experiments");
                Assert.Equal(Math.Min(2, total - walked.Count), items.Count);
                walked.AddRange(items.Select(e => e.Id));
                token = next;
            } while (token is not null);
            Assert.Equal(expected, walked);
            Assert.Equal((total + 1) / 2, pages);
        }
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Limits_and_bad_input_are_400_invalid_parameter_value(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        const string path = Api.Base + "/experiments/search";
        Api.AssertError(await s.PostAsync(path, new { max_results = 0 }), 400, "INVALID_PARAMETER_VALUE",
            "Invalid value 0 for parameter 'max_results' supplied. It must be a positive integer");
        Api.AssertError(await s.PostAsync(path, new { max_results = 50001 }), 400, "INVALID_PARAMETER_VALUE",
            "Invalid value 50001 for parameter 'max_results' supplied. It must be at most 50000");
        Api.AssertError(await s.PostAsync(path, new { filter = "name = 'x'" }), 400, "INVALID_PARAMETER_VALUE",
            "Invalid value 0 for parameter 'max_results' supplied. It must be a positive integer");
        Assert.Equal(200, (await s.PostAsync(path, new { max_results = 50000 })).Status);
        Api.AssertError(await s.PostAsync(path, new { max_results = 10, filter = "bogus = 'x'" }), 400, "INVALID_PARAMETER_VALUE",
            "Invalid attribute key 'bogus' specified.");
        Api.AssertError(await s.PostAsync(path, new { max_results = 10, filter = "metrics.acc > 1" }), 400, "INVALID_PARAMETER_VALUE",
            "Invalid entity type 'metrics'. Valid entity types are ('attribute', 'tag', 'tags')");
        Api.AssertError(await s.PostAsync(path, new { max_results = 10, filter = "name >> 'x'" }), 400, "INVALID_PARAMETER_VALUE");
        Api.AssertError(await s.PostAsync(path, new { max_results = 10, order_by = new[] { "name SIDEWAYS" } }), 400, "INVALID_PARAMETER_VALUE",
            "Invalid ordering key in order_by clause 'name SIDEWAYS'.");
        Api.AssertError(await s.PostAsync(path, new { max_results = 10, page_token = "notatoken" }), 400, "INVALID_PARAMETER_VALUE",
            "Invalid page token");

        var name = Api.Unique("get-search");
        await s.CreateExperimentAsync(name);
        var (status, body) = await s.GetAsync($"{path}?max_results=5&filter={Uri.EscapeDataString($"name = '{name}'")}");
        Assert.Equal(200, status);
        Assert.Equal(name, body!["experiments"]![0]!["name"]!.GetValue<string>());
    }
}
