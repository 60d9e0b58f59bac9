using System.Data.Common;
using System.Text;

namespace Sharpflow.Store.Sql;

/// <summary>
/// Write statements held back and sent together as one multi-statement command. Npgsql sends such a command as
/// one pipelined round trip (each statement still parsed, bound and auto-prepared on its own), so a log-batch's
/// inserts into four tables cost PostgreSQL one network wake-up instead of four. Only used where the dialect
/// says so (<see cref="Dialects.ISqlDialect.PipelinesStatements"/>); in-process SQLite gains nothing from it.
/// Errors surface at <see cref="FlushAsync"/>, inside the caller's transaction, which then rolls back whole.
/// </summary>
public sealed class StatementBuffer(DbConnection conn, DbTransaction tx) : IAsyncDisposable
{
    private readonly DbCommand _cmd = CreateCommand(conn, tx);
    private readonly StringBuilder _sql = new();
    private int _next;

    private static DbCommand CreateCommand(DbConnection conn, DbTransaction tx)
    {
        var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        return cmd;
    }

    /// <summary>Binds a value and returns its placeholder for the statement being built.</summary>
    public string Bind(object? value, Action<DbParameter>? configure = null)
    {
        var p = _cmd.CreateParameter();
        p.ParameterName = "@s" + _next++;
        p.Value = value ?? DBNull.Value;
        configure?.Invoke(p);
        _cmd.Parameters.Add(p);
        return p.ParameterName;
    }

    /// <summary>Queues one statement whose placeholders came from <see cref="Bind"/>.</summary>
    public void Add(string statement) => _sql.Append(statement).Append(";\n");

    public bool IsEmpty => _sql.Length == 0;

    public async Task FlushAsync(CancellationToken ct)
    {
        if (IsEmpty) return;
        _cmd.CommandText = _sql.ToString();
        await _cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        _sql.Clear();
        _cmd.Parameters.Clear();
        _next = 0;
    }

    public ValueTask DisposeAsync() => _cmd.DisposeAsync();
}
