using static Sharpflow.Core.Tests.Tracing.Translation.TranslatedSpan;

namespace Sharpflow.Core.Tests.Tracing.Translation;

/// <summary>The OpenTelemetry GenAI semantic conventions and the conventions built on them: Gemini CLI, Spring AI, LiveKit.</summary>
public class GenAiTranslationTests
{
    [Fact]
    public void A_genai_chat_span_gets_every_field_including_cache_tokens_and_tools()
    {
        var span = Store(
            ("gen_ai.operation.name", "chat"),
            ("gen_ai.provider.name", "openai"),
            ("gen_ai.request.model", "gpt-4o"),
            ("gen_ai.response.model", "gpt-4o-2024-08-06"),
            ("gen_ai.usage.input_tokens", 100),
            ("gen_ai.usage.output_tokens", 20),
            ("gen_ai.usage.cache_read.input_tokens", 80),
            ("gen_ai.usage.cache_creation.input_tokens", 5),
            ("gen_ai.input.messages", "[{\"role\": \"user\", \"parts\": [{\"type\": \"text\", \"content\": \"Weather in Paris?\"}]}]"),
            ("gen_ai.output.messages", "[{\"role\": \"assistant\", \"parts\": [{\"type\": \"text\", \"content\": \"Sunny.\"}]}]"),
            ("gen_ai.tool.definitions", "[{\"type\": \"function\", \"name\": \"get_weather\"}]"));

        Assert.Equal(
            ["mlflow.spanType", "mlflow.spanInputs", "mlflow.spanOutputs", "mlflow.chat.tokenUsage", "mlflow.chat.tools", "mlflow.llm.model", "mlflow.llm.provider"],
            span.Keys.Where(k => k.StartsWith("mlflow.", StringComparison.Ordinal) && k != "mlflow.traceRequestId"));
        Assert.Equal("\"CHAT_MODEL\"", span["mlflow.spanType"]);
        Assert.Equal("[{\"role\": \"user\", \"parts\": [{\"type\": \"text\", \"content\": \"Weather in Paris?\"}]}]", span["mlflow.spanInputs"]);
        Assert.Equal("[{\"role\": \"assistant\", \"parts\": [{\"type\": \"text\", \"content\": \"Sunny.\"}]}]", span["mlflow.spanOutputs"]);
        Assert.Equal("{\"input_tokens\": 100, \"output_tokens\": 20, \"total_tokens\": 120, \"cache_read_input_tokens\": 80, \"cache_creation_input_tokens\": 5}",
            span["mlflow.chat.tokenUsage"]);
        Assert.Equal("[{\"type\": \"function\", \"name\": \"get_weather\"}]", span["mlflow.chat.tools"]);
        Assert.Equal("\"gpt-4o-2024-08-06\"", span["mlflow.llm.model"]); // the response model before the request model
        Assert.Equal("\"openai\"", span["mlflow.llm.provider"]);
    }

    [Theory]
    [InlineData("chat", "\"CHAT_MODEL\"")]
    [InlineData("create_agent", "\"AGENT\"")]
    [InlineData("invoke_agent", "\"AGENT\"")]
    [InlineData("embeddings", "\"EMBEDDING\"")]
    [InlineData("execute_tool", "\"TOOL\"")]
    [InlineData("generate_content", "\"LLM\"")]
    [InlineData("text_completion", "\"LLM\"")]
    [InlineData("response", "\"LLM\"")]
    [InlineData("Invoke_Agent", "\"AGENT\"")] // LiveKit's reading of the operation is case-insensitive
    [InlineData("invo\u212Ae_agent", "\"AGENT\"")] // ... with Python's lower(), which maps the Kelvin sign to k
    [InlineData("summarize", null)]
    public void Operation_names_map_to_span_types(string operation, string? stored) =>
        Assert.Equal(stored, Store(("gen_ai.operation.name", operation))["mlflow.spanType"]);

    [Fact]
    public void Any_span_with_a_request_model_and_no_earlier_type_is_an_llm_span()
    {
        Assert.Equal("\"LLM\"", Store(("gen_ai.request.model", "gpt-4o"))["mlflow.spanType"]);
        Assert.Equal("\"LLM\"", Store(("gen_ai.operation.name", "summarize"), ("gen_ai.request.model", "gpt-4o"))["mlflow.spanType"]);
    }

    [Fact]
    public void Tool_calls_and_the_older_system_attribute()
    {
        var tool = Store(("gen_ai.operation.name", "execute_tool"), ("gen_ai.tool.call.arguments", "{\"city\": \"Paris\"}"), ("gen_ai.tool.call.result", "{\"temperature\": 21}"));
        Assert.Equal("\"TOOL\"", tool["mlflow.spanType"]);
        Assert.Equal("{\"city\": \"Paris\"}", tool["mlflow.spanInputs"]);
        Assert.Equal("{\"temperature\": 21}", tool["mlflow.spanOutputs"]);
        // gen_ai.system is Traceloop's provider name; GenAI's own is gen_ai.provider.name.
        Assert.Equal("\"anthropic\"", Store(("gen_ai.operation.name", "invoke_agent"), ("gen_ai.system", "anthropic"))["mlflow.llm.provider"]);
        Assert.Equal("{\"input_tokens\": 7}", Store(("gen_ai.usage.input_tokens", 7))["mlflow.chat.tokenUsage"]);
    }

    [Fact]
    public void Gemini_cli_messages_are_wrapped_for_the_gemini_chat_view()
    {
        var span = Store(
            ("gen_ai.agent.name", "gemini-cli"),
            ("gen_ai.operation.name", "llm_call"),
            ("gen_ai.request.model", "gemini-2.5-pro"),
            ("gen_ai.input.messages", "[{\"role\": \"user\", \"parts\": [{\"text\": \"hi\"}]}]"),
            ("gen_ai.output.messages", "[{\"role\": \"model\", \"parts\": [{\"text\": \"Hel\"}]}, {\"role\": \"model\", \"parts\": [{\"text\": \"lo\"}]}]"),
            ("gen_ai.usage.input_tokens", 10),
            ("gen_ai.usage.output_tokens", 2));
        Assert.Equal("\"LLM\"", span["mlflow.spanType"]);
        Assert.Equal("{\"contents\": [{\"role\": \"user\", \"parts\": [{\"text\": \"hi\"}]}]}", span["mlflow.spanInputs"]);
        Assert.Equal("{\"candidates\": [{\"content\": {\"role\": \"model\", \"parts\": [{\"text\": \"Hel\"}, {\"text\": \"lo\"}]}}]}", span["mlflow.spanOutputs"]);
        Assert.Equal("\"gemini\"", span["mlflow.message.format"]);
        Assert.Equal("{\"input_tokens\": 10, \"output_tokens\": 2, \"total_tokens\": 12}", span["mlflow.chat.tokenUsage"]);
        Assert.Equal("\"gemini-2.5-pro\"", span["mlflow.llm.model"]);
    }

    [Fact]
    public void Gemini_cli_wrapping_uses_plain_json_dumps_and_only_applies_to_gemini_cli()
    {
        // A plain-string prompt is wrapped as is, with json.dumps' ASCII escapes; system_prompt has no span type.
        var prompt = Store(("gen_ai.agent.name", "gemini-cli"), ("gen_ai.operation.name", "system_prompt"), ("gen_ai.input.messages", "Ça va"));
        Assert.Equal("{\"contents\": \"\\u00c7a va\"}", prompt["mlflow.spanInputs"]);
        Assert.False(prompt.Has("mlflow.spanType"));
        var other = Store(("gen_ai.agent.name", "other"), ("gen_ai.operation.name", "llm_call"), ("gen_ai.input.messages", "[{\"role\": \"user\"}]"));
        Assert.False(other.Has("mlflow.spanType"));
        Assert.False(other.Has("mlflow.message.format"));
        Assert.Equal("[{\"role\": \"user\"}]", other["mlflow.spanInputs"]);
    }

    [Fact]
    public void Spring_ai_prompt_and_completion_events_are_stored_unencoded()
    {
        var span = Store(
            [("gen_ai.operation.name", "chat"), ("gen_ai.system", "openai"), ("gen_ai.request.model", "gpt-4o"),
             ("gen_ai.usage.input_tokens", 10), ("gen_ai.usage.output_tokens", 5)],
            [Event("gen_ai.content.prompt", ("gen_ai.prompt", "Tell me a joke")),
             Event("gen_ai.content.completion", ("gen_ai.completion", "Why did the chicken cross the road?"))],
            root: true);
        Assert.Equal("\"CHAT_MODEL\"", span["mlflow.spanType"]);
        Assert.Contains("\"mlflow.spanInputs\": \"Tell me a joke\", \"mlflow.spanOutputs\": \"Why did the chicken cross the road?\"", span.Stored.Content);
        Assert.Equal("{\"input_tokens\": 10, \"output_tokens\": 5, \"total_tokens\": 15}", span["mlflow.chat.tokenUsage"]);
        Assert.Equal("\"gpt-4o\"", span["mlflow.llm.model"]);
        Assert.Equal("\"openai\"", span["mlflow.llm.provider"]);
        Assert.Equal("Tell me a joke", span.Stored.Inputs); // previewed as the plain text
    }

    [Fact]
    public void Non_string_event_values_are_stored_as_json_values()
    {
        var kv = Sharpflow.Core.Tracing.OtlpValue.KvList([new("model", Sharpflow.Core.Tracing.OtlpValue.Str("from-event"))]);
        var span = Store([("mlflow.spanType", "LLM")],
            [Event("gen_ai.content.prompt", ("gen_ai.prompt", new object[] { "a", "b" })), Event("gen_ai.content.completion", ("gen_ai.completion", kv))],
            root: true);
        Assert.Contains("\"mlflow.spanInputs\": [\"a\", \"b\"], \"mlflow.spanOutputs\": {\"model\": \"from-event\"}", span.Stored.Content);
        Assert.Equal("\"from-event\"", span["mlflow.llm.model"]); // read from the outputs dict
        // MLflow cannot preview a list (and then takes no preview of the outputs either); a dict previews as its JSON.
        Assert.Null(span.Stored.Inputs);
        Assert.Null(span.Stored.Outputs);
        var dictOnly = Store([], [Event("gen_ai.content.completion", ("gen_ai.completion", kv))], root: true);
        Assert.Equal("{\"model\": \"from-event\"}", dictOnly.Stored.Outputs);
    }

    [Fact]
    public void Attributes_win_over_events_and_existing_inputs_over_both()
    {
        var prompt = Event("gen_ai.content.prompt", ("gen_ai.prompt", "from event"));
        Assert.Equal("\"from attribute\"", Store([("input.value", "from attribute")], [prompt])["mlflow.spanInputs"]);
        Assert.Equal("\"kept\"", Store([("mlflow.spanInputs", "kept")], [prompt])["mlflow.spanInputs"]);
    }

    [Fact]
    public void Livekit_spans_read_genai_message_events()
    {
        var span = Store(
            [("gen_ai.operation.name", "chat"), ("gen_ai.request.model", "gpt-4o-mini"), ("gen_ai.usage.input_tokens", 50),
             ("gen_ai.usage.output_tokens", 100), ("lk.agent_name", "voice_assistant")],
            [Event("gen_ai.system.message", ("content", "You are helpful.")), Event("gen_ai.user.message", ("content", "Hello!")),
             Event("gen_ai.choice", ("content", "Hi there!"))]);
        Assert.Equal("\"CHAT_MODEL\"", span["mlflow.spanType"]);
        Assert.Equal("[{\"role\": \"system\", \"content\": \"You are helpful.\"}, {\"role\": \"user\", \"content\": \"Hello!\"}]", span["mlflow.spanInputs"]);
        Assert.Equal("[{\"role\": \"assistant\", \"content\": \"Hi there!\"}]", span["mlflow.spanOutputs"]);
        Assert.Equal("{\"input_tokens\": 50, \"output_tokens\": 100, \"total_tokens\": 150}", span["mlflow.chat.tokenUsage"]);
        Assert.Equal("\"livekit\"", span["mlflow.message.format"]);
        Assert.Equal("\"gpt-4o-mini\"", span["mlflow.llm.model"]);
    }

    [Fact]
    public void Message_events_decode_json_content_and_escape_non_ascii()
    {
        var span = Store([], [Event("gen_ai.user.message", ("content", "\"What is 2+2?\"")), Event("gen_ai.assistant.message", ("content", "Ça va?")),
            Event("gen_ai.choice", ("role", "\"model\""), ("content", "4"))]);
        Assert.Equal("[{\"role\": \"user\", \"content\": \"What is 2+2?\"}, {\"role\": \"assistant\", \"content\": \"\\u00c7a va?\"}]", span["mlflow.spanInputs"]);
        Assert.Equal("[{\"role\": \"model\", \"content\": 4}]", span["mlflow.spanOutputs"]);
    }

    [Theory]
    [InlineData("lk.retry_count", "\"LLM\"")]
    [InlineData("lk.function_tool.name", "\"TOOL\"")]
    [InlineData("lk.agent_name", "\"AGENT\"")]
    [InlineData("lk.instructions", "\"AGENT\"")]
    [InlineData("lk.tts.label", "\"UNKNOWN\"")]
    [InlineData("lk.user_transcript", "\"UNKNOWN\"")]
    [InlineData("lk.room_name", null)]
    public void Livekit_keys_tell_the_span_type(string key, string? stored)
    {
        var span = Store((key, "x"));
        Assert.Equal(stored, span["mlflow.spanType"]);
        Assert.Equal("\"livekit\"", span["mlflow.message.format"]);
    }

    [Fact]
    public void Livekit_conversation_attributes_are_inputs_and_outputs()
    {
        var span = Store(("lk.user_input", "hello"), ("lk.response.text", "hi there"), ("lk.retry_count", 0));
        Assert.Equal("\"hello\"", span["mlflow.spanInputs"]);
        Assert.Equal("\"hi there\"", span["mlflow.spanOutputs"]);
        Assert.Equal("\"LLM\"", span["mlflow.spanType"]);
    }
}
