using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Sharpflow.Core.Errors;
using Sharpflow.Store.Sql;

namespace Sharpflow.Store.Schema.Migrations;

public enum UpgradeOutcome { Created, AlreadyCurrent, Upgraded, Newer }

public sealed record UpgradeResult(UpgradeOutcome Outcome, string? From, string? To, int Steps);

/// <summary>
/// `sharpflow db upgrade`: moves a database from any alembic revision since MLflow 2.0 (<see cref="OldestRevision"/>)
/// to MLflow 3.11's head, one revision at a time. Each step runs in its own transaction together with the
/// alembic_version update, so an interrupted upgrade leaves the database at the last completed revision (MLflow
/// runs the whole chain in one transaction; per step keeps an SQLite file's journal and PostgreSQL's locks small
/// and lets a rerun continue where it stopped). PostgreSQL DDL is transactional; so is SQLite's.
/// Concurrency: PostgreSQL holds the same advisory lock as the start-up initializer for the whole upgrade, SQLite
/// takes the write lock (BEGIN IMMEDIATE) per step and re-reads the revision inside it.
/// </summary>
public static class SchemaMigrator
{
    /// <summary>The revision MLflow 2.0 shipped with: the oldest this upgrade starts from.</summary>
    public const string OldestRevision = "97727af70f4d";

    /// <summary>The steps from <see cref="OldestRevision"/> to head, in order (a straight chain: no merge points).</summary>
    public static readonly IReadOnlyList<Migration> Chain = [.. Steps2x.All, .. Steps30.All, .. Steps3Gateway.All, .. StepsWorkspaces.All];

    /// <summary>
    /// Upgrades to <paramref name="target"/> (head by default; an intermediate revision is for tests and for
    /// stepping through a long upgrade). An empty database gets the head schema, as on first start.
    /// </summary>
    public static async Task<UpgradeResult> UpgradeAsync(SqlDatabase db, string? target = null, Action<string>? log = null,
        CancellationToken ct = default)
    {
        target ??= SchemaInitializer.HeadRevision;
        if (target != SchemaInitializer.HeadRevision && Chain.All(m => m.Revision != target))
            throw new MlflowException(ErrorCode.INVALID_PARAMETER_VALUE, $"Unknown target revision '{target}'.");

        string? start;
        await using (var probe = await db.OpenAsync(ct)) start = await SchemaInitializer.ReadRevisionAsync(probe, db, ct);
        if (start is null || start == SchemaInitializer.HeadRevision || !IsKnown(start))
        {
            // Nothing to migrate: create (empty database), accept head, or leave a newer schema alone.
            var state = await SchemaInitializer.EnsureAsync(db, ct);
            var outcome = state switch { SchemaState.Created => UpgradeOutcome.Created, SchemaState.Current => UpgradeOutcome.AlreadyCurrent, _ => UpgradeOutcome.Newer };
            return new UpgradeResult(outcome, start, state == SchemaState.Newer ? start : SchemaInitializer.HeadRevision, 0);
        }
        CheckSupported(start);

        await using var conn = await db.OpenAsync(ct);
        return conn is NpgsqlConnection pg
            ? await RunPostgresAsync(pg, db, target, log, ct)
            : await RunSqliteAsync((SqliteConnection)conn, db, target, log, ct);
    }

    private static async Task<UpgradeResult> RunPostgresAsync(NpgsqlConnection conn, SqlDatabase db, string target, Action<string>? log, CancellationToken ct)
    {
        await conn.Sql("SELECT pg_advisory_lock(@k)").P("@k", SchemaInitializer.PgLockKey).ExecAsync(ct);
        try
        {
            return await RunStepsAsync(conn, db, target, log, ct);
        }
        finally
        {
            await conn.Sql("SELECT pg_advisory_unlock(@k)").P("@k", SchemaInitializer.PgLockKey).ExecAsync(CancellationToken.None);
        }
    }

    private static async Task<UpgradeResult> RunSqliteAsync(SqliteConnection conn, SqlDatabase db, string target, Action<string>? log, CancellationToken ct)
    {
        // Table rebuilds drop parent tables; with enforcement on, SQLite would delete (or cascade into) their
        // children. The pragma cannot change inside a transaction, and the pooled connection must get it back.
        var enforced = Convert.ToInt64(await conn.Sql("PRAGMA foreign_keys").ScalarAsync(ct)) == 1;
        await conn.Sql("PRAGMA foreign_keys = OFF").ExecAsync(ct);
        try
        {
            return await RunStepsAsync(conn, db, target, log, ct);
        }
        finally
        {
            if (enforced) await conn.Sql("PRAGMA foreign_keys = ON").ExecAsync(CancellationToken.None);
        }
    }

    private static async Task<UpgradeResult> RunStepsAsync(DbConnection conn, SqlDatabase db, string target, Action<string>? log, CancellationToken ct)
    {
        string? from = null;
        var steps = 0;
        while (true)
        {
            var tx = await BeginAsync(conn, ct);
            try
            {
                // Read inside the lock: another process may have moved the database on meanwhile.
                var revision = await SchemaInitializer.ReadRevisionAsync(conn, db, ct)
                    ?? throw new MlflowException(ErrorCode.INVALID_STATE, "alembic_version disappeared during the upgrade.");
                from ??= revision;
                var position = IndexOf(revision);
                if (revision == target || position >= IndexOf(target))
                {
                    await CommitAsync(conn, tx, ct);
                    return new UpgradeResult(steps == 0 ? UpgradeOutcome.AlreadyCurrent : UpgradeOutcome.Upgraded, from, revision, steps);
                }
                CheckSupported(revision);
                var step = Chain[position + 1];
                var context = new MigrationContext(conn, tx, db.Dialect.Kind, ct);
                await step.Up(context);
                await conn.Sql("UPDATE alembic_version SET version_num = @new WHERE version_num = @old", tx)
                    .P("@new", step.Revision).P("@old", revision).ExecAsync(ct);
                await CommitAsync(conn, tx, ct);
                steps++;
                log?.Invoke($"Upgraded {revision} -> {step.Revision}: {step.Summary}");
            }
            catch
            {
                await RollbackAsync(conn, tx);
                throw;
            }
            finally
            {
                if (tx is not null) await tx.DisposeAsync();
            }
        }
    }

    /// <summary>Position in the chain: -1 for <see cref="OldestRevision"/>, 0 for the first step's result, ...</summary>
    private static int IndexOf(string revision)
    {
        if (revision == OldestRevision) return -1;
        for (var i = 0; i < Chain.Count; i++) if (Chain[i].Revision == revision) return i;
        return int.MinValue;
    }

    private static bool IsKnown(string revision) => Array.IndexOf(SchemaInitializer.KnownRevisions, revision) >= 0;

    private static void CheckSupported(string revision)
    {
        if (IndexOf(revision) != int.MinValue) return;
        throw new MlflowException(ErrorCode.INVALID_STATE,
            $"The database is at alembic revision {revision}, older than MLflow 2.0's ({OldestRevision}), the oldest " +
            "'sharpflow db upgrade' can upgrade from. Upgrade it to MLflow 2.0 or later with 'mlflow db upgrade' first.");
    }

    private static async Task<DbTransaction?> BeginAsync(DbConnection conn, CancellationToken ct)
    {
        if (conn is NpgsqlConnection) return await conn.BeginTransactionAsync(ct);
        // IMMEDIATE takes the write lock up front: two upgraders never both read the same revision and migrate.
        await conn.Sql("BEGIN IMMEDIATE").ExecAsync(ct);
        return null;
    }

    private static async Task CommitAsync(DbConnection conn, DbTransaction? tx, CancellationToken ct)
    {
        if (tx is not null) await tx.CommitAsync(ct);
        else await conn.Sql("COMMIT").ExecAsync(ct);
    }

    private static async Task RollbackAsync(DbConnection conn, DbTransaction? tx)
    {
        try
        {
            if (tx is not null) await tx.RollbackAsync(CancellationToken.None);
            else await conn.Sql("ROLLBACK").ExecAsync(CancellationToken.None);
        }
        catch (DbException)
        {
            // The failure may already have ended the transaction; the original error is the one to report.
        }
    }
}
