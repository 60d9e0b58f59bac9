using static Sharpflow.Core.Tests.Tracing.Translation.TranslatedSpan;

namespace Sharpflow.Core.Tests.Tracing.Translation;

/// <summary>Traceloop/OpenLLMetry, Google ADK, Vercel AI SDK, VoltAgent, Laminar and Langfuse spans as MLflow 3.11 stores them.</summary>
public class AgentFrameworkTranslationTests
{
    [Fact]
    public void A_traceloop_workflow_span()
    {
        var span = Store(
            ("traceloop.span.kind", "workflow"),
            ("traceloop.entity.name", "joke_generator"),
            ("traceloop.entity.input", "{\"inputs\": {\"topic\": \"bears\"}, \"tags\": [], \"metadata\": {}, \"kwargs\": {}}"),
            ("traceloop.entity.output", "{\"outputs\": \"A bear walks into a bar\", \"kwargs\": {}}"));
        Assert.Equal("\"WORKFLOW\"", span["mlflow.spanType"]);
        Assert.Equal("{\"inputs\": {\"topic\": \"bears\"}, \"tags\": [], \"metadata\": {}, \"kwargs\": {}}", span["mlflow.spanInputs"]);
        Assert.Equal("{\"outputs\": \"A bear walks into a bar\", \"kwargs\": {}}", span["mlflow.spanOutputs"]);
    }

    [Theory]
    [InlineData("task", "\"TASK\"")]
    [InlineData("agent", "\"AGENT\"")]
    [InlineData("tool", "\"TOOL\"")]
    [InlineData("unknown", "\"UNKNOWN\"")]
    [InlineData("llm", null)]
    public void Traceloop_kinds(string kind, string? stored) => Assert.Equal(stored, Store(("traceloop.span.kind", kind))["mlflow.spanType"]);

    [Fact]
    public void An_openllmetry_llm_span_reads_indexed_prompts_and_legacy_token_names()
    {
        var span = Store(
            ("llm.request.type", "chat"),
            ("gen_ai.system", "OpenAI"),
            ("gen_ai.request.model", "gpt-4o"),
            ("gen_ai.response.model", "gpt-4o-2024-08-06"),
            ("gen_ai.prompt.0.role", "system"),
            ("gen_ai.prompt.0.content", ""),
            ("gen_ai.prompt.1.role", "user"),
            ("gen_ai.prompt.1.content", "Tell me a joke"),
            ("gen_ai.completion.0.role", "assistant"),
            ("gen_ai.completion.0.content", "Why did..."),
            ("gen_ai.usage.prompt_tokens", 9),
            ("gen_ai.usage.completion_tokens", 12),
            ("llm.usage.total_tokens", 21));
        Assert.Equal("\"LLM\"", span["mlflow.spanType"]); // from the request model (LiveKit's rule, which applies to any span)
        Assert.Equal("\"Tell me a joke\"", span["mlflow.spanInputs"]); // the first indexed prompt with a non-empty content
        Assert.Equal("\"Why did...\"", span["mlflow.spanOutputs"]);
        Assert.Equal("{\"input_tokens\": 9, \"output_tokens\": 12, \"total_tokens\": 21}", span["mlflow.chat.tokenUsage"]);
        Assert.Equal("\"gpt-4o-2024-08-06\"", span["mlflow.llm.model"]);
        Assert.Equal("\"OpenAI\"", span["mlflow.llm.provider"]);
    }

    [Fact]
    public void Indexed_keys_match_at_the_start_only_and_need_digits()
    {
        Assert.Equal("\"a\"", Store(("gen_ai.prompt.12.content_extra", "a"))["mlflow.spanInputs"]);
        Assert.Null(Store(("gen_ai.prompt.x.content", "a"))["mlflow.spanInputs"]);
        Assert.Equal("{\"city\": \"Paris\"}", Store(("gen_ai.completion.0.tool_calls.1.arguments", "{\"city\": \"Paris\"}"))["mlflow.spanInputs"]);
    }

    [Fact]
    public void Google_adk_request_and_response()
    {
        var span = Store(
            ("gen_ai.system", "gcp.vertex.agent"),
            ("gen_ai.request.model", "gemini-2.0-flash"),
            ("gcp.vertex.agent.llm_request", "{\"model\": \"gemini-2.0-flash\", \"contents\": [{\"role\": \"user\", \"parts\": [{\"text\": \"hi\"}]}]}"),
            ("gcp.vertex.agent.llm_response", "{\"content\": {\"role\": \"model\", \"parts\": [{\"text\": \"hello\"}]}}"));
        Assert.Equal("\"LLM\"", span["mlflow.spanType"]);
        Assert.Equal("{\"model\": \"gemini-2.0-flash\", \"contents\": [{\"role\": \"user\", \"parts\": [{\"text\": \"hi\"}]}]}", span["mlflow.spanInputs"]);
        Assert.Equal("{\"content\": {\"role\": \"model\", \"parts\": [{\"text\": \"hello\"}]}}", span["mlflow.spanOutputs"]);
        Assert.Equal("\"gemini-2.0-flash\"", span["mlflow.llm.model"]);
        Assert.Equal("\"gcp.vertex.agent\"", span["mlflow.llm.provider"]);
        var tool = Store(("gen_ai.operation.name", "execute_tool"), ("gcp.vertex.agent.tool_call_args", "{\"city\": \"Paris\"}"), ("gcp.vertex.agent.tool_response", "{\"temp\": 21}"));
        Assert.Equal("{\"city\": \"Paris\"}", tool["mlflow.spanInputs"]);
        Assert.Equal("{\"temp\": 21}", tool["mlflow.spanOutputs"]);
    }

    [Fact]
    public void A_vercel_chat_span_gathers_prompt_and_response_attributes()
    {
        var span = Store(
            ("ai.operationId", "ai.generateText.doGenerate"),
            ("ai.prompt.messages", """[{"role":"user","content":[{"type":"text","text":"What is the weather in SF?"}]}]"""),
            ("ai.prompt.tools", new object[] { """{"type":"function","name":"weather"}""" }),
            ("ai.prompt.toolChoice", """{"type":"auto"}"""),
            ("ai.response.toolCalls", """[{"toolCallId":"call_1","toolName":"weather","input":"{\"location\":\"SF\"}"}]"""),
            ("ai.response.finishReason", "tool-calls"),
            ("gen_ai.request.model", "gpt-4o"));
        Assert.Equal("\"LLM\"", span["mlflow.spanType"]);
        Assert.Equal(
            """{"messages": [{"role": "user", "content": [{"type": "text", "text": "What is the weather in SF?"}]}], "tools": [{"type": "function", "name": "weather"}], "toolChoice": {"type": "auto"}}""",
            span["mlflow.spanInputs"]);
        Assert.Equal(
            """{"toolCalls": [{"toolCallId": "call_1", "toolName": "weather", "input": "{\"location\":\"SF\"}"}], "finishReason": "tool-calls"}""",
            span["mlflow.spanOutputs"]);
        // Set while reading the inputs, as a plain (not JSON-encoded) string.
        Assert.Contains("\"mlflow.spanType\": \"\\\"LLM\\\"\", \"mlflow.message.format\": \"vercel_ai\", \"mlflow.spanInputs\": ", span.Stored.Content);
        Assert.Equal("\"gpt-4o\"", span["mlflow.llm.model"]);
    }

    [Fact]
    public void Vercel_sets_its_message_format_even_over_an_existing_one()
    {
        var span = Store(("ai.operationId", "ai.streamText.doStream"), ("mlflow.message.format", "openai"));
        Assert.Equal("vercel_ai", span["mlflow.message.format"]);
        Assert.False(span.Has("mlflow.spanInputs"));
    }

    [Fact]
    public void Vercel_calls_and_tools_use_their_plain_attributes()
    {
        var call = Store(("ai.operationId", "ai.generateText"), ("ai.prompt", """{"prompt":"Why is the sky blue?"}"""), ("ai.response.text", "Rayleigh scattering."));
        Assert.Equal("\"LLM\"", call["mlflow.spanType"]);
        Assert.Equal("""{"prompt":"Why is the sky blue?"}""", call["mlflow.spanInputs"]);
        Assert.Equal("\"Rayleigh scattering.\"", call["mlflow.spanOutputs"]);
        Assert.False(call.Has("mlflow.message.format"));
        var tool = Store(("ai.operationId", "ai.toolCall"), ("ai.toolCall.args", """{"location":"SF"}"""), ("ai.toolCall.result", """{"temperature":76}"""));
        Assert.Equal("\"TOOL\"", tool["mlflow.spanType"]);
        Assert.Equal("""{"location":"SF"}""", tool["mlflow.spanInputs"]);
        Assert.Equal("""{"temperature":76}""", tool["mlflow.spanOutputs"]);
        Assert.Equal("\"EMBEDDING\"", Store(("ai.operationId", "ai.embedMany"))["mlflow.spanType"]);
    }

    [Fact]
    public void A_voltagent_llm_span_prefers_span_type_over_the_inherited_entity_type()
    {
        var span = Store(
            ("entity.type", "agent"),
            ("span.type", "llm"),
            ("llm.messages", "[{\"role\": \"system\", \"content\": \"Be brief.\"}, {\"role\": \"user\", \"content\": \"Hi\"}]"),
            ("output", "Hello!"),
            ("usage.prompt_tokens", 20),
            ("usage.completion_tokens", 3),
            ("voltagent.operation_id", "op-1"));
        Assert.Equal("\"LLM\"", span["mlflow.spanType"]);
        Assert.Equal("[{\"role\": \"system\", \"content\": \"Be brief.\"}, {\"role\": \"user\", \"content\": \"Hi\"}]", span["mlflow.spanInputs"]);
        Assert.Equal("\"Hello!\"", span["mlflow.spanOutputs"]);
        Assert.Equal("{\"input_tokens\": 20, \"output_tokens\": 3, \"total_tokens\": 23}", span["mlflow.chat.tokenUsage"]);
        Assert.Equal("\"voltagent\"", span["mlflow.message.format"]);
        Assert.Equal("\"AGENT\"", Store(("entity.type", "agent"))["mlflow.spanType"]);
        Assert.Equal("\"MEMORY\"", Store(("span.type", "memory"))["mlflow.spanType"]);
    }

    [Fact]
    public void Voltagent_llm_usage_names_lose_to_traceloops_total()
    {
        // llm.usage.total_tokens is also Traceloop's total, and Traceloop is asked first: its usage is the total alone.
        var span = Store(("llm.usage.prompt_tokens", 5), ("llm.usage.completion_tokens", 1), ("llm.usage.total_tokens", 6));
        Assert.Equal("{\"total_tokens\": 6}", span["mlflow.chat.tokenUsage"]);
        Assert.Equal("{\"input_tokens\": 5, \"output_tokens\": 1, \"total_tokens\": 6}",
            Store(("llm.usage.prompt_tokens", 5), ("llm.usage.completion_tokens", 1))["mlflow.chat.tokenUsage"]);
    }

    [Fact]
    public void A_laminar_span_renders_as_openai_messages()
    {
        var span = Store(
            ("lmnr.span.type", "LLM"),
            ("lmnr.span.input", "[{\"role\": \"user\", \"content\": \"hi\"}]"),
            ("lmnr.span.output", "\"hello\""),
            ("gen_ai.usage.input_tokens", 4),
            ("gen_ai.usage.output_tokens", 2),
            ("gen_ai.request.model", "gpt-4o"),
            ("gen_ai.system", "openai"));
        Assert.Equal("\"LLM\"", span["mlflow.spanType"]);
        Assert.Equal("[{\"role\": \"user\", \"content\": \"hi\"}]", span["mlflow.spanInputs"]);
        Assert.Equal("\"hello\"", span["mlflow.spanOutputs"]); // already JSON of a string: stored once, not twice
        Assert.Equal("{\"input_tokens\": 4, \"output_tokens\": 2, \"total_tokens\": 6}", span["mlflow.chat.tokenUsage"]);
        Assert.Equal("\"openai\"", span["mlflow.message.format"]);
        Assert.Equal("\"gpt-4o\"", span["mlflow.llm.model"]);
        Assert.Equal("\"openai\"", span["mlflow.llm.provider"]);
        Assert.Equal("\"AGENT\"", Store(("lmnr.span.type", "EXECUTOR"))["mlflow.spanType"]);
        Assert.Equal("\"CHAIN\"", Store(("lmnr.span.type", "DEFAULT"))["mlflow.spanType"]);
    }

    [Fact]
    public void Langfuse_observations()
    {
        var span = Store(("langfuse.observation.type", "generation"), ("langfuse.observation.input", "{\"messages\": []}"), ("langfuse.observation.output", "done"));
        Assert.Equal("\"LLM\"", span["mlflow.spanType"]);
        Assert.Equal("{\"messages\": []}", span["mlflow.spanInputs"]);
        Assert.Equal("\"done\"", span["mlflow.spanOutputs"]);
        Assert.Equal("\"UNKNOWN\"", Store(("langfuse.observation.type", "span"))["mlflow.spanType"]);
        Assert.Equal("\"GUARDRAIL\"", Store(("langfuse.observation.type", "guardrail"))["mlflow.spanType"]);
    }
}
