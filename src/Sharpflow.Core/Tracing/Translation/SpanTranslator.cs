using System.Collections.Frozen;

namespace Sharpflow.Core.Tracing.Translation;

/// <summary>
/// One OpenTelemetry convention's reading of a span's stored attributes: what it says the span's type, inputs,
/// outputs, token counts, message format, tool definitions, model and provider are. Each member answers null
/// when the convention has nothing to say, and <see cref="SpanTranslation"/> asks the conventions in MLflow's
/// order, taking the first answer. The defaults read the names in <see cref="Keys"/>; conventions whose facts are
/// not plain attribute names override the member concerned.
/// </summary>
internal abstract class SpanTranslator(ConventionKeys keys)
{
    public ConventionKeys Keys { get; } = keys;

    /// <summary>The MLflow span type the span's kind attribute maps to.</summary>
    public virtual string? SpanType(AttributeDict attrs) => KindToSpanType(attrs, Keys.Kind, Keys.KindToSpanType);

    /// <summary>The value to store as <c>mlflow.spanInputs</c> (a stored attribute text, or JSON the convention builds).</summary>
    public virtual string? Inputs(AttributeDict attrs) => FirstTruthy(attrs, Keys.Inputs);

    public virtual string? Outputs(AttributeDict attrs) => FirstTruthy(attrs, Keys.Outputs);

    // Token counts: the stored text of the attribute, parsed by TokenCount.
    public virtual string? InputTokens(AttributeDict attrs) => GetOrNull(attrs, Keys.InputTokens);
    public virtual string? OutputTokens(AttributeDict attrs) => GetOrNull(attrs, Keys.OutputTokens);
    public virtual string? TotalTokens(AttributeDict attrs) => GetOrNull(attrs, Keys.TotalTokens);
    public string? CacheReadInputTokens(AttributeDict attrs) => GetOrNull(attrs, Keys.CacheReadInputTokens);
    public string? CacheCreationInputTokens(AttributeDict attrs) => GetOrNull(attrs, Keys.CacheCreationInputTokens);

    /// <summary>The chat UI's message format name for spans of this convention.</summary>
    public virtual string? MessageFormat(AttributeDict attrs) => null;

    public string? ToolDefinitions(AttributeDict attrs) => FirstTruthy(attrs, Keys.ToolDefinitions);

    /// <summary>The decoded model name (any JSON value, truthy).</summary>
    public object? ModelName(AttributeDict attrs) => FirstTruthy(attrs, Keys.ModelNames) is { } text ? StoredJson.Decode(text) : null;

    public object? Provider(AttributeDict attrs) => Keys.Provider is { } key && Truthy(attrs, key) is { } text ? StoredJson.Decode(text) : null;

    private static string? GetOrNull(AttributeDict attrs, string? key) => key is null ? null : attrs.Get(key);

    /// <summary>The attribute's stored text when its decoded value is truthy (MLflow skips "", 0, null, {} and [] values).</summary>
    protected static string? Truthy(AttributeDict attrs, string key) =>
        attrs.Get(key) is { } text && StoredJson.IsTruthy(text) ? text : null;

    protected static string? FirstTruthy(AttributeDict attrs, string[] keys)
    {
        foreach (var key in keys)
            if (Truthy(attrs, key) is { } text) return text;
        return null;
    }

    protected static string? KindToSpanType(AttributeDict attrs, string? kindKey, FrozenDictionary<string, string>? map)
    {
        if (kindKey is null || map is null || attrs.Get(kindKey) is not { Length: > 0 } raw) return null;
        return Lookup(map, StoredJson.Decode(raw));
    }

    /// <summary>
    /// A dict lookup of a decoded kind: strings match by exact key; a list or dict cannot be hashed, so MLflow's
    /// lookup raises and the whole request fails (422); numbers, bools and null match nothing.
    /// </summary>
    protected static string? Lookup(FrozenDictionary<string, string> map, object? kind) => kind switch
    {
        string s => map.GetValueOrDefault(s),
        List<object?> or List<KeyValuePair<string, object?>> => throw new SpanStoreException("unhashable span kind"),
        _ => null,
    };
}
