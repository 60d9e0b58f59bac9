using System.Text;
using System.Text.Json.Nodes;
using static Sharpflow.Http.Tests.Tracing.OtlpPayload;
using static Sharpflow.Http.Tests.Tracing.TraceInfoApi;

namespace Sharpflow.Http.Tests.Tracing;

/// <summary>
/// Spans of other OpenTelemetry conventions through POST /v1/traces: MLflow's storage-time translation gives them span
/// types, inputs/outputs and token usage, and the trace's previews and token usage follow (traces/get, traces/search).
/// </summary>
public class OtlpTranslationTests
{
    private const ulong T0 = 1_700_000_000_000_000_000;

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task OpenInference_and_GenAI_traces_are_stored_as_MLflow_translates_them(Backend backend)
    {
        await using var s = await TestServer.StartAsync(backend);
        var exp = await s.CreateExperimentAsync("otel-conventions");

        // An OpenInference agent (protobuf): the root plans, two LLM calls report their token counts.
        var oiTrace = Id(16, 60);
        byte[] oiRoot = Id(8, 61), oiLlm1 = Id(8, 62), oiLlm2 = Id(8, 63);
        var openInference = Request(
            new TestSpan(oiTrace, oiRoot, null, "agent", T0, T0 + 900_000_000,
                [("openinference.span.kind", "AGENT"), ("input.value", "Plan a weekend in Paris"), ("output.value", "{\"plan\": \"Louvre, then lunch\"}")]),
            new TestSpan(oiTrace, oiLlm1, oiRoot, "ChatOpenAI", T0 + 100, T0 + 400_000_000,
                [("openinference.span.kind", "LLM"), ("input.value", "{\"messages\": [{\"role\": \"user\", \"content\": \"Plan a weekend in Paris\"}]}"),
                 ("llm.model_name", "gpt-4o-mini"), ("llm.provider", "openai"), ("llm.token_count.prompt", 120), ("llm.token_count.completion", 30)]),
            new TestSpan(oiTrace, oiLlm2, oiRoot, "ChatOpenAI", T0 + 500, T0 + 800_000_000,
                [("openinference.span.kind", "LLM"), ("llm.token_count.prompt", 80), ("llm.token_count.completion", 20), ("llm.token_count.total", 100)]));
        Assert.Equal(200, (await PostAsync(s, openInference, exp)).Status);

        // A GenAI semantic-conventions agent (OTLP/JSON): invoke_agent root, chat child with cache-read tokens.
        var genAiTrace = "5b8efff798038103d269b633813fc60c";
        var json = """
            {"resourceSpans": [{"scopeSpans": [{"spans": [
              {"traceId": "TRACE", "spanId": "eee19b7ec3c1b174", "name": "invoke_agent travel",
               "startTimeUnixNano": "1700000000000000000", "endTimeUnixNano": "1700000001000000000",
               "attributes": [
                 {"key": "gen_ai.operation.name", "value": {"stringValue": "invoke_agent"}},
                 {"key": "gen_ai.agent.name", "value": {"stringValue": "travel"}},
                 {"key": "gen_ai.input.messages", "value": {"stringValue": "[{\"role\": \"user\", \"parts\": [{\"type\": \"text\", \"content\": \"Book a table\"}]}]"}},
                 {"key": "gen_ai.output.messages", "value": {"stringValue": "[{\"role\": \"assistant\", \"parts\": [{\"type\": \"text\", \"content\": \"Booked for 8pm\"}]}]"}}],
               "status": {"code": "STATUS_CODE_OK"}},
              {"traceId": "TRACE", "spanId": "eee19b7ec3c1b175", "parentSpanId": "eee19b7ec3c1b174", "name": "chat gpt-4o",
               "startTimeUnixNano": "1700000000100000000", "endTimeUnixNano": "1700000000900000000",
               "attributes": [
                 {"key": "gen_ai.operation.name", "value": {"stringValue": "chat"}},
                 {"key": "gen_ai.provider.name", "value": {"stringValue": "openai"}},
                 {"key": "gen_ai.request.model", "value": {"stringValue": "gpt-4o"}},
                 {"key": "gen_ai.usage.input_tokens", "value": {"intValue": "100"}},
                 {"key": "gen_ai.usage.output_tokens", "value": {"intValue": "20"}},
                 {"key": "gen_ai.usage.cache_read.input_tokens", "value": {"intValue": "60"}}],
               "status": {"code": "STATUS_CODE_OK"}}]}]}]}
            """.Replace("TRACE", genAiTrace);
        Assert.Equal(200, (await PostAsync(s, Encoding.UTF8.GetBytes(json), exp, "application/json")).Status);

        var oi = await GetTraceAsync(s, "tr-" + Convert.ToHexStringLower(oiTrace));
        var oiSpans = oi["spans"]!.AsArray();
        Assert.Equal(["AGENT", "LLM", "LLM"], oiSpans.Select(sp => Attribute(sp!, "mlflow.spanType")!["string_value"]!.GetValue<string>()));
        Assert.Equal("Plan a weekend in Paris", Attribute(oiSpans[0]!, "mlflow.spanInputs")!["string_value"]!.GetValue<string>());
        Assert.Equal("Louvre, then lunch", Attribute(oiSpans[0]!, "mlflow.spanOutputs")!["kvlist_value"]!["values"]![0]!["value"]!["string_value"]!.GetValue<string>());
        Assert.Equal("gpt-4o-mini", Attribute(oiSpans[1]!, "mlflow.llm.model")!["string_value"]!.GetValue<string>());
        var oiInfo = oi["trace_info"]!;
        Assert.Equal("\"Plan a weekend in Paris\"", oiInfo["request_preview"]!.GetValue<string>());
        Assert.Equal("{\"plan\": \"Louvre, then lunch\"}", oiInfo["response_preview"]!.GetValue<string>());
        Assert.Equal("{\"input_tokens\": 200, \"output_tokens\": 50, \"total_tokens\": 250}", oiInfo["trace_metadata"]!["mlflow.trace.tokenUsage"]!.GetValue<string>());

        var genAi = await GetTraceAsync(s, "tr-" + genAiTrace);
        var genAiSpans = genAi["spans"]!.AsArray();
        Assert.Equal(["AGENT", "CHAT_MODEL"], genAiSpans.Select(sp => Attribute(sp!, "mlflow.spanType")!["string_value"]!.GetValue<string>()));
        Assert.Equal("Book a table", Attribute(genAiSpans[0]!, "mlflow.spanInputs")!["array_value"]!["values"]![0]!["kvlist_value"]!["values"]![1]!
            ["value"]!["array_value"]!["values"]![0]!["kvlist_value"]!["values"]![1]!["value"]!["string_value"]!.GetValue<string>());
        Assert.Equal("openai", Attribute(genAiSpans[1]!, "mlflow.llm.provider")!["string_value"]!.GetValue<string>());
        var genAiInfo = genAi["trace_info"]!;
        Assert.Equal("[{\"role\": \"user\", \"parts\": [{\"type\": \"text\", \"content\": \"Book a table\"}]}]", genAiInfo["request_preview"]!.GetValue<string>());
        Assert.Equal("{\"input_tokens\": 100, \"output_tokens\": 20, \"total_tokens\": 120, \"cache_read_input_tokens\": 60}",
            genAiInfo["trace_metadata"]!["mlflow.trace.tokenUsage"]!.GetValue<string>());

        // traces/search hands out the same trace infos.
        var (status, found) = await s.SearchRawAsync([exp]);
        Assert.Equal(200, status);
        var usage = found!["traces"]!.AsArray().ToDictionary(t => t!["trace_id"]!.GetValue<string>(),
            t => t!["trace_metadata"]!["mlflow.trace.tokenUsage"]!.GetValue<string>());
        Assert.Equal(oiInfo["trace_metadata"]!["mlflow.trace.tokenUsage"]!.GetValue<string>(), usage["tr-" + Convert.ToHexStringLower(oiTrace)]);
        Assert.Equal(genAiInfo["trace_metadata"]!["mlflow.trace.tokenUsage"]!.GetValue<string>(), usage["tr-" + genAiTrace]);
    }

    private static async Task<JsonNode> GetTraceAsync(TestServer s, string traceId)
    {
        var (status, body) = await s.GetAsync($"/api/3.0/mlflow/traces/get?trace_id={traceId}&allow_partial=false");
        Assert.True(status == 200, $"traces/get answered {status}: {body?.ToJsonString()}");
        return body!["trace"]!;
    }

    /// <summary>The AnyValue of a span attribute in traces/get's OTel JSON.</summary>
    private static JsonNode? Attribute(JsonNode span, string key) =>
        span["attributes"]!.AsArray().FirstOrDefault(a => a!["key"]!.GetValue<string>() == key)?["value"];
}
