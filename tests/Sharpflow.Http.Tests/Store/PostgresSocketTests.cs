namespace Sharpflow.Http.Tests.Store;

/// <summary>
/// A server on PostgreSQL over its Unix socket, written as Cloud SQL users write it:
/// postgresql://user@/db?host=/socket/directory&amp;port=N (scripts/pg-test-cluster.sh puts the socket in DIR/socket).
/// </summary>
public class PostgresSocketTests
{
    [PgFact]
    public async Task Serves_over_the_unix_socket()
    {
        var socketDir = (await PgScratch.ScalarAdminAsync("SHOW unix_socket_directories")).Split(',')[0].Trim();
        var port = await PgScratch.ScalarAdminAsync("SHOW port");
        var user = await PgScratch.ScalarAdminAsync("SELECT current_user");
        Assert.True(socketDir.Length > 0 && Directory.Exists(socketDir),
            $"SHARPFLOW_TEST_PG's server has no Unix socket directory on this machine ('{socketDir}'); run the tests against a local server.");
        Assert.True(File.Exists(Path.Combine(socketDir, $".s.PGSQL.{port}")), $"no socket .s.PGSQL.{port} in {socketDir}");

        var scratch = await PgScratch.CreateAsync();
        var uri = $"postgresql://{user}@/{scratch.Name}?host={Uri.EscapeDataString(socketDir)}&port={port}";
        Assert.StartsWith("/", new Npgsql.NpgsqlConnectionStringBuilder(Sharpflow.Store.StoreUri.Parse(uri).ConnectionString).Host);
        TestServer server;
        try
        {
            server = await TestServer.StartAsync(uri, dropPgDatabase: scratch.Name); // drops the database on dispose
        }
        catch
        {
            await scratch.DisposeAsync();
            throw;
        }
        await using var s = server;

        var (status, health) = await s.GetAsync("/health");
        Assert.Equal(200, status);
        Assert.Equal("OK", health!.GetValue<string>());
        var id = await s.CreateExperimentAsync(Api.Unique("over-socket"), ("via", "unix-socket"));
        var (_, body) = await s.GetAsync($"{Api.Base}/experiments/get?experiment_id={id}");
        Assert.Equal("unix-socket", body!["experiment"]!["tags"]![0]!["value"]!.GetValue<string>());
        var runId = await s.CreateRunAsync(id, "socket-run", 1700000000000);
        await s.LogAsync(runId, [("m", 1.0)]);
        Assert.Equal(["socket-run"], (await s.SearchRunNamesAsync(id, "metrics.m = 1")).Names);

        // Really the socket: the server's own view of this session has no client address.
        Assert.Equal("", await SocketClientAddrAsync(uri));
    }

    private static async Task<string> SocketClientAddrAsync(string uri)
    {
        await using var conn = new Npgsql.NpgsqlConnection(Sharpflow.Store.StoreUri.Parse(uri).ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("SELECT COALESCE(inet_client_addr()::text, '')", conn);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }
}
