using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using static Sharpflow.Http.Tests.Tracing.OtlpPayload;

namespace Sharpflow.Http.Tests.Tracing;

/// <summary>POST /v1/traces end to end on both backends, read back through traces/get and batchGet.</summary>
public class OtlpIngestTests
{
    private const ulong T0 = 1_700_000_000_000_000_000;

    private static async Task<JsonNode> GetTraceAsync(TestServer s, string traceId, bool allowPartial = true)
    {
        var (status, body) = await s.GetAsync($"/api/3.0/mlflow/traces/get?trace_id={traceId}&allow_partial={(allowPartial ? "true" : "false")}");
        Assert.True(status == 200, $"traces/get answered {status}: {body?.ToJsonString()}");
        return body!["trace"]!;
    }

    private static string TraceId(byte[] otel) => "tr-" + Convert.ToHexStringLower(otel);

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Spans_from_the_OpenTelemetry_SDK_exporter_become_one_trace(Backend backend)
    {
        await using var s = await TestServer.StartAsync(backend);
        var exp = await s.CreateExperimentAsync("otel-sdk");
        using var source = new ActivitySource("sharpflow-tests");
        string otelTraceId;
        using (var provider = Sdk.CreateTracerProviderBuilder()
                   .AddSource("sharpflow-tests")
                   .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService("sdk-test"))
                   .AddOtlpExporter(o =>
                   {
                       o.Endpoint = new Uri(s.Client.BaseAddress!, "/v1/traces");
                       o.Protocol = OtlpExportProtocol.HttpProtobuf;
                       o.Headers = $"x-mlflow-experiment-id={exp}";
                       o.ExportProcessorType = ExportProcessorType.Simple;
                   })
                   .Build())
        {
            using (var root = source.StartActivity("root")!)
            {
                root.SetTag("mlflow.spanInputs", "{\"q\": \"hello\"}");
                root.SetTag("mlflow.spanOutputs", "{\"a\": \"world\"}");
                root.SetTag("count", 3L);
                using (var child = source.StartActivity("child")!)
                {
                    child.SetTag("mlflow.spanType", "LLM");
                    child.SetStatus(ActivityStatusCode.Error, "boom");
                }
                otelTraceId = root.TraceId.ToHexString();
                root.SetStatus(ActivityStatusCode.Ok);
            }
            provider.ForceFlush();
        }
        var trace = await GetTraceAsync(s, "tr-" + otelTraceId, allowPartial: false);
        var info = trace["trace_info"]!;
        Assert.Equal("OK", info["state"]!.GetValue<string>());
        Assert.Equal("TRACKING_STORE", info["tags"]!["mlflow.trace.spansLocation"]!.GetValue<string>());
        Assert.Equal("{\"q\": \"hello\"}", info["request_preview"]!.GetValue<string>());
        Assert.Equal("{\"a\": \"world\"}", info["response_preview"]!.GetValue<string>());
        var spans = trace["spans"]!.AsArray();
        Assert.Equal(["root", "child"], spans.Select(x => x!["name"]!.GetValue<string>()));
        var rootAttrs = spans[0]!["attributes"]!.AsArray();
        Assert.Equal("tr-" + otelTraceId, rootAttrs[0]!["value"]!["string_value"]!.GetValue<string>());
        Assert.Equal("hello", rootAttrs.First(a => a!["key"]!.GetValue<string>() == "mlflow.spanInputs")!["value"]!["kvlist_value"]!["values"]![0]!["value"]!["string_value"]!.GetValue<string>());
        Assert.Equal(3, rootAttrs.First(a => a!["key"]!.GetValue<string>() == "count")!["value"]!["int_value"]!.GetValue<long>());
        Assert.Equal("boom", spans[1]!["status"]!["message"]!.GetValue<string>());
        Assert.Equal("STATUS_CODE_ERROR", spans[1]!["status"]!["code"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Children_before_parents_over_several_requests_end_as_one_trace(Backend backend)
    {
        await using var s = await TestServer.StartAsync(backend);
        var exp = await s.CreateExperimentAsync("out-of-order");
        var tid = Id(16, 1);
        byte[] root = Id(8, 2), mid = Id(8, 3), leaf = Id(8, 4);
        var usage = new Dictionary<string, object> { ["input_tokens"] = 10, ["output_tokens"] = 5, ["total_tokens"] = 15 };
        // leaf first, alone
        Assert.Equal(200, (await PostAsync(s, Request(new TestSpan(tid, leaf, mid, "leaf", T0 + 300, T0 + 400_000_000,
            [("mlflow.chat.tokenUsage", usage), ("session.id", "s-1")])), exp)).Status);
        var partial = await GetTraceAsync(s, TraceId(tid));
        Assert.Equal("IN_PROGRESS", partial["trace_info"]!["state"]!.GetValue<string>());
        // then the middle span and, in another request, the root (which starts earliest)
        Assert.Equal(200, (await PostAsync(s, Request(new TestSpan(tid, mid, root, "mid", T0 + 200, T0 + 500_000_000,
            [("mlflow.chat.tokenUsage", usage)])), exp)).Status);
        Assert.Equal(200, (await PostAsync(s, Request(new TestSpan(tid, root, null, "root", T0, T0 + 900_000_000,
            [("mlflow.spanInputs", new Dictionary<string, object> { ["x"] = 1 })], Status: 2, StatusMessage: "failed")), exp)).Status);

        var trace = await GetTraceAsync(s, TraceId(tid), allowPartial: false);
        var info = trace["trace_info"]!;
        Assert.Equal("ERROR", info["state"]!.GetValue<string>());
        Assert.Equal("2023-11-14T22:13:20Z", info["request_time"]!.GetValue<string>());
        Assert.Equal("0.900s", info["execution_duration"]!.GetValue<string>());
        Assert.Equal("{\"input_tokens\": 20, \"output_tokens\": 10, \"total_tokens\": 30}", info["trace_metadata"]!["mlflow.trace.tokenUsage"]!.GetValue<string>());
        Assert.Equal("\"s-1\"", info["trace_metadata"]!["mlflow.trace.session"]!.GetValue<string>());
        Assert.Equal("{\"x\": 1}", info["request_preview"]!.GetValue<string>());
        Assert.Equal(["root", "mid", "leaf"], trace["spans"]!.AsArray().Select(x => x!["name"]!.GetValue<string>()));
        Assert.Equal(Convert.ToBase64String(root), trace["spans"]![1]!["parent_span_id"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Duplicate_span_ids_missing_parents_and_many_traces_in_one_request(Backend backend)
    {
        await using var s = await TestServer.StartAsync(backend);
        var exp = await s.CreateExperimentAsync("dups");
        var t1 = Id(16, 10);
        var t2 = Id(16, 11);
        var span = Id(8, 12);
        var body = Request(
            new TestSpan(t1, span, null, "first", T0, T0 + 1000, [("v", 1)]),
            new TestSpan(t2, Id(8, 13), Id(8, 99), "orphan", T0, T0 + 1000, []),
            new TestSpan(t1, span, null, "second", T0, T0 + 2000, [("v", 2)]));
        Assert.Equal(200, (await PostAsync(s, body, exp)).Status);
        // the same request again is an idempotent upsert
        Assert.Equal(200, (await PostAsync(s, body, exp)).Status);
        var one = await GetTraceAsync(s, TraceId(t1));
        var spans = one["spans"]!.AsArray();
        Assert.Single(spans);
        Assert.Equal("second", spans[0]!["name"]!.GetValue<string>());
        var orphan = await GetTraceAsync(s, TraceId(t2));
        Assert.Equal("IN_PROGRESS", orphan["trace_info"]!["state"]!.GetValue<string>());
        Assert.Equal(Convert.ToBase64String(Id(8, 99)), orphan["spans"]![0]!["parent_span_id"]!.GetValue<string>());

        var (status, batch) = await s.GetAsync($"/api/3.0/mlflow/traces/batchGet?trace_ids={TraceId(t2)}&trace_ids={TraceId(t1)}&trace_ids=tr-unknown");
        Assert.Equal(200, status);
        Assert.Equal([TraceId(t2), TraceId(t1)], batch!["traces"]!.AsArray().Select(t => t!["trace_info"]!["trace_id"]!.GetValue<string>()));
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Huge_attributes_gzip_and_json_bodies(Backend backend)
    {
        await using var s = await TestServer.StartAsync(backend);
        var exp = await s.CreateExperimentAsync("bodies");
        var big = new string('é', 2_000_000);
        var tid = Id(16, 20);
        var gz = Gzip(Request(new TestSpan(tid, Id(8, 21), null, "big", T0, T0 + 5, [("mlflow.spanOutputs", big), ("ünï", "☃")])));
        Assert.Equal(200, (await PostAsync(s, gz, exp, encoding: "gzip")).Status);
        var trace = await GetTraceAsync(s, TraceId(tid));
        var attrs = trace["spans"]![0]!["attributes"]!.AsArray();
        Assert.Equal(big, attrs.First(a => a!["key"]!.GetValue<string>() == "mlflow.spanOutputs")!["value"]!["string_value"]!.GetValue<string>());
        Assert.Equal("☃", attrs.First(a => a!["key"]!.GetValue<string>() == "ünï")!["value"]!["string_value"]!.GetValue<string>());
        // The preview is of the stored JSON text (quotes included), cut to 1000 code points.
        Assert.Equal("\"" + new string('é', 996) + "...", trace["trace_info"]!["response_preview"]!.GetValue<string>());

        // OTLP/JSON: camelCase, hex ids, int64 as strings
        var jsonTrace = "0af7651916cd43dd8448eb211c80319d";
        var json = """
            {"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "TRACE", "spanId": "b7ad6b7169203331",
              "name": "json-root", "startTimeUnixNano": "1700000000000000000", "endTimeUnixNano": "1700000000500000000",
              "attributes": [{"key": "n", "value": {"intValue": "42"}}, {"key": "l", "value": {"arrayValue": {"values": [{"boolValue": true}]}}}],
              "status": {"code": "STATUS_CODE_OK"}}]}]}]}
            """.Replace("TRACE", jsonTrace);
        Assert.Equal(200, (await PostAsync(s, Encoding.UTF8.GetBytes(json), exp, "application/json")).Status);
        var fromJson = await GetTraceAsync(s, "tr-" + jsonTrace);
        Assert.Equal("OK", fromJson["trace_info"]!["state"]!.GetValue<string>());
        Assert.Equal(Convert.ToBase64String(Convert.FromHexString("b7ad6b7169203331")), fromJson["spans"]![0]!["span_id"]!.GetValue<string>());
        Assert.Equal(42, fromJson["spans"]![0]!["attributes"]![1]!["value"]!["int_value"]!.GetValue<long>());
        Assert.True(fromJson["spans"]![0]!["attributes"]![2]!["value"]!["array_value"]!["values"]![0]!["bool_value"]!.GetValue<bool>());
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Bad_requests_answer_like_MLflow_and_store_nothing(Backend backend)
    {
        await using var s = await TestServer.StartAsync(backend);
        var exp = await s.CreateExperimentAsync("bad");
        var tid = Id(16, 30);
        var good = Request(new TestSpan(tid, Id(8, 31), null, "r", T0, T0 + 1, []));

        var (status, body) = await PostAsync(s, good, null);
        Assert.Equal(422, status);
        Assert.Contains("\"missing\"", body);
        (status, body) = await PostAsync(s, good, exp, "text/plain");
        Assert.Equal((400, "{\"detail\":\"Invalid Content-Type: text/plain. Expected: application/x-protobuf or application/json\"}"), (status, body));
        // valid prefix, then a truncated second span: nothing of the request is stored
        var truncated = good.Concat(Request(new TestSpan(Id(16, 32), Id(8, 33), null, "x", T0, T0, []))[..^3]).ToArray();
        (status, body) = await PostAsync(s, truncated, exp);
        Assert.Equal((400, "{\"detail\":\"Invalid OpenTelemetry format\"}"), (status, body));
        (status, body) = await PostAsync(s, [], exp);
        Assert.Equal((400, "{\"detail\":\"Invalid OpenTelemetry format - no spans found\"}"), (status, body));
        (status, body) = await PostAsync(s, good, exp, encoding: "gzip");
        Assert.Equal((400, "{\"detail\":\"Failed to decompress gzip payload\"}"), (status, body));
        (status, body) = await PostAsync(s, Request(new TestSpan(tid, [], null, "r", T0, T0 + 1, [])), exp);
        Assert.Equal((422, "{\"detail\":\"Cannot convert OpenTelemetry span to MLflow span\"}"), (status, body));
        (status, body) = await PostAsync(s, good, "123456");
        Assert.Equal(404, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", JsonNode.Parse(body)!["error_code"]!.GetValue<string>());

        var (getStatus, _) = await s.GetAsync($"/api/3.0/mlflow/traces/get?trace_id={TraceId(tid)}&allow_partial=true");
        Assert.Equal(404, getStatus);
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task A_50000_span_trace_is_ingested_and_fetched(Backend backend)
    {
        await using var s = await TestServer.StartAsync(backend);
        var exp = await s.CreateExperimentAsync("big-trace");
        var tid = Id(16, 40);
        const int total = 50_000, perRequest = 1000;
        byte[] SpanId(int i) => BitConverter.GetBytes((ulong)i + 1).Reverse().ToArray();
        // children first: the root (span 0) comes in the last request
        for (var start = total - perRequest; start >= 0; start -= perRequest)
        {
            var spans = Enumerable.Range(start, perRequest).Select(i => new TestSpan(tid, SpanId(i), i == 0 ? null : SpanId((i - 1) / 2),
                $"s{i}", T0 + (ulong)i, T0 + (ulong)i + 1000, [("mlflow.spanType", "CHAIN"), ("i", i)])).ToArray();
            var (status, body) = await PostAsync(s, Request(spans), exp);
            Assert.True(status == 200, body);
        }
        var res = await s.Client.GetAsync($"/api/3.0/mlflow/traces/get?trace_id={TraceId(tid)}&allow_partial=false");
        Assert.Equal(200, (int)res.StatusCode);
        var trace = JsonNode.Parse(await res.Content.ReadAsStreamAsync())!["trace"]!;
        var fetched = trace["spans"]!.AsArray();
        Assert.Equal(total, fetched.Count);
        Assert.Equal("s0", fetched[0]!["name"]!.GetValue<string>());
        Assert.Equal("s49999", fetched[^1]!["name"]!.GetValue<string>());
        Assert.Equal("OK", trace["trace_info"]!["state"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Trace_artifact_download_serves_spans_from_the_database(Backend backend)
    {
        await using var s = await TestServer.StartAsync(backend);
        var exp = await s.CreateExperimentAsync("artifact");
        var tid = Id(16, 50);
        Assert.Equal(200, (await PostAsync(s, Request(new TestSpan(tid, Id(8, 51), null, "r", T0, T0 + 7, [("k", "v")])), exp)).Status);
        var res = await s.Client.GetAsync($"/ajax-api/2.0/mlflow/get-trace-artifact?request_id={TraceId(tid)}");
        Assert.Equal(200, (int)res.StatusCode);
        Assert.Equal("attachment; filename=traces.json", res.Content.Headers.ContentDisposition!.ToString());
        var data = JsonNode.Parse(await res.Content.ReadAsStringAsync())!;
        var span = data["spans"]![0]!;
        Assert.Equal(Convert.ToBase64String(tid), span["trace_id"]!.GetValue<string>());
        Assert.Equal("\"v\"", span["attributes"]!["k"]!.GetValue<string>());
        Assert.Equal("STATUS_CODE_OK", span["status"]!["code"]!.GetValue<string>());
        var missing = await s.Client.GetAsync("/ajax-api/3.0/mlflow/get-trace-artifact");
        Assert.Equal(400, (int)missing.StatusCode);
    }
}
