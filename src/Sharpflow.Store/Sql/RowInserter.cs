using System.Data.Common;
using System.Text;

namespace Sharpflow.Store.Sql;

/// <summary>
/// Writes many rows of one shape with as few statements as the dialect wants
/// (<see cref="Dialects.ISqlDialect.RowsPerInsert"/>): PostgreSQL gets multi-row VALUES (one round trip per
/// chunk); SQLite gets one prepared single-row statement executed once per row. SQLite runs in-process, so
/// there is no round trip to save, while a wide statement costs it dearly: every named parameter is resolved
/// by a linear scan (quadratic in the parameter count) and the long text is parsed again on each call.
/// Rows are written in the order given either way, so insertion order (SQLite rowid) is the same.
/// </summary>
public sealed class RowInserter : IAsyncDisposable
{
    private readonly DbConnection _conn;
    private readonly DbTransaction _tx;
    private readonly string _head;
    private readonly string _tail;
    private readonly int _columns;
    private readonly int _rowsPerStatement;
    private readonly StatementBuffer? _buffer;
    private DbCommand? _cmd;
    private DbParameter[] _params = [];
    private int _cmdRows;

    /// <param name="head">"INSERT INTO t (a, b, c)"</param>
    /// <param name="columns">values per row</param>
    /// <param name="tail">text after the VALUES list, e.g. " ON CONFLICT DO NOTHING"</param>
    /// <param name="buffer">when given, statements are queued there instead of run (see <see cref="StatementBuffer"/>)</param>
    public RowInserter(DbConnection conn, DbTransaction tx, int rowsPerStatement, string head, int columns, string tail = "",
        StatementBuffer? buffer = null)
    {
        _buffer = buffer;
        _conn = conn;
        _tx = tx;
        _head = head;
        _tail = tail;
        _columns = columns;
        _rowsPerStatement = Math.Max(1, rowsPerStatement);
    }

    /// <summary>Called for each parameter as it is created, with its column index (e.g. to bind a json column as JSON).</summary>
    public Action<int, DbParameter>? ConfigureParameter { get; init; }

    /// <summary>Inserts the rows; <paramref name="fill"/> writes row i's values, in column order, into the span.</summary>
    public async Task InsertAsync(int count, Action<int, object?[]> fill, CancellationToken ct)
    {
        var values = new object?[_columns];
        if (_buffer is not null)
        {
            Queue(_buffer, count, fill, values);
            return;
        }
        for (var start = 0; start < count; start += _rowsPerStatement)
        {
            var rows = Math.Min(_rowsPerStatement, count - start);
            var cmd = Command(rows);
            for (var r = 0; r < rows; r++)
            {
                Array.Clear(values);
                fill(start + r, values);
                for (var c = 0; c < _columns; c++) _params[r * _columns + c].Value = values[c] ?? DBNull.Value;
            }
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    private void Queue(StatementBuffer buffer, int count, Action<int, object?[]> fill, object?[] values)
    {
        for (var start = 0; start < count; start += _rowsPerStatement)
        {
            var rows = Math.Min(_rowsPerStatement, count - start);
            var sb = new StringBuilder(_head).Append(" VALUES ");
            for (var r = 0; r < rows; r++)
            {
                Array.Clear(values);
                fill(start + r, values);
                sb.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < _columns; c++) sb.Append(c == 0 ? "" : ", ").Append(buffer.Bind(values[c], ConfigureParameter is null ? null : p => ConfigureParameter(c, p)));
                sb.Append(')');
            }
            buffer.Add(sb.Append(_tail).ToString());
        }
    }

    // One command per statement shape, reused while the shape repeats (SQLite keeps it prepared).
    private DbCommand Command(int rows)
    {
        if (_cmd is not null && _cmdRows == rows) return _cmd;
        _cmd?.Dispose();
        var cmd = _conn.CreateCommand();
        cmd.Transaction = _tx;
        var sb = new StringBuilder(_head).Append(" VALUES ");
        _params = new DbParameter[rows * _columns];
        for (var r = 0; r < rows; r++)
        {
            sb.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < _columns; c++)
            {
                var p = cmd.CreateParameter();
                p.ParameterName = $"@p{r}_{c}";
                ConfigureParameter?.Invoke(c, p);
                cmd.Parameters.Add(p);
                _params[r * _columns + c] = p;
                sb.Append(c == 0 ? "" : ", ").Append(p.ParameterName);
            }
            sb.Append(')');
        }
        cmd.CommandText = sb.Append(_tail).ToString();
        _cmd = cmd;
        _cmdRows = rows;
        return cmd;
    }

    public async ValueTask DisposeAsync()
    {
        if (_cmd is not null) await _cmd.DisposeAsync().ConfigureAwait(false);
        _cmd = null;
    }
}
