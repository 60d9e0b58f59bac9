using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Sharpflow.Core.Errors;
using Sharpflow.Store.Sql.Dialects;

namespace Sharpflow.Store.Sql;

/// <summary>
/// The database behind the store: opens pooled connections and runs units of work in transactions.
/// SQLite allows one writer at a time, so writes from this process queue on a semaphore instead of
/// failing with "database is locked"; other processes are handled by busy_timeout and retries.
/// </summary>
public sealed class SqlDatabase : IAsyncDisposable
{
    private readonly SemaphoreSlim _sqliteWriter = new(1, 1);
    private readonly NpgsqlDataSource? _pg;
    private readonly string _connectionString;

    public SqlDatabase(StoreUri uri)
    {
        Uri = uri;
        Dialect = Dialects.Dialects.For(uri.Kind);
        _connectionString = uri.ConnectionString;
        if (uri.Kind == DbKind.Postgres) _pg = NpgsqlDataSource.Create(uri.ConnectionString);
    }

    public StoreUri Uri { get; }

    public ISqlDialect Dialect { get; }

    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        DbConnection conn = _pg is not null ? _pg.CreateConnection() : new SqliteConnection(_connectionString);
        try
        {
            await conn.OpenAsync(ct).ConfigureAwait(false);
            if (Dialect.ConnectionSetup is { } setup)
            {
                await using var cmd = conn.CreateCommand();
                cmd.CommandText = setup;
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

    /// <summary>Runs a read-only unit of work on its own connection.</summary>
    public async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct).ConfigureAwait(false);
        try
        {
            return await work(conn).ConfigureAwait(false);
        }
        catch (DbException e) when (Dialect.IsConnectionFailure(e))
        {
            throw new MlflowException(ErrorCode.TEMPORARILY_UNAVAILABLE, $"Database unavailable: {e.Message}", e);
        }
    }

    /// <summary>
    /// Runs a unit of work in one transaction: all of it commits or none of it does. Lock conflicts are
    /// retried from the start, so the work must not have effects outside the database.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct = default)
    {
        const int maxAttempts = 5;
        for (var attempt = 1; ; attempt++)
        {
            var locked = false;
            if (Dialect.Kind == DbKind.Sqlite)
            {
                await _sqliteWriter.WaitAsync(ct).ConfigureAwait(false);
                locked = true;
            }
            try
            {
                await using var conn = await OpenAsync(ct).ConfigureAwait(false);
                await using var tx = conn is SqliteConnection sqlite
                    ? sqlite.BeginTransaction(deferred: false)
                    : await conn.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct).ConfigureAwait(false);
                var result = await work(conn, tx).ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);
                return result;
            }
            catch (DbException e) when (Dialect.IsRetryable(e) && attempt < maxAttempts)
            {
                // fall through to retry with backoff
            }
            catch (DbException e) when (Dialect.IsValueRejected(e))
            {
                throw MlflowException.InvalidParameter($"A value does not fit its database column: {e.Message}");
            }
            catch (DbException e) when (Dialect.IsConnectionFailure(e) || Dialect.IsRetryable(e))
            {
                throw new MlflowException(ErrorCode.TEMPORARILY_UNAVAILABLE, $"Database unavailable: {e.Message}", e);
            }
            finally
            {
                if (locked) _sqliteWriter.Release();
            }
            await Task.Delay(Random.Shared.Next(10, 50) * attempt, ct).ConfigureAwait(false);
        }
    }

    public Task WriteAsync(Func<DbConnection, DbTransaction, Task> work, CancellationToken ct = default) =>
        WriteAsync<bool>(async (c, t) => { await work(c, t).ConfigureAwait(false); return true; }, ct);

    public async ValueTask DisposeAsync()
    {
        if (_pg is not null) await _pg.DisposeAsync().ConfigureAwait(false);
        else SqliteConnection.ClearAllPools();
        _sqliteWriter.Dispose();
    }
}
