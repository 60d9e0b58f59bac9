using System.IO.Compression;
using System.Text.Json;
using Sharpflow.Core.Python;
using Sharpflow.Core.Tracing;
using Sharpflow.Core.Tracing.Translation;

namespace Sharpflow.Core.Tests.Tracing.Translation;

/// <summary>
/// Differential test against MLflow 3.11's own storage-time translation: Data/otel-translation-cases.jsonl.gz holds
/// ~3,000 spans (realistic spans of each convention, then random mixes of every convention's attributes, MLflow's
/// own attributes, events and awkward values) with the attribute dict MLflow stores for each, or the exception its
/// log_spans raises, and how MLflow reads the span back when it was stored untranslated. See Oracle/translation/README.md for how the answers were produced.
/// </summary>
public class TranslationOracleTests
{
    private static readonly Lazy<List<JsonElement>> Cases = new(Load);

    private static List<JsonElement> Load()
    {
        using var file = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "Data", "otel-translation-cases.jsonl.gz"));
        using var reader = new StreamReader(new GZipStream(file, CompressionMode.Decompress));
        var cases = new List<JsonElement>();
        while (reader.ReadLine() is { } line)
            if (line.Length > 0) cases.Add(JsonDocument.Parse(line).RootElement);
        return cases;
    }

    [Fact]
    public void Every_span_is_stored_with_the_attributes_mlflow_stores()
    {
        var failures = new List<string>();
        for (var i = 0; i < Cases.Value.Count; i++)
        {
            var c = Cases.Value[i];
            var span = Span(c);
            string actual;
            try
            {
                var stored = SpanConverter.Convert(span);
                var doc = (List<KeyValuePair<string, object?>>)PyJson.Loads(stored.Content)!;
                actual = PyJson.Dumps(PyObjects.Get(doc, "attributes"));
            }
            catch (SpanStoreException e)
            {
                actual = "raises (" + e.Message + ")";
            }
            var expected = c.TryGetProperty("x", out var x) ? "raises" : c.GetProperty("r").GetString()!;
            if (expected == "raises" ? !actual.StartsWith("raises", StringComparison.Ordinal) : actual != expected)
                failures.Add($"case {i}: {c.GetProperty("a")} events {c.GetProperty("e")}\n  mlflow: {expected}{(x.ValueKind == JsonValueKind.String ? " " + x : "")}\n  ours:   {actual}");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {Cases.Value.Count} differ:\n" + string.Join("\n", failures.Take(15)));
    }

    [Fact]
    public void Spans_stored_without_translation_read_back_as_mlflow_reads_them()
    {
        var failures = new List<string>();
        for (var i = 0; i < Cases.Value.Count; i++)
        {
            var c = Cases.Value[i];
            // The attribute dict an untranslating store kept: the trace id, then each value as SpanConverter stores it.
            var attrs = new List<KeyValuePair<string, object?>> { new("mlflow.traceRequestId", "\"tr-0af7651916cd43dd8448eb211c80319c\"") };
            foreach (var kv in Span(c).Attributes) PyObjectJson.DictSet(attrs, kv.Key, SpanConverter.StoredValue(kv.Value));
            LoadedSpanTranslation.Apply(attrs);
            var actual = PyJson.Dumps(attrs);
            var expected = c.GetProperty("l").GetString()!;
            if (actual != expected) failures.Add($"case {i}: {c.GetProperty("a")}\n  mlflow: {expected}\n  ours:   {actual}");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {Cases.Value.Count} differ:\n" + string.Join("\n", failures.Take(15)));
    }

    private static OtlpSpan Span(JsonElement c)
    {
        var span = new OtlpSpan
        {
            TraceId = Convert.FromHexString("0af7651916cd43dd8448eb211c80319c"),
            SpanId = Convert.FromHexString("b7ad6b7169203331"),
            ParentSpanId = Convert.FromHexString("00f067aa0ba902b7"),
            Name = "span",
        };
        foreach (var kv in c.GetProperty("a").EnumerateArray()) span.Attributes.Add(new(kv[0].GetString()!, Value(kv[1])));
        foreach (var e in c.GetProperty("e").EnumerateArray())
        {
            var ev = new OtlpEvent { Name = e.GetProperty("n").GetString()! };
            foreach (var kv in e.GetProperty("a").EnumerateArray()) ev.Attributes.Add(new(kv[0].GetString()!, Value(kv[1])));
            span.Events.Add(ev);
        }
        return span;
    }

    /// <summary>The AnyValue a decoded Python value came from (a JSON number with a fraction or exponent is a float).</summary>
    private static OtlpValue Value(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => OtlpValue.Str(v.GetString()!),
        JsonValueKind.True => OtlpValue.Bool(true),
        JsonValueKind.False => OtlpValue.Bool(false),
        JsonValueKind.Null => OtlpValue.Empty,
        JsonValueKind.Number when v.GetRawText().IndexOfAny(['.', 'e', 'E']) >= 0 => OtlpValue.Dbl(v.GetDouble()),
        JsonValueKind.Number => OtlpValue.Integer(v.GetInt64()),
        JsonValueKind.Array => OtlpValue.Array(v.EnumerateArray().Select(Value).ToArray()),
        JsonValueKind.Object => OtlpValue.KvList(v.EnumerateObject().Select(p => new OtlpKeyValue(p.Name, Value(p.Value))).ToArray()),
        _ => throw new ArgumentException(v.ValueKind.ToString()),
    };
}
