using System.Globalization;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Python;
using Sharpflow.Core.Search;
using Sharpflow.Store.Sql;

namespace Sharpflow.Store.Tracing;

/// <summary>The four counts of calculate-filter-correlation and the NPMI MLflow derives from them.</summary>
public sealed record TraceCorrelation(double Npmi, double NpmiSmoothed, int Filter1Count, int Filter2Count, int JointCount, int TotalCount);

/// <summary>
/// calculate_trace_filter_correlation: how two trace filters co-occur (normalized pointwise mutual information) among the
/// traces of some experiments, or among those matching a base filter. One aggregate query over trace_info with the
/// filters compiled exactly as for search.
/// </summary>
public sealed partial class TraceStore
{
    private const double JeffreysPrior = 0.5;

    public Task<TraceCorrelation> CalculateTraceFilterCorrelationAsync(IReadOnlyList<string> experimentIds, string filter1, string filter2,
        string? baseFilter, CancellationToken ct)
    {
        var expIds = experimentIds.Select(e => long.TryParse(e.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v
            : throw MlflowException.InvalidParameter($"invalid literal for int() with base 10: {PythonRepr.Str(e)}")).Distinct().ToList();
        // MLflow parses "<base> and <filter>" as one filter string, so errors name the combined text.
        var f1 = SearchFilter.ParseTraces(string.IsNullOrEmpty(baseFilter) ? filter1 : $"{baseFilter} and {filter1}");
        var f2 = SearchFilter.ParseTraces(string.IsNullOrEmpty(baseFilter) ? filter2 : $"{baseFilter} and {filter2}");
        var b = string.IsNullOrEmpty(baseFilter) ? [] : SearchFilter.ParseTraces(baseFilter);
        return Db.ReadAsync(async c =>
        {
            if (expIds.Count == 0) return Npmi(0, 0, 0, 0);
            var cmd = c.Sql("");
            var n = 0;
            string Where(IReadOnlyList<Comparison> filters, ref int i)
            {
                var clauses = FilterClauses(cmd, filters, ref i);
                return clauses.Count == 0 ? "1 = 1" : string.Join(" AND ", clauses);
            }
            var baseWhere = Where(b, ref n);
            var w1 = Where(f1, ref n);
            var w2 = Where(f2, ref n);
            cmd.CommandText = $"SELECT COUNT(*), SUM(CASE WHEN {w1} THEN 1 ELSE 0 END), SUM(CASE WHEN {w2} THEN 1 ELSE 0 END), " +
                              $"SUM(CASE WHEN ({w1}) AND ({w2}) THEN 1 ELSE 0 END) FROM trace_info t " +
                              $"WHERE t.experiment_id IN ({cmd.InList("e", expIds)}) AND {baseWhere}";
            if (f1.Concat(f2).Any(f => f.Comparator == "RLIKE")) SqlRegex.Register(c);
            var row = (await cmd.ListAsync(r => (Total: r.Long(0) ?? 0, F1: r.Long(1) ?? 0, F2: r.Long(2) ?? 0, Joint: r.Long(3) ?? 0), ct))[0];
            return Npmi((int)row.Joint, (int)row.F1, (int)row.F2, (int)row.Total);
        }, ct);
    }

    /// <summary>MLflow's calculate_npmi_from_counts: NaN when undefined, -1 when both filters match but never together.</summary>
    internal static TraceCorrelation Npmi(int joint, int count1, int count2, int total)
    {
        var result = new TraceCorrelation(double.NaN, double.NaN, count1, count2, joint, total);
        if (total <= 0 || count1 == 0 || count2 == 0) return result;
        double n11 = joint, n10 = count1 - joint, n01 = count2 - joint, n00 = total - count1 - count2 + joint;
        if (Math.Min(Math.Min(n11, n10), Math.Min(n01, n00)) < 0) return result;
        var raw = joint == 0 ? -1.0 : NpmiCore(n11, n10, n01, n00, 0);
        return result with { Npmi = raw, NpmiSmoothed = NpmiCore(n11, n10, n01, n00, JeffreysPrior) };
    }

    private static double NpmiCore(double n11, double n10, double n01, double n00, double smoothing)
    {
        double a = n11 + smoothing, b = n10 + smoothing, c = n01 + smoothing, d = n00 + smoothing;
        double total = a + b + c + d, n1 = a + b, n2 = a + c;
        if (n1 <= 0 || n2 <= 0 || a <= 0) return double.NaN;
        if (n10 == 0 && n01 == 0 && n00 == 0) return 1.0;
        var pmi = (Math.Log(a) + Math.Log(total)) - (Math.Log(n1) + Math.Log(n2));
        var npmi = pmi / -(Math.Log(a) - Math.Log(total));
        return Math.Max(-1.0, Math.Min(1.0, npmi));
    }
}
