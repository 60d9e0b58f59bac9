using System.Data.Common;

namespace Sharpflow.Store.Tracing;

/// <summary>
/// MLflow's percentile on SQLite, which has none built in: an aggregate MLflow registers per connection, which sorts the
/// non-null values and interpolates linearly at p/100 * (n - 1) (numpy's default method, as PostgreSQL's percentile_cont).
/// </summary>
public static class MetricsPercentile
{
    public const string Function = "sharpflow_percentile";

    /// <summary>Registers the aggregate on a SQLite connection (a no-op on PostgreSQL).</summary>
    public static void Register(DbConnection c)
    {
        if (c is not Microsoft.Data.Sqlite.SqliteConnection sqlite) return;
        sqlite.CreateAggregate<double?, double, PercentileState?, double?>(Function, null,
            (state, value, percentile) =>
            {
                state ??= new PercentileState(percentile);
                if (value is { } v) state.Values.Add(v);
                return state;
            },
            state => state is null ? null : Percentile(state.Values, state.Percentile));
    }

    private sealed class PercentileState(double percentile)
    {
        public double Percentile { get; } = percentile;
        public List<double> Values { get; } = [];
    }

    internal static double? Percentile(List<double> values, double percentile)
    {
        if (values.Count == 0) return null;
        values.Sort();
        var index = percentile / 100.0 * (values.Count - 1);
        var lower = (int)index;
        var upper = Math.Min(lower + 1, values.Count - 1);
        var fraction = index - lower;
        return values[lower] + fraction * (values[upper] - values[lower]);
    }
}
