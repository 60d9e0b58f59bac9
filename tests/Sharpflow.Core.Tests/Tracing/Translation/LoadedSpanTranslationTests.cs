using System.Text;
using Sharpflow.Core.Python;
using Sharpflow.Core.Tracing;
using Sharpflow.Core.Tracing.Translation;

namespace Sharpflow.Core.Tests.Tracing.Translation;

/// <summary>Spans read back from the database get the span type of their convention's kind when they have none (MLflow's translate_loaded_span).</summary>
public class LoadedSpanTranslationTests
{
    private static string Translated(string attributesJson)
    {
        var attrs = (List<KeyValuePair<string, object?>>)PyJson.Loads(attributesJson)!;
        LoadedSpanTranslation.Apply(attrs);
        return PyJson.Dumps(attrs);
    }

    [Theory]
    [InlineData("""{"openinference.span.kind": "\"LLM\""}""", """{"openinference.span.kind": "\"LLM\"", "mlflow.spanType": "\"LLM\""}""")]
    [InlineData("""{"mlflow.spanType": "\"UNKNOWN\"", "gen_ai.operation.name": "\"chat\""}""", """{"mlflow.spanType": "\"CHAT_MODEL\"", "gen_ai.operation.name": "\"chat\""}""")]
    [InlineData("""{"mlflow.spanType": "null", "traceloop.span.kind": "\"tool\""}""", """{"mlflow.spanType": "\"TOOL\"", "traceloop.span.kind": "\"tool\""}""")]
    [InlineData("""{"mlflow.spanType": "\"CHAIN\"", "openinference.span.kind": "\"LLM\""}""", """{"mlflow.spanType": "\"CHAIN\"", "openinference.span.kind": "\"LLM\""}""")]
    [InlineData("""{"openinference.span.kind": "[\"LLM\"]"}""", """{"openinference.span.kind": "[\"LLM\"]"}""")] // fails quietly on read
    [InlineData("""{"custom": "\"x\""}""", """{"custom": "\"x\""}""")]
    public void The_type_is_filled_where_mlflow_fills_it_on_read(string stored, string read) => Assert.Equal(read, Translated(stored));

    [Fact]
    public void Traces_json_of_a_span_stored_without_translation_carries_the_type()
    {
        const string content = "{\"trace_id\": \"CvdlGRbNQ92ESOshHIAxnA==\", \"span_id\": \"t61rcWkgMzE=\", \"parent_span_id\": null, \"name\": \"s\", " +
            "\"start_time_unix_nano\": 1, \"end_time_unix_nano\": 2, \"events\": [], \"status\": {\"code\": \"STATUS_CODE_OK\", \"message\": \"\"}, " +
            "\"attributes\": {\"mlflow.traceRequestId\": \"\\\"tr-0af7651916cd43dd8448eb211c80319c\\\"\", \"langfuse.observation.type\": \"\\\"generation\\\"\"}}";
        var sb = new StringBuilder();
        SpanJson.WriteDict(sb, content);
        Assert.EndsWith("\"langfuse.observation.type\": \"\\\"generation\\\"\", \"mlflow.spanType\": \"\\\"LLM\\\"\"}}", sb.ToString());
    }
}
