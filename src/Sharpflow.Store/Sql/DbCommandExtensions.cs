using System.Data.Common;

namespace Sharpflow.Store.Sql;

/// <summary>Small helpers over ADO.NET so store code reads as SQL plus parameters.</summary>
public static class DbCommandExtensions
{
    public static DbCommand Sql(this DbConnection conn, string sql, DbTransaction? tx = null)
    {
        var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        return cmd;
    }

    public static DbCommand P(this DbCommand cmd, string name, object? value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        cmd.Parameters.Add(p);
        return cmd;
    }

    public static async Task<int> ExecAsync(this DbCommand cmd, CancellationToken ct = default)
    {
        await using (cmd) return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public static async Task<object?> ScalarAsync(this DbCommand cmd, CancellationToken ct = default)
    {
        await using (cmd)
        {
            var v = await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
            return v is DBNull ? null : v;
        }
    }

    public static async Task<List<T>> ListAsync<T>(this DbCommand cmd, Func<DbDataReader, T> map, CancellationToken ct = default)
    {
        await using (cmd)
        {
            var list = new List<T>();
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false)) list.Add(map(r));
            return list;
        }
    }

    public static string? Str(this DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    public static long? Long(this DbDataReader r, int i) => r.IsDBNull(i) ? null : Convert.ToInt64(r.GetValue(i));

    public static bool Bool(this DbDataReader r, int i) => !r.IsDBNull(i) && Convert.ToBoolean(r.GetValue(i));

    /// <summary>Builds "@p0, @p1, ..." for an IN list and binds the values.</summary>
    public static string InList<T>(this DbCommand cmd, string prefix, IReadOnlyList<T> values)
    {
        var names = new string[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            names[i] = $"@{prefix}{i}";
            cmd.P(names[i], values[i]);
        }
        return values.Count == 0 ? "NULL" : string.Join(", ", names);
    }
}
