using Microsoft.Data.Sqlite;

namespace Sharpflow.Store.Sql.Dialects;

public sealed class SqliteDialect : ISqlDialect
{
    public DbKind Kind => DbKind.Sqlite;

    public string Like(string column, string parameter) => $"{column} LIKE {parameter}";

    // SQLAlchemy renders ilike as lower(x) LIKE lower(y) on SQLite.
    public string ILike(string column, string parameter) => $"lower({column}) LIKE lower({parameter})";

    public string RegexMatch(string column, string parameter) => $"{column} REGEXP {parameter}";

    public string? InsertionOrder(string alias) => $"{alias}.rowid";

    public int RowsPerInsert => 1;

    public bool PipelinesStatements => false;

    // cache_size: SQLite's default 2 MiB page cache per connection re-read index pages from the OS for every batch of
    // spans (10,000 preads per 20,000 spans ingested); 16 MiB keeps the hot index pages of a large trace store in
    // memory. It is a per-connection ceiling that only fills as pages are used.
    public string? ConnectionSetup =>
        "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 20000; PRAGMA case_sensitive_like = true; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -16384;";

    public bool IsUniqueViolation(Exception e) =>
        e is SqliteException { SqliteErrorCode: 19 } s && (s.SqliteExtendedErrorCode is 2067 or 1555);

    public bool IsRetryable(Exception e) => e is SqliteException { SqliteErrorCode: 5 or 6 };

    public bool IsConnectionFailure(Exception e) => e is SqliteException { SqliteErrorCode: 14 or 26 };

    // SQLite does not enforce VARCHAR lengths; only CHECK failures reject a value.
    public bool IsValueRejected(Exception e) => e is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 275 };

    public string True => "1";

    // Every MLflow table is a rowid table (none is WITHOUT ROWID); the subquery uses the run_uuid index.
    public string DeleteChunk(string table, string where, string limitParameter) =>
        $"DELETE FROM {table} WHERE rowid IN (SELECT rowid FROM {table} WHERE {where} LIMIT {limitParameter})";

    public int DeleteChunkRows => 10_000;

    public string JsonMemberText(string column, string key) => $"json_extract({column}, '$.\"{key}\"')";

    public string Percentile(string column, double percentile) =>
        $"{Tracing.MetricsPercentile.Function}({column}, {percentile.ToString("R", System.Globalization.CultureInfo.InvariantCulture)})";

    public string AsDouble(string expression) => expression;

    public string FloatType => "REAL";

    public void MarkJson(System.Data.Common.DbParameter parameter) { }
}
