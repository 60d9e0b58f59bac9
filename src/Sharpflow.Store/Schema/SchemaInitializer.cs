using System.Data.Common;
using Npgsql;
using Sharpflow.Core.Errors;
using Sharpflow.Store.Sql;

namespace Sharpflow.Store.Schema;

public enum SchemaState { Created, Current, Newer }

/// <summary>
/// Brings a database to MLflow 3.11's schema on first start (as MLflow does), accepts a database at the
/// head revision unchanged, and refuses an older revision with a pointer to `sharpflow db upgrade`
/// (Migrations/SchemaMigrator), as MLflow's server refuses one and points to `mlflow db upgrade`.
/// </summary>
public static class SchemaInitializer
{
    public const string HeadRevision = "7d34483879f0";

    /// <summary>MLflow's alembic revisions from the first (MLflow 1.x) to 3.11's head, in order.</summary>
    public static readonly string[] KnownRevisions =
    [
        "451aebb31d03", "90e64c465722", "181f10493468", "df50e92ffc5e", "7ac759974ad8", "89d4b8295536", "2b4d017a5e9b",
        "cfd24bdc0731", "0a8213491aaa", "728d730b5ebd", "27a6a02d2cf1", "84291f40a231", "a8c4a736bde6", "39d1c3be5f05",
        "c48cb773bb87", "bd07f7e963c5", "0c779009ac13", "cc1f77228345", "97727af70f4d", "3500859a5d39", "7f2a7d5fae7d",
        "2d6e25af4d3e", "acf3f17fdcc7", "867495a8f9d4", "5b0e9adcef9c", "4465047574b1", "f5a4f2784254", "0584bdc529eb",
        "400f98739977", "6953534de441", "bda7b8c39065", "cbc13b556ace", "770bee3ae1dd", "a1b2c3d4e5f6", "de4033877273",
        "1a0cddfcaa16", "534353b11cbc", "71994744cf8e", "3da73c924c2f", "bf29a5ff90ea", "1bd49d398cd23", "b7c8d9e0f1a2",
        "5d2d30f0abce", "c9d4e5f6a7b8", "2c33131f4dae", "d3e4f5a6b7c8", "d0e1f2a3b4c5", "c8d9e0f1a2b3", "1b5f0d9ad7c1",
        "e1f2a3b4c5d6", "76601a5f987d", "c3d6457b6d8a", "a5b4c3d2e1f0", "ae8bbe7743c9", HeadRevision,
    ];

    // Any fixed key works; it only has to be the same for every Sharpflow instance (and `db upgrade`, which
    // holds it while it migrates, so a server starting meanwhile waits and then sees the final revision).
    internal const long PgLockKey = 0x5348415250464C57;

    public static async Task<SchemaState> EnsureAsync(SqlDatabase db, CancellationToken ct = default)
    {
        await using var conn = await db.OpenAsync(ct);
        if (conn is NpgsqlConnection)
        {
            // Several instances may start at once on an empty database: one creates, the others wait.
            await conn.Sql("SELECT pg_advisory_lock(@k)").P("@k", PgLockKey).ExecAsync(ct);
            try
            {
                return await EnsureLockedAsync(conn, db, ct);
            }
            finally
            {
                await conn.Sql("SELECT pg_advisory_unlock(@k)").P("@k", PgLockKey).ExecAsync(CancellationToken.None);
            }
        }
        await using (var begin = conn.Sql("BEGIN IMMEDIATE")) await begin.ExecuteNonQueryAsync(ct);
        try
        {
            var state = await EnsureLockedAsync(conn, db, ct);
            await conn.Sql("COMMIT").ExecAsync(ct);
            return state;
        }
        catch
        {
            await conn.Sql("ROLLBACK").ExecAsync(CancellationToken.None);
            throw;
        }
    }

    private static async Task<SchemaState> EnsureLockedAsync(DbConnection conn, SqlDatabase db, CancellationToken ct)
    {
        var revision = await ReadRevisionAsync(conn, db, ct);
        if (revision is null)
        {
            if (await HasTableAsync(conn, db, "experiments", ct))
                throw new MlflowException(ErrorCode.INVALID_STATE,
                    "The database has MLflow tables but no alembic_version: it was not created by MLflow or Sharpflow and cannot be used.");
            DbTransaction? tx = conn is NpgsqlConnection ? await conn.BeginTransactionAsync(ct) : null;
            foreach (var statement in SchemaScripts.Statements(db.Dialect.Kind == DbKind.Sqlite ? "sqlite" : "postgresql"))
                await conn.Sql(statement, tx).ExecAsync(ct);
            if (tx is not null) await tx.CommitAsync(ct);
            return SchemaState.Created;
        }
        if (revision == HeadRevision) return SchemaState.Current;
        var position = Array.IndexOf(KnownRevisions, revision);
        if (position >= Array.IndexOf(KnownRevisions, Migrations.SchemaMigrator.OldestRevision))
            throw new MlflowException(ErrorCode.INVALID_STATE,
                $"Detected out-of-date database schema (found version {revision}, but expected {HeadRevision}). " +
                $"Take a backup of your database, then run 'sharpflow db upgrade <database_uri>' to migrate it to the latest schema.");
        if (position >= 0)
            throw new MlflowException(ErrorCode.INVALID_STATE,
                $"Detected out-of-date database schema (found version {revision}, but expected {HeadRevision}). " +
                $"'sharpflow db upgrade <database_uri>' upgrades from MLflow 2.0's revision ({Migrations.SchemaMigrator.OldestRevision}) on: " +
                "take a backup, bring the database to MLflow 2.0 or later with 'mlflow db upgrade', then run 'sharpflow db upgrade <database_uri>'.");
        return SchemaState.Newer;
    }

    public static async Task<string?> ReadRevisionAsync(DbConnection conn, SqlDatabase db, CancellationToken ct)
    {
        if (!await HasTableAsync(conn, db, "alembic_version", ct)) return null;
        return (string?)await conn.Sql("SELECT version_num FROM alembic_version").ScalarAsync(ct);
    }

    private static async Task<bool> HasTableAsync(DbConnection conn, SqlDatabase db, string table, CancellationToken ct)
    {
        var sql = db.Dialect.Kind == DbKind.Sqlite
            ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @t"
            : "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = @t";
        return Convert.ToInt64(await conn.Sql(sql).P("@t", table).ScalarAsync(ct)) > 0;
    }
}
