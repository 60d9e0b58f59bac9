using System.Data.Common;

namespace Sharpflow.Store.Sql.Dialects;

/// <summary>
/// Everything that differs between SQLite and PostgreSQL, as named operations. No other file checks
/// which database it talks to.
/// </summary>
public interface ISqlDialect
{
    DbKind Kind { get; }

    /// <summary>Case-sensitive LIKE (SQLite gets PRAGMA case_sensitive_like per connection, as MLflow does).</summary>
    string Like(string column, string parameter);

    string ILike(string column, string parameter);

    string RegexMatch(string column, string parameter);

    /// <summary>ORDER BY expression that returns child rows in the order they were first written, or null.</summary>
    string? InsertionOrder(string alias);

    /// <summary>
    /// Rows per INSERT statement for bulk writes (<see cref="RowInserter"/>): many for a server (one round trip
    /// per chunk), 1 for in-process SQLite (one prepared statement executed per row is cheapest there).
    /// </summary>
    int RowsPerInsert { get; }

    /// <summary>Whether a unit of work's writes are best queued and sent as one command (<see cref="StatementBuffer"/>).</summary>
    bool PipelinesStatements { get; }

    /// <summary>Commands run on every new connection.</summary>
    string? ConnectionSetup { get; }

    bool IsUniqueViolation(Exception e);

    /// <summary>Lock contention or serialization failures that are safe to retry from the start.</summary>
    bool IsRetryable(Exception e);

    bool IsConnectionFailure(Exception e);

    /// <summary>A value the column cannot hold (too long for a VARCHAR, out of range).</summary>
    bool IsValueRejected(Exception e);

    /// <summary>Makes a text parameter bind as JSON (PostgreSQL will not put a text parameter into a json column).</summary>
    void MarkJson(DbParameter parameter);

    /// <summary>Turns a boolean column value into SQL for a comparison literal.</summary>
    string True { get; }

    /// <summary>
    /// A DELETE of at most <paramref name="limitParameter"/> rows of <paramref name="table"/> matching
    /// <paramref name="where"/>, addressed by the physical row id (rowid / ctid) so tables without a single-column key
    /// (metrics) can be deleted in bounded chunks; neither database has DELETE ... LIMIT in its default build.
    /// </summary>
    string DeleteChunk(string table, string where, string limitParameter);

    /// <summary>
    /// Rows per <see cref="DeleteChunk"/> transaction. SQLite's write lock covers the whole database, so chunks stay
    /// small (tens of milliseconds) for a server sharing the file; PostgreSQL only locks the rows deleted, while every
    /// chunk's scan passes the dead rows of the chunks before it until vacuum, so fewer, larger chunks are much faster
    /// there (5 million rows: 55 s in chunks of 10,000, about 20 s in chunks of 50,000).
    /// </summary>
    int DeleteChunkRows { get; }

    /// <summary>A JSON column's top-level string member as text (NULL when absent), for grouping by it.</summary>
    string JsonMemberText(string column, string key);

    /// <summary>
    /// The aggregate for a linearly interpolated percentile (0-100) of <paramref name="column"/>, MLflow's method on this
    /// database: PostgreSQL's percentile_cont; on SQLite the aggregate <see cref="Tracing.MetricsPercentile"/> registers.
    /// </summary>
    string Percentile(string column, double percentile);

    /// <summary>An aggregate's value as a double, converted by the database (PostgreSQL's AVG/SUM of integers are numeric).</summary>
    string AsDouble(string expression);

    /// <summary>The SQL type a cast to a float names (SQLAlchemy's Float).</summary>
    string FloatType { get; }
}

public static class Dialects
{
    public static ISqlDialect For(DbKind kind) => kind == DbKind.Sqlite ? new SqliteDialect() : new PostgresDialect();
}
