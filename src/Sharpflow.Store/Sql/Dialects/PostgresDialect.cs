using Npgsql;

namespace Sharpflow.Store.Sql.Dialects;

public sealed class PostgresDialect : ISqlDialect
{
    public DbKind Kind => DbKind.Postgres;

    public string Like(string column, string parameter) => $"{column} LIKE {parameter}";

    public string ILike(string column, string parameter) => $"{column} ILIKE {parameter}";

    public string RegexMatch(string column, string parameter) => $"{column} ~ {parameter}";

    // PostgreSQL has no stable insertion order; MLflow on PostgreSQL returns heap order too.
    public string? InsertionOrder(string alias) => null;

    public int RowsPerInsert => 500;

    public bool PipelinesStatements => true;

    public string? ConnectionSetup => null;

    public bool IsUniqueViolation(Exception e) => e is PostgresException { SqlState: "23505" };

    public bool IsRetryable(Exception e) => e is PostgresException { SqlState: "40001" or "40P01" };

    public bool IsConnectionFailure(Exception e) =>
        e is NpgsqlException { IsTransient: true } || e is PostgresException { SqlState: "57P01" or "57P02" or "57P03" or "08006" or "08001" };

    public bool IsValueRejected(Exception e) => e is PostgresException { SqlState: "22001" or "22003" or "22P02" or "22021" };

    public string True => "true";

    // "ctid = ANY(ARRAY(...))" is planned as a TID scan of the chunk's rows; "ctid IN (SELECT ...)" would be a semi-join
    // that scans the whole table once per chunk.
    public string DeleteChunk(string table, string where, string limitParameter) =>
        $"DELETE FROM {table} WHERE ctid = ANY (ARRAY(SELECT ctid FROM {table} WHERE {where} LIMIT {limitParameter}))";

    public int DeleteChunkRows => 50_000;

    public string JsonMemberText(string column, string key) => $"{column} ->> '{key}'";

    public string Percentile(string column, double percentile) =>
        $"percentile_cont({(percentile / 100).ToString("R", System.Globalization.CultureInfo.InvariantCulture)}) WITHIN GROUP (ORDER BY {column})";

    public string AsDouble(string expression) => $"CAST({expression} AS DOUBLE PRECISION)";

    public string FloatType => "DOUBLE PRECISION";

    public void MarkJson(System.Data.Common.DbParameter parameter) => ((NpgsqlParameter)parameter).NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Json;
}
