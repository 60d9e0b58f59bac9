using System.Data.Common;
using System.Globalization;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Search;
using Sharpflow.Store.Sql.Dialects;

namespace Sharpflow.Store.Sql;

/// <summary>
/// One search comparison as SQL, the way SearchUtils.get_sql_comparison_func renders it (case-sensitive LIKE on both
/// databases, ILIKE as lower() LIKE lower() on SQLite). Values are always bound as parameters.
/// </summary>
internal static class FilterSql
{
    public static object? Value(FilterValue value) => value switch
    {
        FilterValue.StringValue s => s.Value,
        FilterValue.NumberValue n => n.Value,
        FilterValue.ListValue l => l.Values,
        _ => null,
    };

    public static string Compare(ISqlDialect dialect, DbCommand cmd, string column, string comparator, object? value, ref int n)
    {
        if (comparator is "IN" or "NOT IN")
        {
            var list = value as IReadOnlyList<string> ?? [];
            return $"{column} {comparator} ({cmd.InList($"v{n++}_", list)})";
        }
        var p = $"@v{n++}";
        cmd.P(p, value);
        return comparator switch
        {
            "LIKE" => dialect.Like(column, p),
            "ILIKE" => dialect.ILike(column, p),
            "RLIKE" => dialect.RegexMatch(column, p),
            "=" or "!=" or ">" or ">=" or "<" or "<=" => $"{column} {comparator} {p}",
            _ => throw MlflowException.InvalidParameter($"Invalid comparator '{comparator}'"),
        };
    }

    /// <summary>
    /// A comparison on an INTEGER column. MLflow binds whatever the filter held; SQLite then compares a number with
    /// text by storage class (numbers sort before text, so 'abc' is never equal and always greater) and matches LIKE
    /// against the number's text. PostgreSQL would reject the mixed types, so the same outcome is written out here.
    /// </summary>
    public static string CompareInteger(ISqlDialect dialect, DbCommand cmd, string column, string comparator, FilterValue value, ref int n)
    {
        switch (value)
        {
            case FilterValue.NumberValue num:
                return Compare(dialect, cmd, column, comparator, num.Value, ref n);
            case FilterValue.ListValue list:
            {
                var numbers = list.Values.Select(v => AsNumber(v)).Where(v => v is not null).Select(v => v!.Value).ToList();
                if (numbers.Count == 0) return comparator == "IN" ? "1 = 0" : $"{column} IS NOT NULL";
                var p = cmd.InList($"v{n++}_", numbers);
                return $"{column} {comparator} ({p})";
            }
            case FilterValue.StringValue s when comparator is "LIKE" or "ILIKE":
                return Compare(dialect, cmd, $"CAST({column} AS TEXT)", comparator, s.Value, ref n);
            case FilterValue.StringValue s when AsNumber(s.Value) is { } number:
                return Compare(dialect, cmd, column, comparator, number, ref n);
            default:
                return comparator switch
                {
                    "!=" or "<" or "<=" => $"{column} IS NOT NULL",
                    _ => "1 = 0",
                };
        }
    }

    // SQLite turns text that reads as a number into that number before comparing it with an INTEGER column.
    private static double? AsNumber(string text) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : null;
}
