using System.Text.RegularExpressions;
using Npgsql;

namespace Sharpflow.Store.Tests;

/// <summary>
/// A uniquely named scratch database on the server named by SHARPFLOW_TEST_PG (an admin
/// URI such as postgresql://postgres@127.0.0.1:5432/postgres, or an Npgsql connection
/// string), dropped again on dispose. scripts/pg-test-cluster.sh starts a suitable server.
/// </summary>
public sealed class PgTestDatabase : IAsyncDisposable
{
    public const string EnvVar = "SHARPFLOW_TEST_PG";

    private static readonly Lazy<string?> Admin = new(() =>
        Environment.GetEnvironmentVariable(EnvVar) is { Length: > 0 } value ? ToConnectionString(value) : null);

    private PgTestDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }
    public string ConnectionString { get; }

    public static bool IsConfigured => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(EnvVar));

    /// <summary>In CI a missing server is an error, not a reason to skip.</summary>
    public static bool IsCi => Environment.GetEnvironmentVariable("CI")?.Trim().ToLowerInvariant() is "true" or "1";

    public static async Task<PgTestDatabase> CreateAsync(string label = "test")
    {
        var admin = Admin.Value ?? throw new InvalidOperationException(
            $"{EnvVar} is not set, and CI=true requires the PostgreSQL tests to run. " +
            $"Start a server with scripts/pg-test-cluster.sh start DIR PORT and export {EnvVar}=<the printed URI>.");

        var slug = Regex.Replace(label.ToLowerInvariant(), "[^a-z0-9_]", "_");
        var name = $"sharpflow_test_{slug[..Math.Min(slug.Length, 16)]}_{Guid.NewGuid().ToString("N")[..12]}";
        await using (var conn = new NpgsqlConnection(admin))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return new PgTestDatabase(name, builder.ConnectionString);
    }

    public async Task<NpgsqlConnection> OpenAsync()
    {
        var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        return conn;
    }

    /// <summary>Runs the statements in order; in one transaction unless told otherwise.</summary>
    public async Task ExecuteAsync(IEnumerable<string> statements, bool inTransaction = true)
    {
        await using var conn = await OpenAsync();
        await using var tx = inTransaction ? await conn.BeginTransactionAsync() : null;
        foreach (var sql in statements)
        {
            await using var cmd = new NpgsqlCommand(sql, conn, tx);
            try
            {
                await cmd.ExecuteNonQueryAsync();
            }
            catch (PostgresException e)
            {
                throw new InvalidOperationException($"Statement failed in {Name}: {e.MessageText}\n{sql}", e);
            }
        }
        if (tx is not null) await tx.CommitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await using var conn = new NpgsqlConnection(Admin.Value);
        await conn.OpenAsync();
        // FORCE: a failed test may leave a connection behind.
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Accepts postgres[ql]://[user[:password]@][host][:port][/database][?param=value&amp;...]
    /// (libpq style; host may also come from ?host=/socket/dir) or an Npgsql connection
    /// string, and returns an Npgsql connection string without pooling, so that dropping
    /// a scratch database is never blocked by an idle pooled connection.
    /// </summary>
    public static string ToConnectionString(string uriOrConnectionString)
    {
        var value = uriOrConnectionString.Trim();
        var m = Regex.Match(value,
            @"^postgres(?:ql)?://(?:(?<user>[^:@/]*)(?::(?<password>[^@/]*))?@)?(?<hosts>[^/?]*)(?:/(?<db>[^?]*))?(?:\?(?<query>.*))?$");
        NpgsqlConnectionStringBuilder builder;
        if (!m.Success)
        {
            if (value.Contains("://")) throw new ArgumentException($"Not a PostgreSQL URI: {value}");
            builder = new NpgsqlConnectionStringBuilder(value);
        }
        else
        {
            builder = new NpgsqlConnectionStringBuilder();
            string Decode(string group) => Uri.UnescapeDataString(m.Groups[group].Value);
            if (m.Groups["user"].Value.Length > 0) builder.Username = Decode("user");
            if (m.Groups["password"].Success) builder.Password = Decode("password");
            if (m.Groups["db"].Value.Length > 0) builder.Database = Decode("db");
            SetHosts(builder, Decode("hosts"));
            foreach (var pair in m.Groups["query"].Value.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=');
                var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
                var val = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
                SetParameter(builder, key, val);
            }
            if (string.IsNullOrEmpty(builder.Host)) builder.Host = "localhost";
        }
        builder.Pooling = false;
        return builder.ConnectionString;
    }

    private static void SetHosts(NpgsqlConnectionStringBuilder builder, string hosts)
    {
        if (hosts.Length == 0) return;
        if (hosts.Contains(','))
        {
            builder.Host = hosts; // Npgsql understands "h1:p1,h2:p2" itself
            return;
        }
        var hm = Regex.Match(hosts, @"^(?:\[(?<host>[^\]]+)\]|(?<host>[^:]*))(?::(?<port>\d+))?$");
        if (!hm.Success) throw new ArgumentException($"Cannot parse host '{hosts}' in {EnvVar}.");
        if (hm.Groups["host"].Value.Length > 0) builder.Host = hm.Groups["host"].Value;
        if (hm.Groups["port"].Success) builder.Port = int.Parse(hm.Groups["port"].Value);
    }

    private static void SetParameter(NpgsqlConnectionStringBuilder builder, string key, string value)
    {
        switch (key.ToLowerInvariant())
        {
            case "host": builder.Host = value; break;
            case "port": builder.Port = int.Parse(value); break;
            case "user": builder.Username = value; break;
            case "password": builder.Password = value; break;
            case "dbname": builder.Database = value; break;
            case "application_name": builder.ApplicationName = value; break;
            case "connect_timeout": builder.Timeout = int.Parse(value); break;
            case "options": builder.Options = value; break;
            case "sslmode":
                builder.SslMode = Enum.Parse<SslMode>(value.Replace("-", ""), ignoreCase: true);
                break;
            default:
                try { builder[key] = value; }
                catch (ArgumentException e)
                {
                    throw new ArgumentException($"Unsupported parameter '{key}' in {EnvVar}.", e);
                }
                break;
        }
    }
}

/// <summary>
/// A fact that needs PostgreSQL: skipped (with directions) when SHARPFLOW_TEST_PG is unset,
/// except under CI=true, where it runs and fails instead of silently not testing.
/// </summary>
public sealed class PgFactAttribute : FactAttribute
{
    public PgFactAttribute()
    {
        if (!PgTestDatabase.IsConfigured && !PgTestDatabase.IsCi)
            Skip = $"{PgTestDatabase.EnvVar} is not set. To run: export {PgTestDatabase.EnvVar}=$(scripts/pg-test-cluster.sh start /tmp/sharpflow-pg 55432)";
    }
}
