using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Sharpflow.Core.Errors;
using Sharpflow.Store.Sql.Dialects;

namespace Sharpflow.Store.Sql;

/// <summary>
/// The database behind the store: opens pooled connections and runs units of work in transactions.
/// SQLite allows one writer at a time, so writes from this process queue (and commit in groups, see
/// WriteSqliteAsync) instead of failing with "database is locked"; other processes are handled by busy_timeout
/// and retries.
/// </summary>
public sealed class SqlDatabase : IAsyncDisposable
{
    private readonly SemaphoreSlim _sqliteWriter = new(1, 1);
    private readonly NpgsqlDataSource? _pg;
    private readonly string _connectionString;
    private string? _sqliteJournalSetup;

    /// <param name="passwordProvider">
    /// PostgreSQL only: supplies the password for new connections and is asked again every few minutes (a failure is
    /// retried after 10 s), for credentials that expire, such as Cloud SQL IAM database authentication's access tokens.
    /// </param>
    public SqlDatabase(StoreUri uri, Func<CancellationToken, ValueTask<string>>? passwordProvider = null)
    {
        Uri = uri;
        Dialect = Dialects.Dialects.For(uri.Kind);
        _connectionString = uri.ConnectionString;
        if (uri.Kind == DbKind.Postgres)
        {
            // Statements the store runs again and again (log-batch's inserts, the run lookup, searches of one
            // shape) are prepared on the server after their second use, so PostgreSQL parses and plans them once
            // per connection instead of on every call.
            var cs = new NpgsqlConnectionStringBuilder(uri.ConnectionString);
            if (cs.MaxAutoPrepare == 0)
            {
                cs.MaxAutoPrepare = 64;
                cs.AutoPrepareMinUsages = 2;
            }
            // The store keeps no session state on a connection (no SET, temp tables or held locks past a unit of
            // work), so the reset Npgsql would send with the next command after each return to the pool is wasted
            // work on PostgreSQL for every request.
            if (!uri.ConnectionString.Contains("No Reset On Close", StringComparison.OrdinalIgnoreCase)) cs.NoResetOnClose = true;
            if (passwordProvider is null) _pg = NpgsqlDataSource.Create(cs.ConnectionString);
            else
            {
                cs.Password = null;
                var builder = new NpgsqlDataSourceBuilder(cs.ConnectionString);
                builder.UsePeriodicPasswordProvider((_, ct) => passwordProvider(ct), TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(10));
                _pg = builder.Build();
            }
        }
    }

    public StoreUri Uri { get; }

    public ISqlDialect Dialect { get; }

    /// <summary>
    /// Opens a pooled connection. A server that refuses quickly (restarting, failing over: "the database system is
    /// starting up", connection refused) is tried again a few times over about two seconds before the request gets 503
    /// TEMPORARILY_UNAVAILABLE; a timeout is not retried, so an unreachable host still fails within the connect timeout.
    /// </summary>
    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                return await OpenOnceAsync(ct).ConfigureAwait(false);
            }
            catch (MlflowException e) when (attempt < 4 && e.InnerException is DbException d && Dialect.IsConnectionFailure(d)
                                            && System.Diagnostics.Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(1))
            {
                await Task.Delay(150 * attempt * attempt, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task<DbConnection> OpenOnceAsync(CancellationToken ct)
    {
        DbConnection conn = _pg is not null ? _pg.CreateConnection() : new SqliteConnection(_connectionString);
        try
        {
            await conn.OpenAsync(ct).ConfigureAwait(false);
            if (Dialect.ConnectionSetup is { } setup)
            {
                await using var cmd = conn.CreateCommand();
                cmd.CommandText = setup + (conn is SqliteConnection ? _sqliteJournalSetup ??= await SqliteJournalSetupAsync(conn, ct).ConfigureAwait(false) : "");
                await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            return conn;
        }
        catch (Exception e) when (e is DbException or System.Net.Sockets.SocketException or TimeoutException)
        {
            await conn.DisposeAsync().ConfigureAwait(false);
            throw new MlflowException(ErrorCode.TEMPORARILY_UNAVAILABLE, $"Could not connect to the database ({Uri.Display}): {e.Message}", e);
        }
    }

    /// <summary>
    /// Commits in SQLite's default DELETE journal mode create, fsync and delete the journal file and fsync the
    /// directory each time. PERSIST (a per-connection setting, compatible with other processes in DELETE mode)
    /// keeps the file and zeroes its header instead. A database someone switched to WAL keeps WAL: setting
    /// another mode would switch the file back.
    /// </summary>
    private static async Task<string> SqliteJournalSetupAsync(DbConnection conn, CancellationToken ct)
    {
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        var mode = (await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false)) as string;
        return string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase) ? ""
            : " PRAGMA journal_mode = PERSIST; PRAGMA journal_size_limit = 4194304;";
    }

    /// <summary>
    /// Runs a read-only unit of work on its own connection. A connection that turns out dead (the server restarted
    /// or failed over, or a proxy dropped it while it sat in the pool) is harmless to retry for a read: the pool is
    /// cleared and the work runs again on a fresh connection.
    /// </summary>
    public async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var conn = await OpenAsync(ct).ConfigureAwait(false);
            try
            {
                return await work(conn).ConfigureAwait(false);
            }
            catch (DbException e) when (Dialect.IsConnectionFailure(e) && attempt < 3)
            {
                ClearPool();
            }
            catch (DbException e) when (Dialect.IsConnectionFailure(e))
            {
                throw new MlflowException(ErrorCode.TEMPORARILY_UNAVAILABLE, $"Database unavailable: {e.Message}", e);
            }
        }
    }

    /// <summary>Drops idle pooled connections, which after a server restart are all dead.</summary>
    private void ClearPool()
    {
        if (_pg is not null) _pg.Clear();
    }

    /// <summary>
    /// Runs a unit of work in one transaction: all of it commits or none of it does. Lock conflicts are
    /// retried from the start, so the work must not have effects outside the database.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct = default)
    {
        if (Dialect.Kind == DbKind.Sqlite)
            return (T)(await WriteSqliteAsync(async (c, tx) => (object?)await work(c, tx).ConfigureAwait(false), ct).ConfigureAwait(false))!;
        const int maxAttempts = 5;
        for (var attempt = 1; ; attempt++)
        {
            var committing = false;
            try
            {
                await using var conn = await OpenAsync(ct).ConfigureAwait(false);
                await using var tx = await conn.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct).ConfigureAwait(false);
                var result = await work(conn, tx).ConfigureAwait(false);
                committing = true;
                await tx.CommitAsync(ct).ConfigureAwait(false);
                return result;
            }
            catch (DbException e) when (Dialect.IsRetryable(e) && attempt < maxAttempts)
            {
                // fall through to retry with backoff
            }
            catch (DbException e) when (Dialect.IsConnectionFailure(e) && !committing && attempt < 3)
            {
                // The connection died before COMMIT was sent, so the server rolled the transaction back: nothing was
                // written and the work can run again on a fresh connection. A failure during COMMIT leaves the outcome
                // unknown and is answered 503 below instead.
                ClearPool();
            }
            catch (DbException e) when (Dialect.IsValueRejected(e) || Dialect.IsConnectionFailure(e) || Dialect.IsRetryable(e))
            {
                throw Translate(e);
            }
            await Task.Delay(Random.Shared.Next(10, 50) * attempt, ct).ConfigureAwait(false);
        }
    }

    private Exception Translate(Exception e) => e switch
    {
        DbException d when Dialect.IsValueRejected(d) => MlflowException.InvalidParameter($"A value does not fit its database column: {d.Message}"),
        DbException d when Dialect.IsConnectionFailure(d) || Dialect.IsRetryable(d) =>
            new MlflowException(ErrorCode.TEMPORARILY_UNAVAILABLE, $"Database unavailable: {d.Message}", d),
        _ => e,
    };

    private sealed class PendingWrite(Func<DbConnection, DbTransaction, Task<object?>> work)
    {
        public Func<DbConnection, DbTransaction, Task<object?>> Work { get; } = work;
        public TaskCompletionSource<object?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private readonly ConcurrentQueue<PendingWrite> _sqliteQueue = new();
    private const int MaxWritesPerCommit = 32;

    /// <summary>
    /// SQLite has one writer at a time and each commit costs fsyncs, so writes that queue up while another commits
    /// are committed together (group commit): whoever takes the writer lock runs every queued unit of work, each
    /// inside its own SAVEPOINT, in arrival order, then commits once. A unit that fails is rolled back to its
    /// savepoint and fails alone; the others commit. Nobody is answered before the commit, so each request
    /// stays atomic and durable exactly as with a transaction of its own.
    /// </summary>
    private async Task<object?> WriteSqliteAsync(Func<DbConnection, DbTransaction, Task<object?>> work, CancellationToken ct)
    {
        var mine = new PendingWrite(work);
        _sqliteQueue.Enqueue(mine);
        while (!mine.Done.Task.IsCompleted)
        {
            await _sqliteWriter.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                if (mine.Done.Task.IsCompleted) break;
                var group = new List<PendingWrite>();
                while (group.Count < MaxWritesPerCommit && _sqliteQueue.TryDequeue(out var next)) group.Add(next);
                await CommitSqliteGroupAsync(group).ConfigureAwait(false);
            }
            finally
            {
                _sqliteWriter.Release();
            }
        }
        return await mine.Done.Task.ConfigureAwait(false);
    }

    /// <summary>Runs and commits one group; completes every unit's task (before the writer lock is released) and never throws.</summary>
    private async Task CommitSqliteGroupAsync(List<PendingWrite> group)
    {
        if (group.Count == 0) return;
        const int maxAttempts = 5;
        for (var attempt = 1; ; attempt++)
        {
            var outcomes = new (object? Result, Exception? Error)[group.Count];
            try
            {
                await using var conn = await OpenAsync(CancellationToken.None).ConfigureAwait(false);
                await using var tx = ((SqliteConnection)conn).BeginTransaction(deferred: false);
                if (group.Count == 1)
                {
                    // Alone: no savepoint, a failure simply leaves the transaction uncommitted.
                    try
                    {
                        outcomes[0].Result = await group[0].Work(conn, tx).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is not DbException d || !Dialect.IsRetryable(d))
                    {
                        group[0].Done.TrySetException(Translate(e));
                        return;
                    }
                }
                else
                {
                    for (var i = 0; i < group.Count; i++)
                    {
                        await tx.SaveAsync("sharpflow_write").ConfigureAwait(false);
                        try
                        {
                            outcomes[i].Result = await group[i].Work(conn, tx).ConfigureAwait(false);
                        }
                        catch (Exception e) when (e is not DbException d || !Dialect.IsRetryable(d))
                        {
                            outcomes[i].Error = e;
                            await tx.RollbackAsync("sharpflow_write").ConfigureAwait(false);
                        }
                        await tx.ReleaseAsync("sharpflow_write").ConfigureAwait(false);
                    }
                }
                await tx.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                for (var i = 0; i < group.Count; i++)
                {
                    if (outcomes[i].Error is { } error) group[i].Done.TrySetException(Translate(error));
                    else group[i].Done.TrySetResult(outcomes[i].Result);
                }
                return;
            }
            catch (DbException e) when (Dialect.IsRetryable(e) && attempt < maxAttempts)
            {
                // another process holds the database: run the whole group again after a pause
            }
            catch (Exception e)
            {
                var error = Translate(e);
                foreach (var pending in group) pending.Done.TrySetException(error);
                return;
            }
            await Task.Delay(Random.Shared.Next(10, 50) * attempt).ConfigureAwait(false);
        }
    }

    public Task WriteAsync(Func<DbConnection, DbTransaction, Task> work, CancellationToken ct = default) =>
        WriteAsync<bool>(async (c, t) => { await work(c, t).ConfigureAwait(false); return true; }, ct);

    public async ValueTask DisposeAsync()
    {
        if (_pg is not null) await _pg.DisposeAsync().ConfigureAwait(false);
        else
        {
            // Only this database's pool, which releases the file: ClearAllPools is process-wide and, with several
            // databases open in one process (the test suites run servers in parallel), can dispose the native handle
            // of a connection another database has just taken from its pool (an ObjectDisposedException there).
            using var own = new SqliteConnection(_connectionString);
            SqliteConnection.ClearPool(own);
        }
        _sqliteWriter.Dispose();
    }
}
