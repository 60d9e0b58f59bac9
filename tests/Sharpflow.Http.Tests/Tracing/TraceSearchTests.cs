using Microsoft.Data.Sqlite;
using static Sharpflow.Http.Tests.Tracing.TraceInfoApi;

namespace Sharpflow.Http.Tests.Tracing;

/// <summary>
/// traces/search as MLflow 3.11 answers it: attribute, tag, metadata, name/run_id/prompt, span and text filters, order_by
/// with NULLs last and MLflow's tie-breakers, offset page tokens (handed out whenever a page is full), and the errors.
/// </summary>
public class TraceSearchTests(SharedServers servers) : IClassFixture<SharedServers>
{
    private const long T0 = 1700000000000;

    private sealed record Seeded(string Exp, string A, string B, string C, string D, string E)
    {
        /// <summary>D and E share a timestamp: the request_id tie-breaker orders them.</summary>
        public string[] Tied => new[] { D, E }.Order(StringComparer.Ordinal).ToArray();
    }

    private static async Task<Seeded> SeedAsync(TestServer s)
    {
        var exp = await s.CreateExperimentAsync(Api.Unique("ts"));
        var (a, b, c, d, e) = (NewTraceId(), NewTraceId(), NewTraceId(), NewTraceId(), NewTraceId());
        await s.StartTraceAsync(exp, a, T0, 100, "OK", new Dictionary<string, string> { ["flow"] = "alpha", ["mlflow.traceName"] = "outer" },
            new Dictionary<string, string> { ["mlflow.user"] = "u1" }, clientRequestId: "c-a");
        await s.StartTraceAsync(exp, b, T0 + 1000, 300, "ERROR", new Dictionary<string, string> { ["flow"] = "beta", ["mlflow.traceName"] = "failing" },
            new Dictionary<string, string> { ["mlflow.user"] = "u2" });
        await s.StartTraceAsync(exp, c, T0 + 2000, null, "IN_PROGRESS", new Dictionary<string, string> { ["mlflow.traceName"] = "Outer2" });
        await s.StartTraceAsync(exp, d, T0 + 3000, 50, "OK", new Dictionary<string, string> { ["flow"] = "alpha", ["mlflow.traceName"] = "outer" });
        await s.StartTraceAsync(exp, e, T0 + 3000, 200, "OK");
        return new Seeded(exp, a, b, c, d, e);
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Filters_on_attributes_tags_and_metadata(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var t = await SeedAsync(s);
        async Task Expect(string filter, params string[] ids) => Assert.Equal(ids, (await s.SearchIdsAsync(t.Exp, filter)).Ids);

        Assert.Equal([.. t.Tied, t.C, t.B, t.A], (await s.SearchIdsAsync(t.Exp)).Ids);
        await Expect("trace.status = 'OK'", [.. t.Tied, t.A]);
        await Expect("status IN ('ERROR', 'IN_PROGRESS')", t.C, t.B);
        await Expect("attributes.status != 'OK'", t.C, t.B);
        await Expect($"trace.timestamp_ms > {T0 + 1000}", [.. t.Tied, t.C]);
        await Expect($"trace.timestamp <= {T0 + 1000}", t.B, t.A);
        await Expect("execution_time_ms > 100", t.E, t.B);
        await Expect($"end_time_ms >= {T0 + 3100}", t.E);
        await Expect($"trace.end_time < {T0 + 2001}", t.C, t.B, t.A);
        await Expect("tags.flow = 'alpha'", t.D, t.A);
        await Expect("tags.flow != 'alpha'", t.B);
        await Expect("tag.flow LIKE 'al%'", t.D, t.A);
        await Expect("tags.flow LIKE 'AL%'");
        await Expect("tags.flow ILIKE 'AL%'", t.D, t.A);
        await Expect("name = 'outer'", t.D, t.A);
        await Expect("trace.name ILIKE 'outer%'", t.D, t.C, t.A);
        await Expect("name RLIKE '^[Oo]uter[0-9]'", t.C);
        await Expect("metadata.`mlflow.user` = 'u1'", t.A);
        await Expect("request_metadata.`mlflow.user` LIKE 'u%'", t.B, t.A);
        await Expect("client_request_id = 'c-a'", t.A);
        await Expect($"request_id IN ('{t.A}', '{t.B}')", t.B, t.A);
        await Expect($"request_id NOT IN ('{t.A}', '{t.B}')", [.. t.Tied, t.C]);
        await Expect("tags.flow = 'alpha' AND trace.execution_time_ms < 100", t.D);
        await Expect("tags.missing = 'x'");
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Order_by_keeps_nulls_last_and_adds_tie_breakers(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var t = await SeedAsync(s);
        async Task Expect(string[] orderBy, params string[] ids) => Assert.Equal(ids, (await s.SearchIdsAsync(t.Exp, orderBy: orderBy)).Ids);

        await Expect(["timestamp_ms ASC"], [t.A, t.B, t.C, .. t.Tied]);
        await Expect(["execution_time DESC"], t.B, t.E, t.A, t.D, t.C);
        await Expect(["execution_time_ms ASC"], t.D, t.A, t.E, t.B, t.C);
        await Expect(["name ASC"], t.C, t.B, t.D, t.A, t.E); // "Outer2" < "failing" < "outer"; ties by timestamp DESC; no name last
        await Expect(["tags.flow DESC", "timestamp ASC"], t.B, t.A, t.D, t.C, t.E);
        await Expect(["request_id"], new[] { t.A, t.B, t.C, t.D, t.E }.Order(StringComparer.Ordinal).ToArray());
        await Expect(["status", "timestamp_ms DESC"], [t.B, t.C, .. t.Tied, t.A]);
        Api.AssertError(await s.SearchRawAsync([t.Exp], orderBy: ["timestamp ASC", "timestamp_ms DESC"]), 400, "INVALID_PARAMETER_VALUE",
            "`order_by` contains duplicate fields");
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Pages_follow_offset_tokens(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var t = await SeedAsync(s);
        var (p1, t1) = await s.SearchIdsAsync(t.Exp, maxResults: 2, orderBy: ["timestamp_ms DESC"]);
        var (p2, t2) = await s.SearchIdsAsync(t.Exp, maxResults: 2, orderBy: ["timestamp_ms DESC"], pageToken: t1);
        var (p3, t3) = await s.SearchIdsAsync(t.Exp, maxResults: 2, orderBy: ["timestamp_ms DESC"], pageToken: t2);
        Assert.Equal([.. t.Tied, t.C, t.B, t.A], p1.Concat(p2).Concat(p3));
        Assert.NotNull(t1);
        Assert.NotNull(t2);
        Assert.Null(t3);
        // Like MLflow, a full last page still carries a token; the page after it is empty.
        var (all, tokenAfterAll) = await s.SearchIdsAsync(t.Exp, maxResults: 5);
        Assert.Equal(5, all.Count);
        Assert.Empty((await s.SearchIdsAsync(t.Exp, maxResults: 5, pageToken: tokenAfterAll)).Ids);
        // Several experiments in one search, and none at all.
        var other = await s.CreateExperimentAsync(Api.Unique("ts"));
        var x = NewTraceId();
        await s.StartTraceAsync(other, x, T0 + 10000);
        var (status, json) = await s.SearchRawAsync([t.Exp, other], maxResults: 2);
        Assert.Equal(200, status);
        Assert.Equal([x, t.Tied[0]], json!["traces"]!.AsArray().Select(n => n!["trace_id"]!.GetValue<string>()));
        Assert.Equal("{}", (await s.SearchRawAsync([])).Body!.ToJsonString());
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Errors_carry_mlflow_messages(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var exp = await s.CreateExperimentAsync(Api.Unique("ts"));
        Api.AssertError(await s.SearchRawAsync([exp], "trace.status = "), 400, "INVALID_PARAMETER_VALUE",
            "Invalid clause(s) in filter string: 'trace.status', '='");
        Api.AssertError(await s.SearchRawAsync([exp], orderBy: ["nonsense DESC"]), 400, "INVALID_PARAMETER_VALUE",
            "Invalid attribute key 'nonsense' specified. Valid keys are '{'experiment_id', 'execution_time_ms', 'end_time_ms', 'execution_time', " +
            "'status', 'request_id', 'timestamp_ms', 'name', 'end_time', 'run_id', 'timestamp'}'");
        // A bare "timestamp" is a type name to MLflow's tokenizer, not a key.
        Api.AssertError(await s.SearchRawAsync([exp], "timestamp > 5"), 400, "INVALID_PARAMETER_VALUE",
            "Invalid clause(s) in filter string: 'timestamp', '>', '5'");
        Api.AssertError(await s.SearchRawAsync([exp], maxResults: 501), 400, "INVALID_PARAMETER_VALUE",
            "Invalid value 501 for parameter 'max_results' supplied");
        Api.AssertError(await s.SearchRawAsync([exp], maxResults: 0), 400, "INVALID_PARAMETER_VALUE",
            "Invalid value 0 for parameter 'max_results' supplied. It must be a positive integer");
        Api.AssertError(await s.SearchRawAsync(["1.5"]), 400, "INVALID_PARAMETER_VALUE",
            "Locations must be a list of experiment IDs. Found invalid experiment IDs: 1.5.");
        Api.AssertError(await s.SearchRawAsync([exp], pageToken: "abc"), 400, "INVALID_PARAMETER_VALUE", "Invalid page token");
        Api.AssertError(await s.SearchRawAsync([exp], "span.content = 'x'"), 400, "INVALID_PARAMETER_VALUE",
            "span.content comparator '=' not one of");
        Api.AssertError(await s.CallAsync(HttpMethod.Post, V3 + "/traces/search", new { filter = "x" }), 400, "INVALID_PARAMETER_VALUE",
            "Missing value for required parameter 'locations'.");
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Filter_correlation_counts_and_npmi(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var t = await SeedAsync(s);
        var all = await s.CallOkAsync(HttpMethod.Post, V3 + "/traces/calculate-filter-correlation",
            new { experiment_ids = new[] { t.Exp }, filter_string1 = "trace.status = 'OK'", filter_string2 = "tags.flow = 'alpha'" });
        Assert.Equal((3, 2, 2, 5), (all["filter1_count"]!.GetValue<int>(), all["filter2_count"]!.GetValue<int>(),
            all["joint_count"]!.GetValue<int>(), all["total_count"]!.GetValue<int>()));
        Assert.Equal(Math.Log(5.0 / 3) / Math.Log(2.5), all["npmi"]!.GetValue<double>(), 9);
        Assert.Equal(Math.Log(17.5 / 12) / Math.Log(7 / 2.5), all["npmi_smoothed"]!.GetValue<double>(), 9);
        var windowed = await s.CallOkAsync(HttpMethod.Post, V3 + "/traces/calculate-filter-correlation", new
        {
            experiment_ids = new[] { t.Exp }, filter_string1 = "trace.status = 'OK'", filter_string2 = "tags.flow = 'alpha'",
            base_filter = $"trace.timestamp_ms > {T0}",
        });
        Assert.Equal((2, 1, 1, 4), (windowed["filter1_count"]!.GetValue<int>(), windowed["filter2_count"]!.GetValue<int>(),
            windowed["joint_count"]!.GetValue<int>(), windowed["total_count"]!.GetValue<int>()));
        // No match for one filter: NPMI is undefined and left out.
        var none = await s.CallOkAsync(HttpMethod.Post, V3 + "/traces/calculate-filter-correlation",
            new { experiment_ids = new[] { t.Exp }, filter_string1 = "tags.flow = 'zzz'", filter_string2 = "trace.status = 'OK'" });
        Assert.Null(none["npmi"]);
        Assert.Equal(0, none["filter1_count"]!.GetValue<int>());
    }

    /// <summary>Span filters read the spans table; the rows are written straight into a SQLite database as span ingestion stores them.</summary>
    [Fact]
    public async Task Span_and_text_filters_match_one_span()
    {
        var dir = Path.Combine(Path.GetTempPath(), "sf-spans-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var db = Path.Combine(dir, "mlflow.db");
        await using var s = await TestServer.StartAsync($"sqlite:///{db}");
        var exp = await s.CreateExperimentAsync(Api.Unique("sp"));
        var (a, b) = (NewTraceId(), NewTraceId());
        await s.StartTraceAsync(exp, a, T0);
        await s.StartTraceAsync(exp, b, T0 + 1);
        await using (var conn = new SqliteConnection($"Data Source={db}"))
        {
            await conn.OpenAsync();
            void Span(string trace, string id, string name, string type, string status, string content)
            {
                using var cmd = conn.CreateCommand();
                cmd.CommandText = "INSERT INTO spans (trace_id, experiment_id, span_id, name, type, status, start_time_unix_nano, end_time_unix_nano, content) " +
                                  "VALUES (@t, @e, @s, @n, @ty, @st, 1, 2, @c)";
                cmd.Parameters.AddWithValue("@t", trace);
                cmd.Parameters.AddWithValue("@e", long.Parse(exp));
                cmd.Parameters.AddWithValue("@s", id);
                cmd.Parameters.AddWithValue("@n", name);
                cmd.Parameters.AddWithValue("@ty", type);
                cmd.Parameters.AddWithValue("@st", status);
                cmd.Parameters.AddWithValue("@c", content);
                cmd.ExecuteNonQuery();
            }
            Span(a, "s1", "outer", "CHAIN", "OK", "{\"name\": \"outer\", \"attributes\": {\"model\": \"\\\"gpt-4\\\"\", \"q\": \"\\\"what is mlflow\\\"\"}}");
            Span(a, "s2", "search_web", "TOOL", "ERROR", "{\"name\": \"search_web\"}");
            Span(b, "s3", "search_web", "TOOL", "OK", "{\"name\": \"search_web\", \"attributes\": {\"model\": \"\\\"claude\\\"\"}}");
        }
        async Task Expect(string filter, params string[] ids) => Assert.Equal(ids, (await s.SearchIdsAsync(exp, filter)).Ids);
        await Expect("span.name = 'search_web'", b, a);
        await Expect("span.name = 'search_web' AND span.status = 'OK'", b); // both on the same span
        await Expect("span.type IN ('CHAIN')", a);
        await Expect("span.status != 'OK'", a);
        await Expect("trace.text LIKE '%mlflow%'", a);
        await Expect("trace.text ILIKE '%MLFLOW%'", a);
        await Expect("span.content LIKE '%search_web%'", b, a);
        await Expect("span.attributes.model LIKE '%gpt%'", a);
        await Expect("span.attributes.model RLIKE 'clau'", b);
        await Expect("span.attributes.model RLIKE '^gpt-4$'", a);
        await Expect("span.attributes.model RLIKE '^gpt$'");
    }
}
