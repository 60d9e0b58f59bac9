using Npgsql;

namespace Sharpflow.Http.Tests;

/// <summary>An empty database on SHARPFLOW_TEST_PG's server, dropped on dispose; for tests that need a URI of their own.</summary>
public sealed class PgScratch : IAsyncDisposable
{
    private PgScratch(string name) => Name = name;

    public string Name { get; }

    public static string Admin => TestServer.PgAdminUri ?? throw new InvalidOperationException("SHARPFLOW_TEST_PG is not set");

    /// <summary>The database's URI over TCP, in the admin URI's form.</summary>
    public string Uri => Admin[..Admin.LastIndexOf('/')] + "/" + Name;

    public static async Task<PgScratch> CreateAsync()
    {
        var scratch = new PgScratch("sf_" + Guid.NewGuid().ToString("N")[..16]);
        await ExecAdminAsync($"CREATE DATABASE {scratch.Name}");
        return scratch;
    }

    public static async Task<string> ScalarAdminAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(Sharpflow.Store.StoreUri.Parse(Admin).ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToString(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)!;
    }

    private static async Task ExecAdminAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(Sharpflow.Store.StoreUri.Parse(Admin).ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task<string?> ScalarAsync(string sql)
    {
        var b = new NpgsqlConnectionStringBuilder(Sharpflow.Store.StoreUri.Parse(Uri).ConnectionString) { Pooling = false };
        await using var conn = new NpgsqlConnection(b.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToString(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecAdminAsync($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
    }
}

/// <summary>A fact that needs PostgreSQL: skipped when SHARPFLOW_TEST_PG is unset, except under CI=true, where it runs and fails.</summary>
public sealed class PgFactAttribute : FactAttribute
{
    public PgFactAttribute()
    {
        if (TestServer.PgAdminUri is null && Environment.GetEnvironmentVariable("CI") != "true")
            Skip = "SHARPFLOW_TEST_PG is not set (start one with scripts/pg-test-cluster.sh start DIR PORT)";
    }
}
