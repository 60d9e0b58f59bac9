using static Sharpflow.Core.Tests.Tracing.Translation.TranslatedSpan;

namespace Sharpflow.Core.Tests.Tracing.Translation;

/// <summary>OpenInference spans (LangChain / LlamaIndex / OpenAI instrumentors) as MLflow 3.11 stores them.</summary>
public class OpenInferenceTranslationTests
{
    [Fact]
    public void An_llm_span_gets_type_inputs_outputs_usage_model_and_provider_appended_in_mlflow_order()
    {
        var span = Store(
            ("openinference.span.kind", "LLM"),
            ("input.value", "{\"messages\":[{\"role\":\"user\",\"content\":\"What is MLflow?\"}]}"),
            ("input.mime_type", "application/json"),
            ("output.value", "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"A platform.\"}}]}"),
            ("llm.model_name", "gpt-4o-mini"),
            ("llm.provider", "openai"),
            ("llm.token_count.prompt", 12),
            ("llm.token_count.completion", 34),
            ("llm.token_count.total", 46));

        Assert.Equal(
            ["mlflow.traceRequestId", "openinference.span.kind", "input.value", "input.mime_type", "output.value", "llm.model_name", "llm.provider",
             "llm.token_count.prompt", "llm.token_count.completion", "llm.token_count.total",
             "mlflow.spanType", "mlflow.spanInputs", "mlflow.spanOutputs", "mlflow.chat.tokenUsage", "mlflow.llm.model", "mlflow.llm.provider"],
            span.Keys);
        Assert.Equal("\"LLM\"", span["mlflow.spanType"]);
        // The client's JSON text is stored as it came (no re-encoding, no added spaces).
        Assert.Equal("{\"messages\":[{\"role\":\"user\",\"content\":\"What is MLflow?\"}]}", span["mlflow.spanInputs"]);
        Assert.Equal("{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"A platform.\"}}]}", span["mlflow.spanOutputs"]);
        Assert.Equal("{\"input_tokens\": 12, \"output_tokens\": 34, \"total_tokens\": 46}", span["mlflow.chat.tokenUsage"]);
        Assert.Equal("\"gpt-4o-mini\"", span["mlflow.llm.model"]);
        Assert.Equal("\"openai\"", span["mlflow.llm.provider"]);
        Assert.False(span.Has("mlflow.message.format"));
        // What log_spans aggregates into the trace follows from the translated attributes.
        Assert.Equal("{\"input_tokens\": 12, \"output_tokens\": 34, \"total_tokens\": 46}", span.Stored.TokenUsage);
        Assert.Equal("{\"mlflow.llm.model\": \"gpt-4o-mini\", \"mlflow.llm.provider\": \"openai\"}", span.Stored.DimensionAttributes);
        Assert.Null(span.Stored.Type); // the type column keeps what the span carried, as MLflow's does
    }

    [Fact]
    public void Plain_text_values_are_stored_json_encoded()
    {
        var span = Store(("openinference.span.kind", "CHAIN"), ("input.value", "What is MLflow?"), ("output.value", "A platform."));
        Assert.Equal("\"CHAIN\"", span["mlflow.spanType"]);
        Assert.Equal("\"What is MLflow?\"", span["mlflow.spanInputs"]);
        Assert.Equal("\"A platform.\"", span["mlflow.spanOutputs"]);
        Assert.False(span.Has("mlflow.chat.tokenUsage"));
    }

    [Theory]
    [InlineData("TOOL", "\"TOOL\"")]
    [InlineData("RETRIEVER", "\"RETRIEVER\"")]
    [InlineData("EMBEDDING", "\"EMBEDDING\"")]
    [InlineData("AGENT", "\"AGENT\"")]
    [InlineData("RERANKER", "\"RERANKER\"")]
    [InlineData("GUARDRAIL", "\"GUARDRAIL\"")]
    [InlineData("EVALUATOR", "\"EVALUATOR\"")]
    [InlineData("UNKNOWN", "\"UNKNOWN\"")]
    [InlineData("\"LLM\"", "\"LLM\"")] // a kind sent JSON-encoded is decoded first
    [InlineData("llm", null)] // kinds are case-sensitive
    [InlineData("PROMPT", null)]
    public void Each_kind_maps_to_its_span_type(string kind, string? stored) =>
        Assert.Equal(stored, Store(("openinference.span.kind", kind))["mlflow.spanType"]);

    [Fact]
    public void The_total_is_computed_when_the_span_has_none()
    {
        var span = Store(("llm.token_count.prompt", 10), ("llm.token_count.completion", 5));
        Assert.Equal("{\"input_tokens\": 10, \"output_tokens\": 5, \"total_tokens\": 15}", span["mlflow.chat.tokenUsage"]);
    }

    [Theory]
    [InlineData("12", "{\"input_tokens\": 12}")] // a string count is read with int()
    [InlineData(" 8 ", "{\"input_tokens\": 8}")]
    [InlineData("1_000", "{\"input_tokens\": 1000}")]
    [InlineData("١٢", "{\"input_tokens\": 12}")] // int() takes any script's decimal digits
    [InlineData("x", null)]
    [InlineData("3.5", null)]
    public void String_token_counts_follow_python_int(string sent, string? usage) =>
        Assert.Equal(usage, Store(("llm.token_count.prompt", sent))["mlflow.chat.tokenUsage"]);

    [Fact]
    public void Zero_float_and_bool_counts_are_kept_or_dropped_as_mlflow_does()
    {
        Assert.Equal("{\"input_tokens\": 0, \"output_tokens\": 0, \"total_tokens\": 0}",
            Store(("llm.token_count.prompt", 0), ("llm.token_count.completion", 0))["mlflow.chat.tokenUsage"]);
        Assert.Null(Store(("llm.token_count.prompt", 1.5))["mlflow.chat.tokenUsage"]);
        // A bool is an int in Python: kept as a bool, added as 1.
        Assert.Equal("{\"input_tokens\": true, \"output_tokens\": 2, \"total_tokens\": 3}",
            Store(("llm.token_count.prompt", true), ("llm.token_count.completion", 2))["mlflow.chat.tokenUsage"]);
    }

    [Fact]
    public void Falsy_values_give_no_inputs()
    {
        foreach (var value in new object[] { "", "{}", "[]", 0, false, Sharpflow.Core.Tracing.OtlpValue.Empty })
            Assert.False(Store(("input.value", value)).Has("mlflow.spanInputs"), $"input.value {value}");
        // "0" and "null" are non-empty strings once decoded, so they count.
        Assert.Equal("\"0\"", Store(("input.value", "0"))["mlflow.spanInputs"]);
        Assert.Equal("\"null\"", Store(("input.value", "null"))["mlflow.spanInputs"]);
    }

    [Fact]
    public void The_model_falls_back_to_the_translated_inputs_then_to_embedding_model_name()
    {
        Assert.Equal("\"gpt-4o\"", Store(("input.value", "{\"model\": \"gpt-4o\", \"messages\": []}"))["mlflow.llm.model"]);
        Assert.Equal("\"text-embedding-3\"", Store(("embedding.model_name", "text-embedding-3"))["mlflow.llm.model"]);
        // A model attribute wins over the inputs' "model".
        Assert.Equal("\"claude-3-5-sonnet\"",
            Store(("llm.model_name", "claude-3-5-sonnet"), ("input.value", "{\"model\": \"other\"}"))["mlflow.llm.model"]);
    }

    [Fact]
    public void A_root_spans_translated_inputs_and_outputs_feed_the_trace_previews()
    {
        var span = Store([("openinference.span.kind", "AGENT"), ("input.value", "Plan a trip"), ("output.value", "Done")], [], root: true);
        Assert.Equal("\"Plan a trip\"", span.Stored.Inputs);
        Assert.Equal("\"Done\"", span.Stored.Outputs);
    }
}
