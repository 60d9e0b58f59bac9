using System.Text;
using Sharpflow.Core.Tracing;

namespace Sharpflow.Core.Tests.Tracing;

public class OtlpReaderTests
{
    // The OTLP request of MLflow 3.11's replay corpus (tracing.jsonl seq 28): two spans, string attributes that are
    // already JSON, an exception event, an ERROR status with message.
    private const string Seq28 =
        "CuQCEuECEr4BChAK92UZFs1D3YRI6yEcgDGcEgi3rWtxaSAzMSoJb3RscC1yb290MAI5AAAqNv6clxdBgLIQRf6clxdKHAoPbWxmbG93LnNwYW5UeXBlEgkKByJDSEFJTiJKIgoRbWxmbG93LnNwYW5JbnB1dHMSDQoLeyJxIjogImhpIn1KJgoSbWxmbG93LnNwYW5PdXRwdXRzEhAKDnsiYSI6ICJoZWxsbyJ9ShMKC2N1c3RvbS5hdHRyEgQKAnYxegIYARKdAQoQCvdlGRbNQ92ESOshHIAxnBIIAPBnqgupArciCLeta3FpIDMxKgpvdGxwLWNoaWxkOYCWwjb+nJcXQQDCFUL+nJcXShoKD21sZmxvdy5zcGFuVHlwZRIHCgUiTExNIloxCYDRGj/+nJcXEglleGNlcHRpb24aGwoRZXhjZXB0aW9uLm1lc3NhZ2USBgoEYm9vbXoIEgRib29tGAI=";

    [Fact]
    public void Reads_the_recorded_mlflow_request_and_stores_spans_as_mlflow_does()
    {
        var request = OtlpProtobufReader.Read(Convert.FromBase64String(Seq28));
        Assert.Equal(1, request.ResourceSpansCount);
        Assert.Equal(2, request.Spans.Count);
        var root = SpanConverter.Convert(request.Spans[0]);
        Assert.Equal("tr-0af7651916cd43dd8448eb211c80319c", root.TraceId);
        Assert.True(root.IsRoot);
        Assert.Equal("\"CHAIN\"", root.Type); // the column keeps the attribute as sent, as MLflow's span_type does
        Assert.Equal(
            "{\"trace_id\": \"CvdlGRbNQ92ESOshHIAxnA==\", \"span_id\": \"t61rcWkgMzE=\", \"parent_span_id\": null, \"name\": \"otlp-root\", " +
            "\"start_time_unix_nano\": 1700000000000000000, \"end_time_unix_nano\": 1700000000250000000, \"events\": [], " +
            "\"status\": {\"code\": \"STATUS_CODE_OK\", \"message\": \"\"}, \"attributes\": {\"mlflow.traceRequestId\": \"\\\"tr-0af7651916cd43dd8448eb211c80319c\\\"\", " +
            "\"mlflow.spanType\": \"\\\"CHAIN\\\"\", \"mlflow.spanInputs\": \"{\\\"q\\\": \\\"hi\\\"}\", \"mlflow.spanOutputs\": \"{\\\"a\\\": \\\"hello\\\"}\", " +
            "\"custom.attr\": \"\\\"v1\\\"\"}}", root.Content);
        var child = SpanConverter.Convert(request.Spans[1]);
        Assert.Equal("ERROR", child.Status);
        Assert.Contains("\"events\": [{\"name\": \"exception\", \"time_unix_nano\": 1700000000150000000, \"attributes\": {\"exception.message\": \"boom\"}}]", child.Content);
        Assert.Contains("\"status\": {\"code\": \"STATUS_CODE_ERROR\", \"message\": \"boom\"}", child.Content);
    }

    [Fact]
    public void Malformed_protobuf_is_refused()
    {
        Assert.Throws<OtlpFormatException>(() => OtlpProtobufReader.Read(Convert.FromBase64String("Cv//AGdhcmJhZ2U=")));
        var good = Convert.FromBase64String(Seq28);
        Assert.Throws<OtlpFormatException>(() => OtlpProtobufReader.Read(good.AsSpan(0, good.Length - 1)));
        Assert.Throws<OtlpFormatException>(() => OtlpProtobufReader.Read([0x0f])); // wire type 7
        Assert.Equal(0, OtlpProtobufReader.Read([]).ResourceSpansCount);
        // unknown fields (here field 9, varint) are skipped
        Assert.Equal(0, OtlpProtobufReader.Read([0x48, 0x01]).ResourceSpansCount);
    }

    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("{\"a\": 1}", "{\"a\": 1}")]
    [InlineData(" [1, NaN] ", " [1, NaN] ")]
    [InlineData("\"quoted\"", "\"quoted\"")]
    [InlineData("123", "\"123\"")]
    [InlineData("{bad", "\"{bad\"")]
    [InlineData("naïve\n", "\"naïve\\n\"")]
    public void String_attributes_are_stored_once_encoded(string sent, string stored) =>
        Assert.Equal(stored, SpanConverter.StoredValue(OtlpValue.Str(sent)));

    [Fact]
    public void Other_values_are_stored_as_python_json()
    {
        var kv = OtlpValue.KvList([new("b", OtlpValue.Integer(1)), new("a", OtlpValue.Dbl(0.1)), new("b", OtlpValue.Bool(true))]);
        Assert.Equal("{\"b\": true, \"a\": 0.1}", SpanConverter.StoredValue(kv));
        Assert.Equal("[1e-05, null, \"x\"]", SpanConverter.StoredValue(OtlpValue.Array([OtlpValue.Dbl(1e-5), OtlpValue.Empty, OtlpValue.Str("x")])));
        Assert.Equal("NaN", SpanConverter.StoredValue(OtlpValue.Dbl(double.NaN)));
    }

    [Fact]
    public void Otlp_json_takes_hex_ids_and_both_spellings()
    {
        var json = """
            {"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "claude-code"}}]},
              "scope_spans": [{"spans": [{"traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "b7ad6b7169203331",
              "name": "r", "start_time_unix_nano": 5, "endTimeUnixNano": "7", "status": {"code": 2, "message": "m"}}]}]}]}
            """;
        var request = OtlpJsonReader.Read(Encoding.UTF8.GetBytes(json));
        var span = Assert.Single(request.Spans);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", Convert.ToHexStringLower(span.TraceId));
        Assert.Equal(5UL, span.StartTimeUnixNano);
        Assert.Equal(7UL, span.EndTimeUnixNano);
        Assert.Equal(2, span.StatusCode);
        var stored = SpanConverter.Convert(span);
        Assert.Contains("\"service.name\": \"\\\"claude-code\\\"\"", stored.Content);
        Assert.Throws<OtlpFormatException>(() => OtlpJsonReader.Read("{\"resourceSpans\": [{\"scopeSpans\": [{\"spans\": [{\"traceId\": \"zz\"}]}]}]}"u8));
    }

    [Fact]
    public void Previews_follow_chat_messages_and_truncate_by_code_points()
    {
        var chat = "{\"messages\": [{\"role\": \"user\", \"content\": \"first\"}, {\"role\": \"assistant\", \"content\": \"x\"}, {\"role\": \"user\", \"content\": \"last\"}]}";
        Assert.Equal("last", TraceDerivations.Preview(chat, "user"));
        Assert.Equal("x", TraceDerivations.Preview(chat, "assistant"));
        var astral = string.Concat(Enumerable.Repeat("😀", 1200));
        var cut = TraceDerivations.Preview(astral, "user")!;
        Assert.Equal(997 * 2 + 3, cut.Length);
        Assert.EndsWith("...", cut);
    }

    [Fact]
    public void Token_usage_sums_keep_python_types()
    {
        var total = TraceDerivations.AddTokenUsage([], "{\"input_tokens\": 1, \"total_tokens\": 2}");
        total = TraceDerivations.AddTokenUsage(total, "{\"output_tokens\": 3.5, \"input_tokens\": 2}");
        Assert.Equal("{\"input_tokens\": 3, \"total_tokens\": 2, \"output_tokens\": 3.5}", Sharpflow.Core.Python.PyJson.Dumps(total));
    }
}
