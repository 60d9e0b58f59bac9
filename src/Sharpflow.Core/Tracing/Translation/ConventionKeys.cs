using System.Collections.Frozen;

namespace Sharpflow.Core.Tracing.Translation;

/// <summary>
/// The attribute names one OpenTelemetry convention uses for what MLflow stores on a span. A null or empty entry
/// means the convention has no such attribute (the translator then contributes nothing for it).
/// </summary>
internal sealed record ConventionKeys
{
    /// <summary>The attribute naming the span's kind, and what each kind means as an MLflow span type.</summary>
    public string? Kind { get; init; }
    public FrozenDictionary<string, string>? KindToSpanType { get; init; }

    public string? InputTokens { get; init; }
    public string? OutputTokens { get; init; }
    public string? TotalTokens { get; init; }
    public string? CacheReadInputTokens { get; init; }
    public string? CacheCreationInputTokens { get; init; }

    /// <summary>Tried in order; the first with a truthy value wins.</summary>
    public string[] Inputs { get; init; } = [];
    public string[] Outputs { get; init; } = [];
    public string[] ModelNames { get; init; } = [];
    public string? Provider { get; init; }
    public string[] ToolDefinitions { get; init; } = [];
}
