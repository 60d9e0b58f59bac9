using Sharpflow.Core.Python;
using Sharpflow.Core.Tracing;

namespace Sharpflow.Core.Tests.Tracing.Translation;

/// <summary>
/// Builds an OTLP span as an instrumentation library sends it, stores it through <see cref="SpanConverter"/> and
/// exposes the stored attribute dict (each value as the exact text MLflow stores).
/// </summary>
internal sealed class TranslatedSpan
{
    private static readonly byte[] TraceId = Convert.FromHexString("0af7651916cd43dd8448eb211c80319c");

    public StoredSpan Stored { get; }
    /// <summary>The stored document's attributes: key → stored value (a string, or the decoded value for a non-string one).</summary>
    public List<KeyValuePair<string, object?>> Attributes { get; }

    private TranslatedSpan(StoredSpan stored)
    {
        Stored = stored;
        var doc = (List<KeyValuePair<string, object?>>)PyJson.Loads(stored.Content)!;
        Attributes = (List<KeyValuePair<string, object?>>)PyObjects.Get(doc, "attributes")!;
    }

    public static TranslatedSpan Store(params (string Key, object Value)[] attributes) => Store(attributes, [], root: false);

    public static TranslatedSpan Store((string Key, object Value)[] attributes, OtlpEvent[] events, bool root = false)
    {
        var span = new OtlpSpan
        {
            TraceId = TraceId,
            SpanId = Convert.FromHexString("b7ad6b7169203331"),
            ParentSpanId = root ? [] : Convert.FromHexString("00f067aa0ba902b7"),
            Name = "span",
            StartTimeUnixNano = 1_700_000_000_000_000_000,
            EndTimeUnixNano = 1_700_000_000_500_000_000,
            StatusCode = 1,
        };
        foreach (var (key, value) in attributes) span.Attributes.Add(new(key, Value(value)));
        span.Events.AddRange(events);
        return new TranslatedSpan(SpanConverter.Convert(span));
    }

    public static OtlpEvent Event(string name, params (string Key, object Value)[] attributes)
    {
        var ev = new OtlpEvent { Name = name, TimeUnixNano = 1_700_000_000_100_000_000 };
        foreach (var (key, value) in attributes) ev.Attributes.Add(new(key, Value(value)));
        return ev;
    }

    public static OtlpValue Value(object v) => v switch
    {
        OtlpValue o => o,
        string s => OtlpValue.Str(s),
        bool b => OtlpValue.Bool(b),
        int i => OtlpValue.Integer(i),
        long l => OtlpValue.Integer(l),
        double d => OtlpValue.Dbl(d),
        object[] items => OtlpValue.Array(items.Select(Value).ToArray()),
        _ => throw new ArgumentException(v.GetType().Name),
    };

    /// <summary>The stored text of an attribute, or null when the span has none.</summary>
    public string? this[string key] => PyObjects.Has(Attributes, key) ? PyObjects.Get(Attributes, key) as string : null;

    public bool Has(string key) => PyObjects.Has(Attributes, key);

    public IEnumerable<string> Keys => Attributes.Select(kv => kv.Key);
}
