using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using Sharpflow.Core.Python;
using Sharpflow.Server.Features.Health;

namespace Sharpflow.Server.Features.Prometheus;

/// <summary>
/// Request metrics in Prometheus' text format (0.0.4), with the families `mlflow server --expose-prometheus` exposes
/// (prometheus_flask_exporter with MLflow's settings: prefix "mlflow", latency grouped by the MLflow version):
/// <list type="bullet">
/// <item><c>mlflow_http_request_duration_seconds{method, mlflow_version, status}</c> histogram, prometheus_client's default buckets;</item>
/// <item><c>mlflow_http_request_total{method, status}</c> and <c>mlflow_http_request_exceptions_total{method, status}</c> counters;</item>
/// <item><c>mlflow_exporter_info{version}</c> = 1.</item>
/// </list>
/// MLflow has no per-route series, so Sharpflow adds <c>sharpflow_http_request_duration_seconds{method, route, status}</c>,
/// where route is the route template (never the raw path: ids would make the series unbounded).
/// One histogram per (method, route, status) is recorded; MLflow's families are sums of it computed at scrape time, so
/// a request costs one dictionary lookup (struct key, no allocation) and two interlocked adds.
/// </summary>
public sealed class HttpMetrics
{
    // prometheus_client's default buckets, with the label text it prints for each.
    private static readonly double[] Bounds = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
    private static readonly string[] BoundLabels = [.. Bounds.Select(PythonRepr.Float), "+Inf"];

    // Bucket bounds in Stopwatch ticks, so a request is placed without converting its duration to seconds.
    private static readonly long[] BoundTicks = [.. Bounds.Select(b => (long)Math.Floor(b * Stopwatch.Frequency))];

    private readonly ConcurrentDictionary<SeriesKey, Series> _series = new();

    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>What <c>mlflow_exporter_info</c>'s version label says: this server's version (MLflow shows its exporter's).</summary>
    public static readonly string Version =
        typeof(HttpMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private readonly record struct SeriesKey(string Method, string Route, int Status);

    private sealed class Series
    {
        // Per bucket (not cumulative: one increment per request), the last one being +Inf.
        public readonly long[] Buckets = new long[Bounds.Length + 1];
        public long SumTicks;
    }

    /// <summary>Records one request; <paramref name="method"/> and <paramref name="route"/> must come from bounded sets.</summary>
    public void Observe(string method, string route, int status, long elapsedTicks)
    {
        var key = new SeriesKey(method, route, status);
        if (!_series.TryGetValue(key, out var series)) series = _series.GetOrAdd(key, static _ => new Series());
        var i = 0;
        while (i < BoundTicks.Length && elapsedTicks > BoundTicks[i]) i++;
        Interlocked.Increment(ref series.Buckets[i]);
        Interlocked.Add(ref series.SumTicks, elapsedTicks);
    }

    /// <summary>
    /// The exposition. <paramref name="names"/> (the <c>name[]</c> query parameters prometheus_client honours) keeps only
    /// the families one of whose sample names is listed; null keeps all.
    /// </summary>
    public string Render(IReadOnlySet<string>? names = null)
    {
        // One consistent copy per series: counts derive from the buckets, so _count always equals the +Inf bucket.
        var snapshot = _series.Select(p => (p.Key, Buckets: (long[])p.Value.Buckets.Clone(),
                Sum: Interlocked.Read(ref p.Value.SumTicks) / (double)Stopwatch.Frequency))
            .OrderBy(s => s.Key.Route, StringComparer.Ordinal).ThenBy(s => s.Key.Method, StringComparer.Ordinal).ThenBy(s => s.Key.Status)
            .ToList();
        var sb = new StringBuilder();
        bool Wanted(string family, params string[] suffixes) => names is null || names.Contains(family) || suffixes.Any(s => names.Contains(family + s));

        if (Wanted("mlflow_exporter_info"))
        {
            Header(sb, "mlflow_exporter_info", "gauge", "Information about the Prometheus Flask exporter");
            Sample(sb, "mlflow_exporter_info", [("version", Version)], 1);
        }
        // MLflow's families: the per-route series summed over routes.
        var byMethodStatus = snapshot.GroupBy(s => (s.Key.Method, s.Key.Status))
            .Select(g => (g.Key.Method, g.Key.Status, Buckets: Enumerable.Range(0, Bounds.Length + 1).Select(i => g.Sum(s => s.Buckets[i])).ToArray(), Sum: g.Sum(s => s.Sum)))
            .OrderBy(s => s.Method, StringComparer.Ordinal).ThenBy(s => s.Status).ToList();
        if (Wanted("mlflow_http_request_duration_seconds", "_bucket", "_count", "_sum"))
        {
            Header(sb, "mlflow_http_request_duration_seconds", "histogram", "Flask HTTP request duration in seconds");
            foreach (var s in byMethodStatus)
                Histogram(sb, "mlflow_http_request_duration_seconds",
                    [("method", s.Method), ("mlflow_version", HealthEndpoints.MlflowVersion), ("status", Status(s.Status))], s.Buckets, s.Sum);
        }
        if (Wanted("mlflow_http_request_total"))
        {
            Header(sb, "mlflow_http_request_total", "counter", "Total number of HTTP requests");
            foreach (var s in byMethodStatus) Sample(sb, "mlflow_http_request_total", [("method", s.Method), ("status", Status(s.Status))], s.Buckets.Sum());
        }
        if (Wanted("mlflow_http_request_exceptions_total"))
        {
            // Flask counts requests whose handler raised an unexpected error; Sharpflow's error middleware answers those 500.
            Header(sb, "mlflow_http_request_exceptions_total", "counter", "Total number of HTTP requests which resulted in an exception");
            foreach (var s in byMethodStatus.Where(s => s.Status == 500))
                Sample(sb, "mlflow_http_request_exceptions_total", [("method", s.Method), ("status", "500")], s.Buckets.Sum());
        }
        if (Wanted("sharpflow_http_request_duration_seconds", "_bucket", "_count", "_sum"))
        {
            Header(sb, "sharpflow_http_request_duration_seconds", "histogram", "HTTP request duration in seconds by route template");
            foreach (var s in snapshot)
                Histogram(sb, "sharpflow_http_request_duration_seconds",
                    [("method", s.Key.Method), ("route", s.Key.Route), ("status", Status(s.Key.Status))], s.Buckets, s.Sum);
        }
        return sb.ToString();
    }

    private static string Status(int status) => status.ToString(CultureInfo.InvariantCulture);

    private static void Header(StringBuilder sb, string name, string type, string help) =>
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n').Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static void Histogram(StringBuilder sb, string name, (string, string)[] labels, long[] buckets, double sum)
    {
        long cumulative = 0;
        for (var i = 0; i < buckets.Length; i++)
        {
            cumulative += buckets[i];
            Sample(sb, name + "_bucket", [.. labels, ("le", BoundLabels[i])], cumulative);
        }
        Sample(sb, name + "_count", labels, cumulative);
        Sample(sb, name + "_sum", labels, sum);
    }

    private static void Sample(StringBuilder sb, string name, (string Name, string Value)[] labels, double value)
    {
        sb.Append(name);
        if (labels.Length > 0)
        {
            sb.Append('{');
            for (var i = 0; i < labels.Length; i++)
            {
                if (i > 0) sb.Append(',');
                sb.Append(labels[i].Name).Append("=\"");
                sb.Append(labels[i].Value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n"));
                sb.Append('"');
            }
            sb.Append('}');
        }
        // prometheus_client prints every value as a Python float: 3.0, 0.25, 1e-05.
        sb.Append(' ').Append(PythonRepr.Float(value)).Append('\n');
    }
}
