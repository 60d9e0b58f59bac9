using System.Numerics;
using Sharpflow.Core.Tracing;
using Sharpflow.Core.Tracing.Translation;
using static Sharpflow.Core.Tests.Tracing.Translation.TranslatedSpan;

namespace Sharpflow.Core.Tests.Tracing.Translation;

/// <summary>What the translation leaves alone, which convention wins, when it fails, and the fast path's key check.</summary>
public class TranslationPrecedenceTests
{
    [Fact]
    public void A_span_type_is_kept_unless_it_is_unknown_or_null()
    {
        Assert.Equal("\"CHAIN\"", Store(("mlflow.spanType", "CHAIN"), ("openinference.span.kind", "LLM"))["mlflow.spanType"]);
        // UNKNOWN and null are replaced where they stand.
        var unknown = Store(("mlflow.spanType", "UNKNOWN"), ("openinference.span.kind", "LLM"));
        Assert.Equal("\"LLM\"", unknown["mlflow.spanType"]);
        Assert.Equal(["mlflow.traceRequestId", "mlflow.spanType", "openinference.span.kind"], unknown.Keys);
        Assert.Equal("\"LLM\"", Store(("mlflow.spanType", OtlpValue.Empty), ("openinference.span.kind", "LLM"))["mlflow.spanType"]);
        // An empty type is neither, so it stays.
        Assert.Equal("\"\"", Store(("mlflow.spanType", ""), ("openinference.span.kind", "LLM"))["mlflow.spanType"]);
    }

    [Fact]
    public void The_first_convention_with_an_answer_wins_even_when_the_answer_is_unknown()
    {
        Assert.Equal("\"UNKNOWN\"", Store(("openinference.span.kind", "UNKNOWN"), ("gen_ai.operation.name", "chat"))["mlflow.spanType"]);
        Assert.Equal("\"from-openinference\"",
            Store(("gen_ai.response.model", "from-genai"), ("llm.model_name", "from-openinference"))["mlflow.llm.model"]);
        Assert.Equal("\"oi\"", Store(("input.value", "oi"), ("traceloop.entity.input", "tl"))["mlflow.spanInputs"]);
    }

    [Fact]
    public void Attributes_mlflow_already_has_are_kept()
    {
        var span = Store(
            ("mlflow.spanInputs", "{\"q\": 1}"),
            ("input.value", "other"),
            ("mlflow.chat.tokenUsage", "{\"input_tokens\": 1, \"output_tokens\": 2, \"total_tokens\": 3}"),
            ("llm.token_count.prompt", 100),
            ("mlflow.llm.model", "kept"),
            ("llm.model_name", "ignored"),
            ("mlflow.llm.provider", "kept-provider"),
            ("llm.provider", "ignored"),
            ("mlflow.chat.tools", "[]"),
            ("gen_ai.tool.definitions", "[{\"name\": \"t\"}]"),
            ("mlflow.message.format", "openai"),
            ("lk.agent_name", "a"));
        Assert.Equal("{\"q\": 1}", span["mlflow.spanInputs"]);
        Assert.Equal("{\"input_tokens\": 1, \"output_tokens\": 2, \"total_tokens\": 3}", span["mlflow.chat.tokenUsage"]);
        Assert.Equal("\"kept\"", span["mlflow.llm.model"]);
        Assert.Equal("\"kept-provider\"", span["mlflow.llm.provider"]);
        Assert.Equal("[]", span["mlflow.chat.tools"]);
        Assert.Equal("\"openai\"", span["mlflow.message.format"]);
        Assert.Equal("{\"input_tokens\": 1, \"output_tokens\": 2, \"total_tokens\": 3}", span.Stored.TokenUsage);
    }

    [Fact]
    public void The_model_from_inputs_comes_after_the_conventions_and_a_non_string_one_ends_the_search()
    {
        Assert.Equal("\"gpt-4o\"", Store(("mlflow.spanInputs", "{\"model\": \"gpt-4o\"}"))["mlflow.llm.model"]);
        Assert.Equal("\"out\"", Store(("mlflow.spanInputs", "{\"temperature\": 0}"), ("mlflow.spanOutputs", "{\"model\": \"out\"}"))["mlflow.llm.model"]);
        Assert.Null(Store(("mlflow.spanInputs", "{\"model\": 5}"), ("mlflow.spanOutputs", "{\"model\": \"out\"}"))["mlflow.llm.model"]);
        Assert.Equal("\"genai\"", Store(("mlflow.spanInputs", "{\"model\": \"in\"}"), ("gen_ai.request.model", "genai"))["mlflow.llm.model"]);
    }

    [Fact]
    public void A_kind_that_is_a_list_or_dict_fails_the_span_as_in_mlflow()
    {
        // MLflow looks the decoded kind up in a dict; a list or dict cannot be hashed and log_spans raises (422).
        Assert.Throws<SpanStoreException>(() => Store(("openinference.span.kind", new object[] { "LLM" })));
        Assert.Throws<SpanStoreException>(() => Store(("gen_ai.operation.name", "{\"a\": 1}")));
        // ... unless an earlier convention answered first, or (VoltAgent) the value is empty.
        Assert.Equal("\"LLM\"", Store(("openinference.span.kind", "LLM"), ("traceloop.span.kind", new object[] { "x" }))["mlflow.spanType"]);
        Assert.False(Store(("span.type", Array.Empty<object>())).Has("mlflow.spanType"));
        Assert.Throws<SpanStoreException>(() => Store(("ai.operationId", "ai.generateText.doGenerate"), ("ai.prompt.tools", 5)));
    }

    [Fact]
    public void Spans_without_convention_attributes_take_the_fast_path_and_only_get_the_model()
    {
        var span = Store(("mlflow.spanType", "LLM"), ("mlflow.spanInputs", "{\"model\": \"m\"}"), ("custom.attr", "v"));
        Assert.Equal(["mlflow.traceRequestId", "mlflow.spanType", "mlflow.spanInputs", "custom.attr", "mlflow.llm.model"], span.Keys);
        var attrs = new AttributeDict(4);
        attrs.Set("mlflow.spanType", "\"LLM\"");
        attrs.Set("inputs", "{}");
        Assert.False(SpanTranslation.MayCarryConvention(attrs, []));
        Assert.False(SpanTranslation.MayCarryConvention(attrs, [new OtlpEvent { Name = "exception" }]));
        Assert.True(SpanTranslation.MayCarryConvention(attrs, [new OtlpEvent { Name = "gen_ai.choice" }]));
    }

    /// <summary>Coverage guard: every attribute name a convention reads must pass the fast path's check.</summary>
    [Fact]
    public void Every_name_a_convention_reads_passes_the_fast_path_check()
    {
        var names = new List<string>
        {
            // Names read in code rather than through ConventionKeys.
            "span.type", "entity.type", "voltagent.operation_id", "voltagent.conversation_id", "usage.prompt_tokens", "llm.usage.prompt_tokens",
            "usage.completion_tokens", "llm.usage.completion_tokens", "usage.total_tokens", "llm.usage.total_tokens", "gen_ai.agent.name",
            "gen_ai.request.model", "gen_ai.operation.name", "lk.retry_count", "lk.function_tool.name", "lk.tts.label", "lk.room_name",
            "gen_ai.prompt.0.content", "gen_ai.completion.0.content", "gen_ai.completion.0.tool_calls.0.arguments", "ai.prompt.messages",
            "ai.response.text", "ai.operationId", "lmnr.span.type",
        };
        foreach (var t in Translators.All)
        {
            var k = t.Keys;
            names.AddRange(new[] { k.Kind, k.InputTokens, k.OutputTokens, k.TotalTokens, k.CacheReadInputTokens, k.CacheCreationInputTokens, k.Provider }
                .OfType<string>());
            names.AddRange(k.Inputs.Concat(k.Outputs).Concat(k.ModelNames).Concat(k.ToolDefinitions));
        }
        Assert.All(names, n => Assert.True(SpanTranslation.IsConventionKey(n), n));
        Assert.All(["mlflow.spanInputs", "mlflow.traceRequestId", "session.id", "custom.attr", "inputs", "outputs", "llmx", "user.id", ""],
            n => Assert.False(SpanTranslation.IsConventionKey(n), n));
    }

    [Theory]
    [InlineData("26", 26)]
    [InlineData("\"26\"", 26)]
    [InlineData("\" -4 \"", -4)]
    [InlineData("\"1_000\"", 1000)]
    [InlineData("\"\\u0661\\u0662\"", 12)]
    [InlineData("\"1__0\"", null)]
    [InlineData("\"_1\"", null)]
    [InlineData("\"1_\"", null)]
    [InlineData("\"0x1A\"", null)]
    [InlineData("26.0", null)]
    [InlineData("null", null)]
    [InlineData("[1]", null)]
    public void Token_counts_are_parsed_like_mlflow(string stored, int? expected)
    {
        var parsed = TokenCount.Parse(stored);
        if (expected is null) Assert.Null(parsed);
        else Assert.Equal(new BigInteger(expected.Value), parsed);
    }

    [Fact]
    public void A_bool_count_stays_a_bool_and_int_keeps_its_digit_limit()
    {
        Assert.Equal(true, TokenCount.Parse("true"));
        Assert.Null(TokenCount.Parse("\"" + new string('1', 4301) + "\""));
    }

    [Theory]
    [InlineData("\"\"", false)]
    [InlineData(" { } ", false)]
    [InlineData("[\n]", false)]
    [InlineData("0", false)]
    [InlineData("-0.0", false)]
    [InlineData("1e-400", false)]
    [InlineData("false", false)]
    [InlineData("null", false)]
    [InlineData("\"0\"", true)]
    [InlineData("[0]", true)]
    [InlineData("0.1", true)]
    [InlineData("NaN", true)]
    [InlineData("-Infinity", true)]
    [InlineData("true", true)]
    public void Stored_values_are_truthy_as_their_decoded_python_value(string stored, bool truthy) =>
        Assert.Equal(truthy, StoredJson.IsTruthy(stored));
}
