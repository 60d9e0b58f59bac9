using Sharpflow.Core.Errors;
using Sharpflow.Core.Python;

namespace Sharpflow.Core.Tracing;

/// <summary>MetricViewType of service.proto: the entity a trace-metrics query aggregates.</summary>
public enum MetricViewType { Traces = 1, Spans = 2, Assessments = 3 }

/// <summary>AggregationType of service.proto (the proto numbers).</summary>
public enum MetricAggregationType { Count = 1, Sum = 2, Avg = 3, Percentile = 4, Min = 5, Max = 6 }

/// <summary>One requested aggregation; <see cref="Label"/> is the key MLflow gives its value ("AVG", "P99.0").</summary>
public sealed record MetricAggregation(MetricAggregationType Type, double? Percentile)
{
    public string Name => Type.ToString().ToUpperInvariant();

    public string Label => Type == MetricAggregationType.Percentile ? "P" + PythonRepr.Float(Percentile ?? 0) : Name;
}

/// <summary>A result row: the dimension values (time_bucket first) and the non-null aggregate values by label.</summary>
public sealed record MetricDataPoint(string MetricName, IReadOnlyList<KeyValuePair<string, string>> Dimensions,
    IReadOnlyList<KeyValuePair<string, double>> Values);

/// <summary>
/// What MLflow 3.11 supports per view type: the metric names (in MLflow's order, which its error messages list), the
/// aggregations and the dimensions each metric allows, and the request validation with MLflow's messages.
/// </summary>
public static class TraceMetricsSpec
{
    public const string TimeBucket = "time_bucket";
    public const int DefaultMaxResults = 1000;

    public sealed record MetricConfig(string Name, MetricAggregationType[] Aggregations, string[] Dimensions);

    private static readonly MetricAggregationType[] CountOnly = [MetricAggregationType.Count];
    private static readonly MetricAggregationType[] AvgPercentile = [MetricAggregationType.Avg, MetricAggregationType.Percentile];
    private static readonly MetricAggregationType[] SumAvgPercentile =
        [MetricAggregationType.Sum, MetricAggregationType.Avg, MetricAggregationType.Percentile];

    public static readonly IReadOnlyList<string> TokenUsageKeys =
        ["input_tokens", "output_tokens", "total_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"];

    public static readonly IReadOnlyList<string> CostKeys = ["input_cost", "output_cost", "total_cost"];

    public static readonly IReadOnlyList<MetricConfig> Traces =
    [
        new("trace_count", CountOnly, ["trace_name", "trace_status"]),
        new("latency", AvgPercentile, ["trace_name"]),
        .. TokenUsageKeys.Select(k => new MetricConfig(k, SumAvgPercentile, ["trace_name"])),
    ];

    private static readonly string[] ModelDimensions = ["span_model_name", "span_model_provider"];

    public static readonly IReadOnlyList<MetricConfig> Spans =
    [
        new("span_count", CountOnly, ["span_name", "span_type", "span_status", .. ModelDimensions]),
        new("latency", AvgPercentile, ["span_name", "span_status"]),
        .. CostKeys.Select(k => new MetricConfig(k, SumAvgPercentile, ModelDimensions)),
    ];

    public static readonly IReadOnlyList<MetricConfig> Assessments =
    [
        new("assessment_count", CountOnly, ["assessment_name", "assessment_value"]),
        new("assessment_value", AvgPercentile, ["assessment_name"]),
    ];

    public static IReadOnlyList<MetricConfig> For(MetricViewType view) => view switch
    {
        MetricViewType.Traces => Traces,
        MetricViewType.Spans => Spans,
        _ => Assessments,
    };

    public static string ViewName(MetricViewType view) => view.ToString().ToUpperInvariant();

    /// <summary>MetricAggregation.__post_init__: the percentile rules (a ValueError in MLflow, reported here as a bad parameter).</summary>
    public static MetricAggregation Aggregation(MetricAggregationType type, double? percentile)
    {
        if (type == MetricAggregationType.Percentile)
        {
            if (percentile is null) throw MlflowException.InvalidParameter("Percentile value is required for PERCENTILE aggregation");
            // NaN passes MLflow's `> 100 or < 0` test and then fails in the database; it is refused here with the range message.
            if (!(percentile >= 0 && percentile <= 100))
                throw MlflowException.InvalidParameter($"Percentile value must be between 0 and 100, got {PythonRepr.Float(percentile.Value)}");
        }
        else if (percentile is not null)
        {
            throw MlflowException.InvalidParameter(
                $"Percentile value is only allowed for PERCENTILE aggregation type, got {type.ToString().ToUpperInvariant()}");
        }
        return new MetricAggregation(type, percentile);
    }

    /// <summary>validate_query_trace_metrics_params: metric name, then aggregations, then dimensions.</summary>
    public static MetricConfig Validate(MetricViewType view, string metricName, IReadOnlyList<MetricAggregation> aggregations,
        IReadOnlyList<string> dimensions)
    {
        var configs = For(view);
        var config = configs.FirstOrDefault(c => c.Name == metricName)
            ?? throw MlflowException.InvalidParameter(
                $"metric_name must be one of {PythonRepr.StrList(configs.Select(c => c.Name))}, got '{metricName}'");
        var invalidAggs = aggregations.Select(a => a.Type).Distinct().Where(t => !config.Aggregations.Contains(t)).ToList();
        if (invalidAggs.Count > 0)
        {
            static IEnumerable<string> Sorted(IEnumerable<MetricAggregationType> types) =>
                types.Select(t => t.ToString().ToUpperInvariant()).Order(StringComparer.Ordinal);
            throw MlflowException.InvalidParameter($"Found invalid aggregation_type(s): {PythonRepr.StrList(Sorted(invalidAggs))}. " +
                                                   $"Supported aggregation types: {PythonRepr.StrList(Sorted(config.Aggregations))}");
        }
        var invalidDims = dimensions.Distinct().Where(d => !config.Dimensions.Contains(d)).Order(StringComparer.Ordinal).ToList();
        if (invalidDims.Count > 0)
            throw MlflowException.InvalidParameter($"Found invalid dimension(s): {PythonRepr.StrList(invalidDims)}. " +
                                                   $"Supported dimensions: {PythonRepr.StrList(config.Dimensions.Order(StringComparer.Ordinal))}");
        return config;
    }
}
