using System.Text.Json.Nodes;
using static Sharpflow.Http.Tests.Tracing.OtlpPayload;
using static Sharpflow.Http.Tests.Tracing.TraceInfoApi;
using static Sharpflow.Http.Tests.Tracing.TraceMetricsTests;

namespace Sharpflow.Http.Tests.Tracing;

/// <summary>traces/metrics for the SPANS view (spans ingested over OTLP) and the ASSESSMENTS view (logged feedback and expectations).</summary>
public class TraceMetricsViewsTests(SharedServers servers) : IClassFixture<SharedServers>
{
    private const ulong T0Ns = 1_700_000_000_000_000_000; // 2023-11-14T22:13:20Z
    private const ulong Ms = 1_000_000;

    private static string Row((Dictionary<string, string> Dims, Dictionary<string, double> Values) p, string agg) =>
        string.Join(",", p.Dims.Select(d => d.Value)) + ":" + p.Values[agg];

    private static (string Key, object Value)[] Llm(string model, double input, double output) =>
    [
        ("mlflow.spanType", "LLM"), ("mlflow.llm.model", $"\"{model}\""), ("mlflow.llm.provider", "\"openai\""),
        ("mlflow.llm.cost", $"{{\"input_cost\": {input}, \"output_cost\": {output}, \"total_cost\": {input + output}}}"),
    ];

    private static async Task<string> SeedSpansAsync(TestServer s)
    {
        var exp = await s.CreateExperimentAsync(Api.Unique("tm-spans"));
        var seed = Random.Shared.Next();
        byte[] x = Id(16, seed), y = Id(16, seed + 1), root = Id(8, seed + 2);
        var payload = Request(
            new TestSpan(x, root, null, "agent", T0Ns, T0Ns + 1000 * Ms, [("mlflow.spanType", "CHAIN")]),
            new TestSpan(x, Id(8, seed + 3), root, "chat", T0Ns + 100 * Ms, T0Ns + 400 * Ms, Llm("gpt-4", 0.5, 1.0)),
            new TestSpan(x, Id(8, seed + 4), root, "chat", T0Ns + 500 * Ms, T0Ns + 700 * Ms, Llm("gpt-3.5", 0.25, 0.25), Status: 2),
            new TestSpan(y, Id(8, seed + 5), null, "chat", T0Ns + 2000 * Ms, T0Ns + 2500 * Ms, Llm("gpt-4", 0.5, 0.5)));
        Assert.Equal(200, (await PostAsync(s, payload, exp)).Status);
        return exp;
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Spans_view(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var exp = await SeedSpansAsync(s);
        object Body(string metric, object[] aggs, string[]? dims = null, string[]? filters = null, long? interval = null) => new
        {
            experiment_ids = new[] { exp }, view_type = "SPANS", metric_name = metric, aggregations = aggs, dimensions = dims ?? [],
            filters = filters ?? [], time_interval_seconds = interval, start_time_ms = interval is null ? (long?)null : 0,
            end_time_ms = interval is null ? (long?)null : 1_800_000_000_000,
        };
        async Task<string[]> Rows(object body, string agg) => (await QueryAsync(s, body)).Select(p => Row(p, agg)).ToArray();
        object[] count = [Agg("COUNT")];

        Assert.Equal([":4"], await Rows(Body("span_count", count), "COUNT"));
        Assert.Equal(["agent:1", "chat:3"], await Rows(Body("span_count", count, ["span_name"]), "COUNT"));
        Assert.Equal(["CHAIN:1", "LLM:3"], await Rows(Body("span_count", count, ["span_type"]), "COUNT"));
        Assert.Equal(["ERROR:1", "OK:3"], await Rows(Body("span_count", count, ["span_status"]), "COUNT"));
        // Spans without a model have no value for the dimension and are left out.
        Assert.Equal(["gpt-3.5:1", "gpt-4:2"], await Rows(Body("span_count", count, ["span_model_name"]), "COUNT"));
        Assert.Equal(["openai,LLM:3"], await Rows(Body("span_count", count, ["span_model_provider", "span_type"]), "COUNT"));
        Assert.Equal(["2023-11-14T22:00:00+00:00:4"], await Rows(Body("span_count", count, interval: 3600), "COUNT"));
        Assert.Equal([":3"], await Rows(Body("span_count", count, filters: ["span.type = 'LLM'"]), "COUNT"));
        Assert.Equal([":1"], await Rows(Body("span_count", count, filters: ["span.name = 'chat'", "span.status = 'ERROR'"]), "COUNT"));

        var latency = Assert.Single(await QueryAsync(s, Body("latency", [Agg("AVG"), Agg("PERCENTILE", 50)])));
        Assert.Equal(500, latency.Values["AVG"]);
        Assert.Equal(400, latency.Values["P50.0"]);
        var byName = await QueryAsync(s, Body("latency", [Agg("AVG"), Agg("PERCENTILE", 50)], ["span_name"]));
        Assert.Equal(["agent:1000/1000", $"chat:{1000 / 3.0}/300"], byName.Select(p => $"{p.Dims["span_name"]}:{p.Values["AVG"]}/{p.Values["P50.0"]}"));

        var cost = await QueryAsync(s, Body("total_cost", [Agg("SUM"), Agg("PERCENTILE", 75)], ["span_model_name"]));
        Assert.Equal(["gpt-3.5", "gpt-4"], cost.Select(p => p.Dims["span_model_name"]));
        Assert.Equal(0.5, cost[0].Values["SUM"]);
        Assert.Equal(2.5, cost[1].Values["SUM"]);
        Assert.Equal(Percentile([1.5, 1.0], 75), cost[1].Values["P75.0"]);
        Assert.Equal(1.25, Assert.Single(await QueryAsync(s, Body("input_cost", [Agg("SUM")]))).Values["SUM"]);

        var reply = await QueryRawAsync(s, Body("latency", [Agg("AVG")], ["span_type"]));
        Api.AssertError(reply, 400, "INVALID_PARAMETER_VALUE");
        Assert.Equal("Found invalid dimension(s): ['span_type']. Supported dimensions: ['span_name', 'span_status']", reply.Body!["message"]!.GetValue<string>());
        reply = await QueryRawAsync(s, Body("trace_count", count));
        Assert.Equal("metric_name must be one of ['span_count', 'latency', 'input_cost', 'output_cost', 'total_cost'], got 'trace_count'",
            reply.Body!["message"]!.GetValue<string>());
    }

    private static object Feedback(string traceId, string name, object value) => new
    {
        assessment = new
        {
            assessment_name = name, trace_id = traceId, source = new { source_type = "HUMAN", source_id = "alice" },
            create_time = "2024-05-06T07:08:09.123Z", last_update_time = "2024-05-06T07:08:09.123Z", feedback = new { value },
        },
    };

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Assessments_view(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var exp = await s.CreateExperimentAsync(Api.Unique("tm-assess"));
        string a = NewTraceId(), b = NewTraceId();
        await s.StartTraceAsync(exp, a, 1700000000000);
        await s.StartTraceAsync(exp, b, 1700000001000);
        async Task Log(string trace, object body) => await s.CallOkAsync(HttpMethod.Post, $"{V3}/traces/{trace}/assessments", body);
        await Log(a, Feedback(a, "correctness", true));
        await Log(a, Feedback(a, "relevance", 0.5));
        await Log(a, Feedback(a, "tone", "yes"));
        await Log(a, Feedback(a, "comment", "great"));
        await Log(b, Feedback(b, "correctness", false));
        await Log(b, Feedback(b, "relevance", 1));
        await Log(b, Feedback(b, "tone", "no"));
        await Log(b, new { assessment = new { assessment_name = "expected", trace_id = b, source = new { source_type = "HUMAN", source_id = "bob" },
            create_time = "2024-05-06T07:08:09.123Z", last_update_time = "2024-05-06T07:08:09.123Z",
            expectation = new { value = "Paris" } } });
        object Body(string metric, object[] aggs, string[]? dims = null, string[]? filters = null, long? interval = null) => new
        {
            experiment_ids = new[] { exp }, view_type = "ASSESSMENTS", metric_name = metric, aggregations = aggs, dimensions = dims ?? [],
            filters = filters ?? [], time_interval_seconds = interval, start_time_ms = interval is null ? (long?)null : 0,
            end_time_ms = interval is null ? (long?)null : 1_800_000_000_000,
        };
        async Task<string[]> Rows(object body, string agg) => (await QueryAsync(s, body)).Select(p => Row(p, agg)).ToArray();
        object[] count = [Agg("COUNT")];

        Assert.Equal([":8"], await Rows(Body("assessment_count", count), "COUNT"));
        Assert.Equal(["comment:1", "correctness:2", "expected:1", "relevance:2", "tone:2"], await Rows(Body("assessment_count", count, ["assessment_name"]), "COUNT"));
        Assert.Equal([":1"], await Rows(Body("assessment_count", count, filters: ["assessment.type = 'expectation'"]), "COUNT"));
        Assert.Equal(["false:1", "true:1"],
            await Rows(Body("assessment_count", count, ["assessment_value"], ["assessment.name = 'correctness'"]), "COUNT"));
        Assert.Equal(["\"no\":1", "\"yes\":1"], await Rows(Body("assessment_count", count, ["assessment_value"], ["assessment.name = 'tone'"]), "COUNT"));
        // The assessments were created in May 2024 (created_timestamp), whatever the trace times.
        Assert.Equal(["2024-05-06T00:00:00+00:00:8"], await Rows(Body("assessment_count", count, interval: 86400), "COUNT"));

        // Booleans and yes/no count as 1/0, numbers as themselves; other strings have no value (comment, expected).
        var values = await QueryAsync(s, Body("assessment_value", [Agg("AVG"), Agg("PERCENTILE", 50)], ["assessment_name"]));
        Assert.Equal(["correctness:0.5/0.5", "relevance:0.75/0.75", "tone:0.5/0.5"],
            values.Select(p => $"{p.Dims["assessment_name"]}:{p.Values["AVG"]}/{p.Values["P50.0"]}"));

        var reply = await QueryRawAsync(s, Body("assessment_count", count, filters: ["span.name = 'x'"]));
        Assert.Equal("Filtering by span is only supported for SPANS view type, got ASSESSMENTS", reply.Body!["message"]!.GetValue<string>());
    }
}
