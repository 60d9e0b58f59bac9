using System.Text.Json.Nodes;
using static Sharpflow.Http.Tests.Tracing.TraceInfoApi;

namespace Sharpflow.Http.Tests.Tracing;

/// <summary>
/// traces/metrics (queryTraceMetrics) as MLflow 3.11 answers it for the TRACES view: counts, latency and token usage,
/// the aggregations each metric allows, dimensions, time buckets, time range, filters, max_results, and the errors.
/// Expected values are worked out by hand from the seeded traces.
/// </summary>
public class TraceMetricsTests(SharedServers servers) : IClassFixture<SharedServers>
{
    // 2023-11-14T22:13:20Z; one-hour buckets start at 22:00 and 23:00.
    private const long T0 = 1700000000000;
    private const long Hour = 3_600_000;

    internal static object Agg(string type, double? percentile = null) =>
        percentile is null ? new { aggregation_type = type } : new { aggregation_type = type, percentile_value = percentile };

    internal static Task<(int Status, JsonNode? Body)> QueryRawAsync(TestServer s, object body, string prefix = V3) =>
        s.CallAsync(HttpMethod.Post, prefix + "/traces/metrics", body);

    internal static async Task<List<(Dictionary<string, string> Dims, Dictionary<string, double> Values)>> QueryAsync(TestServer s, object body)
    {
        var (status, json) = await QueryRawAsync(s, body);
        Assert.True(status == 200, $"traces/metrics answered {status}: {json?.ToJsonString()}");
        return (json?["data_points"]?.AsArray() ?? []).Select(p => (Map(p!["dimensions"]),
            (p!["values"]?.AsObject() ?? []).ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<double>()))).ToList();
    }

    /// <summary>MLflow's linear interpolation (numpy's default method).</summary>
    internal static double Percentile(double[] values, double p)
    {
        var sorted = values.Order().ToArray();
        var index = p / 100.0 * (sorted.Length - 1);
        var lower = (int)index;
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + (index - lower) * (sorted[upper] - sorted[lower]);
    }

    private static async Task<string> SeedAsync(TestServer s)
    {
        var exp = await s.CreateExperimentAsync(Api.Unique("tm"));
        static Dictionary<string, string> Tokens(string json) => new() { ["mlflow.trace.tokenUsage"] = json, ["mlflow.user"] = "u1" };
        await s.StartTraceAsync(exp, NewTraceId(), T0, 100, "OK", new Dictionary<string, string> { ["mlflow.traceName"] = "outer", ["flow"] = "alpha" },
            Tokens("{\"input_tokens\": 10, \"output_tokens\": 20, \"total_tokens\": 30}"));
        await s.StartTraceAsync(exp, NewTraceId(), T0 + 1000, 300, "ERROR", new Dictionary<string, string> { ["mlflow.traceName"] = "failing" },
            Tokens("{\"input_tokens\": 5, \"output_tokens\": 7, \"total_tokens\": 12}"));
        await s.StartTraceAsync(exp, NewTraceId(), T0 + 2000, null, "IN_PROGRESS", new Dictionary<string, string> { ["mlflow.traceName"] = "outer" });
        await s.StartTraceAsync(exp, NewTraceId(), T0 + Hour, 50, "OK", new Dictionary<string, string> { ["mlflow.traceName"] = "outer", ["flow"] = "alpha" },
            new Dictionary<string, string> { ["mlflow.trace.tokenUsage"] = "{\"input_tokens\": 1, \"total_tokens\": 1}" });
        await s.StartTraceAsync(exp, NewTraceId(), T0 + Hour + 5, 200, "OK");
        return exp;
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Trace_count_latency_and_tokens(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var exp = await SeedAsync(s);

        var count = await QueryAsync(s, new { experiment_ids = new[] { exp }, view_type = "TRACES", metric_name = "trace_count", aggregations = new[] { Agg("COUNT") } });
        var only = Assert.Single(count);
        Assert.Empty(only.Dims);
        Assert.Equal(new Dictionary<string, double> { ["COUNT"] = 5 }, only.Values);

        var byStatus = await QueryAsync(s, new { experiment_ids = new[] { exp }, view_type = "TRACES", metric_name = "trace_count",
            aggregations = new[] { Agg("COUNT") }, dimensions = new[] { "trace_status" } });
        Assert.Equal(["ERROR:1", "IN_PROGRESS:1", "OK:3"], byStatus.Select(p => $"{p.Dims["trace_status"]}:{p.Values["COUNT"]}"));

        var byName = await QueryAsync(s, new { experiment_ids = new[] { exp }, view_type = "TRACES", metric_name = "trace_count",
            aggregations = new[] { Agg("COUNT") }, dimensions = new[] { "trace_name" } });
        Assert.Equal(["failing:1", "outer:3"], byName.Select(p => $"{p.Dims["trace_name"]}:{p.Values["COUNT"]}"));

        // Latency skips the in-progress trace (no duration): 100, 300, 50, 200.
        double[] latencies = [100, 300, 50, 200];
        var latency = Assert.Single(await QueryAsync(s, new { experiment_ids = new[] { exp }, view_type = "TRACES", metric_name = "latency",
            aggregations = new[] { Agg("AVG"), Agg("PERCENTILE", 50), Agg("PERCENTILE", 90), Agg("PERCENTILE", 99.9) } }));
        Assert.Equal(162.5, latency.Values["AVG"]);
        Assert.Equal(150.0, latency.Values["P50.0"]);
        Assert.Equal(Percentile(latencies, 90), latency.Values["P90.0"]);
        Assert.Equal(Percentile(latencies, 99.9), latency.Values["P99.9"]);
        Assert.Equal(["AVG", "P50.0", "P90.0", "P99.9"], latency.Values.Keys);

        var latencyByName = await QueryAsync(s, new { experiment_ids = new[] { exp }, view_type = "TRACES", metric_name = "latency",
            aggregations = new[] { Agg("AVG"), Agg("PERCENTILE", 0) }, dimensions = new[] { "trace_name" } });
        Assert.Equal(["failing:300/300", "outer:75/50"], latencyByName.Select(p => $"{p.Dims["trace_name"]}:{p.Values["AVG"]}/{p.Values["P0.0"]}"));

        var input = Assert.Single(await QueryAsync(s, new { experiment_ids = new[] { exp }, view_type = "TRACES", metric_name = "input_tokens",
            aggregations = new[] { Agg("SUM"), Agg("AVG"), Agg("PERCENTILE", 100) } }));
        Assert.Equal(16, input.Values["SUM"]);
        Assert.Equal(16 / 3.0, input.Values["AVG"]);
        Assert.Equal(10, input.Values["P100.0"]);
        var output = Assert.Single(await QueryAsync(s, new { experiment_ids = new[] { exp }, view_type = "TRACES", metric_name = "output_tokens",
            aggregations = new[] { Agg("SUM") } }));
        Assert.Equal(27, output.Values["SUM"]);
        Assert.Empty(await QueryAsync(s, new { experiment_ids = new[] { exp }, view_type = "TRACES", metric_name = "cache_read_input_tokens",
            aggregations = new[] { Agg("SUM") } }));
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Json_shape_and_empty_experiments(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var exp = await SeedAsync(s);
        var (status, json) = await QueryRawAsync(s, new { experiment_ids = new[] { exp }, view_type = 1, metric_name = "trace_count",
            aggregations = new[] { new { aggregation_type = 1 } }, dimensions = new[] { "trace_status" }, max_results = 1 }, "/ajax-api/3.0/mlflow");
        Assert.Equal(200, status);
        Assert.Equal("{\"data_points\":[{\"metric_name\":\"trace_count\",\"dimensions\":{\"trace_status\":\"ERROR\"},\"values\":{\"COUNT\":1.0}}]}",
            json!.ToJsonString());

        // An aggregation asked for twice is one value (a dict key), kept where it first appeared; no dimensions, no "dimensions".
        var (_, twice) = await QueryRawAsync(s, new { experiment_ids = new[] { exp }, view_type = "TRACES", metric_name = "latency",
            aggregations = new[] { Agg("PERCENTILE", 50), Agg("AVG"), Agg("PERCENTILE", 50.0) } });
        Assert.Equal("{\"data_points\":[{\"metric_name\":\"latency\",\"values\":{\"P50.0\":150.0,\"AVG\":162.5}}]}", twice!.ToJsonString());

        // An unset aggregation_type is COUNT (proto2's default); with no traces COUNT is still one point of 0, AVG none.
        var empty = await s.CreateExperimentAsync(Api.Unique("tm-empty"));
        var zero = Assert.Single(await QueryAsync(s, new { experiment_ids = new[] { empty }, view_type = "TRACES", metric_name = "trace_count",
            aggregations = new[] { new { } } }));
        Assert.Equal(0, zero.Values["COUNT"]);
        var (_, none) = await QueryRawAsync(s, new { experiment_ids = new[] { empty }, view_type = "TRACES", metric_name = "latency",
            aggregations = new[] { Agg("AVG") } });
        Assert.Equal("{}", none!.ToJsonString());
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Time_buckets_range_filters_and_max_results(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var exp = await SeedAsync(s);
        object Body(string[]? dims = null, string[]? filters = null, long? interval = null, long? start = null, long? end = null, int? max = null) =>
            new
            {
                experiment_ids = new[] { exp }, view_type = "TRACES", metric_name = "trace_count", aggregations = new[] { Agg("COUNT") },
                dimensions = dims ?? [], filters = filters ?? [], time_interval_seconds = interval, start_time_ms = start, end_time_ms = end,
                max_results = max,
            };
        static string Row((Dictionary<string, string> Dims, Dictionary<string, double> Values) p) =>
            string.Join(",", p.Dims.Select(d => $"{d.Key}={d.Value}")) + ":" + p.Values["COUNT"];

        Assert.Equal(["time_bucket=2023-11-14T22:00:00+00:00:3", "time_bucket=2023-11-14T23:00:00+00:00:2"],
            (await QueryAsync(s, Body(interval: 3600, start: T0 - Hour, end: T0 + 2 * Hour))).Select(Row));
        Assert.Equal([
                "time_bucket=2023-11-14T22:00:00+00:00,trace_status=ERROR:1", "time_bucket=2023-11-14T22:00:00+00:00,trace_status=IN_PROGRESS:1",
                "time_bucket=2023-11-14T22:00:00+00:00,trace_status=OK:1", "time_bucket=2023-11-14T23:00:00+00:00,trace_status=OK:2",
            ],
            (await QueryAsync(s, Body(["trace_status"], interval: 3600, start: 0, end: T0 + 2 * Hour))).Select(Row));
        Assert.Equal(["time_bucket=2023-11-14T00:00:00+00:00:5"], (await QueryAsync(s, Body(interval: 86400, start: 0, end: T0 + 2 * Hour))).Select(Row));

        // A time range alone filters; time_interval_seconds 0 means no buckets.
        Assert.Equal([":2"], (await QueryAsync(s, Body(start: T0 + 500, end: T0 + 2500))).Select(Row));
        Assert.Equal([":4"], (await QueryAsync(s, Body(start: T0 + 500, interval: 0))).Select(Row));

        Assert.Equal([":3"], (await QueryAsync(s, Body(filters: ["trace.status = 'OK'"]))).Select(Row));
        Assert.Equal([":2"], (await QueryAsync(s, Body(filters: ["trace.tag.flow = \"alpha\""]))).Select(Row));
        Assert.Equal([":1"], (await QueryAsync(s, Body(filters: ["trace.tag.flow = 'alpha'", "trace.metadata.`mlflow.user` = 'u1'"]))).Select(Row));
        Assert.Equal(["trace_name=failing:1", "trace_name=outer:1"],
            (await QueryAsync(s, Body(["trace_name"], filters: ["trace.metadata.`mlflow.user` = 'u1'"]))).Select(Row));

        Assert.Equal(["trace_status=ERROR:1", "trace_status=IN_PROGRESS:1"], (await QueryAsync(s, Body(["trace_status"], max: 2))).Select(Row));
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Validation_errors(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var exp = await s.CreateExperimentAsync(Api.Unique("tm-err"));
        async Task Expect(object body, string message)
        {
            var reply = await QueryRawAsync(s, body);
            Api.AssertError(reply, 400, "INVALID_PARAMETER_VALUE");
            Assert.Equal(message, reply.Body!["message"]!.GetValue<string>());
        }
        object Body(string metric = "trace_count", object[]? aggs = null, string[]? dims = null, string[]? filters = null, long? interval = null) =>
            new { experiment_ids = new[] { exp }, view_type = "TRACES", metric_name = metric, aggregations = aggs ?? [Agg("COUNT")],
                dimensions = dims ?? [], filters = filters ?? [], time_interval_seconds = interval };

        await Expect(new { experiment_ids = new[] { exp }, view_type = "TRACES", aggregations = new[] { Agg("COUNT") } },
            "Missing value for required parameter 'metric_name'. See the API docs for more information about request parameters.");
        await Expect(new { experiment_ids = new[] { exp }, metric_name = "trace_count", aggregations = new[] { Agg("COUNT") } },
            "Missing value for required parameter 'view_type'. See the API docs for more information about request parameters.");
        await Expect(Body("bogus"), "metric_name must be one of ['trace_count', 'latency', 'input_tokens', 'output_tokens', 'total_tokens', " +
                                    "'cache_read_input_tokens', 'cache_creation_input_tokens'], got 'bogus'");
        await Expect(Body("latency", [Agg("SUM"), Agg("MAX"), Agg("AVG")]),
            "Found invalid aggregation_type(s): ['MAX', 'SUM']. Supported aggregation types: ['AVG', 'PERCENTILE']");
        await Expect(Body(aggs: [Agg("MIN")]), "Found invalid aggregation_type(s): ['MIN']. Supported aggregation types: ['COUNT']");
        await Expect(Body("latency", [Agg("AVG")], ["trace_status", "span_name"]),
            "Found invalid dimension(s): ['span_name', 'trace_status']. Supported dimensions: ['trace_name']");
        await Expect(Body(interval: 60), "start_time_ms and end_time_ms are required if time_interval_seconds is set");
        await Expect(Body("latency", [Agg("PERCENTILE")]), "Percentile value is required for PERCENTILE aggregation");
        await Expect(Body("latency", [Agg("PERCENTILE", 101)]), "Percentile value must be between 0 and 100, got 101.0");
        await Expect(Body(aggs: [Agg("COUNT", 5)]), "Percentile value is only allowed for PERCENTILE aggregation type, got COUNT");
        // Both reached the database as a 500 (NaN passes a `> 100 or < 0` test; PostgreSQL refuses LIMIT -1).
        await Expect(Body("latency", [new { aggregation_type = "PERCENTILE", percentile_value = "NaN" }]),
            "Percentile value must be between 0 and 100, got nan");
        await Expect(new { experiment_ids = new[] { exp }, view_type = "TRACES", metric_name = "trace_count", aggregations = new[] { Agg("COUNT") },
            max_results = -1 }, "Invalid value -1 for parameter 'max_results' supplied. It must be a positive integer");

        await Expect(Body(filters: ["span.name = 'x'"]), "Filtering by span is only supported for SPANS view type, got TRACES");
        await Expect(Body(filters: ["assessment.name = 'x'"]), "Filtering by assessment is only supported for ASSESSMENTS view type, got TRACES");
        await Expect(Body(filters: ["trace.status = 'OK' AND trace.status = 'ERROR'"]), "Invalid clause(s) in filter string: AND");
        await Expect(Body(filters: ["trace.status != 'OK'"]), "Invalid comparator: '!=', only '=' operator is supported");
        await Expect(Body(filters: ["trace.tag = 'x'"]), "Filtering by tag requires a key, e.g. 'trace.tag.<key> = <value>'");
        await Expect(Body(filters: ["trace.status.x = 'x'"]), "Filtering by status does not require a key, use 'trace.status' instead");
        await Expect(Body(filters: ["trace.foo = 'x'"]),
            "Invalid entity 'foo' specified for view type 'trace'. Valid entities are ['status', 'tag', 'metadata']");
        await Expect(Body(filters: ["run.status = 'x'"]), "Invalid view type 'run'. Valid values are dict_keys(['trace', 'span', 'assessment'])");
        await Expect(Body(filters: ["status = 'OK'"]),
            "Invalid identifier 'status'. Columns should be specified as 'trace.<key>', 'span.<key>', 'assessment.<key>'.");
        await Expect(Body(filters: ["trace.status = 5"]), "Expected a quoted string value for status value (e.g. 'my-value'). Got value 5");
    }
}
