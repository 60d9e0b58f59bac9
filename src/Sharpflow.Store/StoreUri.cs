using Microsoft.Data.Sqlite;
using Npgsql;
using Sharpflow.Core.Errors;

namespace Sharpflow.Store;

public enum DbKind { Sqlite, Postgres }

/// <summary>A backend store URI as MLflow users write it, turned into a provider connection string.</summary>
public sealed record StoreUri(DbKind Kind, string ConnectionString, string Display)
{
    public static StoreUri Parse(string uri)
    {
        if (string.IsNullOrWhiteSpace(uri)) throw Bad(uri, "the URI is empty");
        var schemeEnd = uri.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0) throw Bad(uri, "expected <dialect>://..., e.g. sqlite:///mlflow.db or postgresql://user:pw@host/db");
        var scheme = uri[..schemeEnd].ToLowerInvariant();
        var dialect = scheme.Split('+')[0];
        return dialect switch
        {
            "sqlite" => ParseSqlite(uri, uri[(schemeEnd + 3)..]),
            "postgresql" or "postgres" => ParsePostgres(uri, uri[(schemeEnd + 3)..]),
            _ => throw Bad(uri, $"unsupported database dialect '{dialect}' (supported: sqlite, postgresql)"),
        };
    }

    private static StoreUri ParseSqlite(string uri, string rest)
    {
        // sqlite:///relative.db -> rest "/relative.db"; sqlite:////abs.db -> rest "//abs.db".
        if (rest.Length == 0 || rest == "/" || rest.StartsWith("/:memory:", StringComparison.Ordinal))
            throw Bad(uri, "in-memory SQLite is not supported by a server; give a file path such as sqlite:///mlflow.db");
        if (!rest.StartsWith('/')) throw Bad(uri, "SQLite URIs have no host: use sqlite:///relative.db or sqlite:////absolute/path.db");
        var path = rest[1..];
        var query = path.IndexOf('?');
        if (query >= 0) path = path[..query];
        path = Uri.UnescapeDataString(path);
        var full = Path.GetFullPath(path);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Default,
            Pooling = true,
            DefaultTimeout = 30,
        };
        return new StoreUri(DbKind.Sqlite, builder.ToString(), "sqlite:///" + full);
    }

    private static StoreUri ParsePostgres(string uri, string rest)
    {
        string? query = null;
        var q = rest.IndexOf('?');
        if (q >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }
        var at = rest.LastIndexOf('@');
        string? user = null, password = null;
        var hostPart = rest;
        if (at >= 0)
        {
            var userInfo = rest[..at];
            hostPart = rest[(at + 1)..];
            var colon = userInfo.IndexOf(':');
            user = Uri.UnescapeDataString(colon >= 0 ? userInfo[..colon] : userInfo);
            password = colon >= 0 ? Uri.UnescapeDataString(userInfo[(colon + 1)..]) : null;
        }
        var slash = hostPart.IndexOf('/');
        var hostPort = slash >= 0 ? hostPart[..slash] : hostPart;
        var database = slash >= 0 ? Uri.UnescapeDataString(hostPart[(slash + 1)..]) : "";
        if (database.Length == 0) throw Bad(uri, "no database name: expected postgresql://user:password@host:port/database");

        // Fail fast on an unreachable database: 10 s to connect unless the URI says otherwise.
        var b = new NpgsqlConnectionStringBuilder { Database = database, Username = user, Password = password, Timeout = 10 };
        if (hostPort.Length > 0)
        {
            var portSep = hostPort.LastIndexOf(':');
            if (portSep > 0 && !hostPort.EndsWith(']'))
            {
                b.Host = hostPort[..portSep].Trim('[', ']');
                b.Port = Port(uri, hostPort[(portSep + 1)..]);
            }
            else b.Host = hostPort.Trim('[', ']');
        }
        foreach (var pair in (query ?? "").Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var key = Uri.UnescapeDataString(eq >= 0 ? pair[..eq] : pair).ToLowerInvariant();
            var value = eq >= 0 ? Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' ')) : "";
            switch (key)
            {
                // Cloud SQL's Unix socket: ?host=/cloudsql/project:region:instance (a directory).
                case "host": b.Host = value; break;
                case "port": b.Port = Port(uri, value); break;
                case "sslmode":
                    b.SslMode = Enum.TryParse<SslMode>(value.Replace("-", ""), ignoreCase: true, out var mode) && !int.TryParse(value, out _) ? mode
                        : throw Bad(uri, $"invalid sslmode '{value}' (expected disable, allow, prefer, require, verify-ca or verify-full)");
                    break;
                case "user": b.Username = value; break;
                case "password": b.Password = value; break;
                case "connect_timeout":
                    b.Timeout = int.TryParse(value, out var timeout) && timeout >= 0 ? timeout : throw Bad(uri, $"invalid connect_timeout '{value}'");
                    break;
                case "application_name": b.ApplicationName = value; break;
                default: break; // libpq options Npgsql has no use for are ignored, as psycopg2 would pass them through.
            }
        }
        if (string.IsNullOrEmpty(b.Host)) b.Host = "localhost";
        if (b.Password is null) b.Password = PasswordFromEnvironment(uri);
        ApplyPoolSettings(b, uri);
        var display = $"postgresql://{user}@{(b.Host.StartsWith('/') ? "(socket " + b.Host + ")" : b.Host + ":" + b.Port)}/{database}";
        return new StoreUri(DbKind.Postgres, b.ToString(), display);
    }

    /// <summary>
    /// A password kept out of the command line: SHARPFLOW_DB_PASSWORD_FILE (a mounted secret, e.g. Cloud Run's
    /// Secret Manager volume; one trailing newline is dropped) or PGPASSWORD (libpq's variable, e.g. Cloud Run's
    /// secret-as-environment-variable). Npgsql also reads PGPASSFILE itself.
    /// </summary>
    private static string? PasswordFromEnvironment(string uri)
    {
        var file = Environment.GetEnvironmentVariable("SHARPFLOW_DB_PASSWORD_FILE");
        if (!string.IsNullOrEmpty(file))
        {
            try
            {
                var text = File.ReadAllText(file);
                return text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2] : text.EndsWith('\n') ? text[..^1] : text;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw Bad(uri, $"cannot read SHARPFLOW_DB_PASSWORD_FILE '{file}': {e.Message}");
            }
        }
        var env = Environment.GetEnvironmentVariable("PGPASSWORD");
        return string.IsNullOrEmpty(env) ? null : env;
    }

    /// <summary>
    /// Connections per server process. The default, 15, is what MLflow's SQLAlchemy store allows per worker
    /// (MLFLOW_SQLALCHEMYSTORE_POOL_SIZE 5 + MLFLOW_SQLALCHEMYSTORE_MAX_OVERFLOW 10), which those variables still
    /// set; SHARPFLOW_DB_POOL_SIZE sets the total directly. Requests beyond it wait for a free connection (up to the
    /// connect timeout) rather than opening more: a small Cloud SQL tier allows only 25 connections for all instances,
    /// and Cloud Run may run several. MLFLOW_SQLALCHEMYSTORE_POOL_RECYCLE (seconds) caps a connection's lifetime;
    /// SHARPFLOW_DB_CONNECT_TIMEOUT and SHARPFLOW_DB_COMMAND_TIMEOUT (seconds) bound waits.
    /// </summary>
    private static void ApplyPoolSettings(NpgsqlConnectionStringBuilder b, string uri)
    {
        int? Int(string name)
        {
            var raw = Environment.GetEnvironmentVariable(name);
            if (string.IsNullOrEmpty(raw)) return null;
            return int.TryParse(raw, out var v) && v >= 0 ? v : throw Bad(uri, $"{name} must be a non-negative integer, got '{raw}'");
        }
        b.MaxPoolSize = Int("SHARPFLOW_DB_POOL_SIZE") is { } total and > 0 ? total
            : Math.Max(1, (Int("MLFLOW_SQLALCHEMYSTORE_POOL_SIZE") ?? 5) + (Int("MLFLOW_SQLALCHEMYSTORE_MAX_OVERFLOW") ?? 10));
        if (Int("MLFLOW_SQLALCHEMYSTORE_POOL_RECYCLE") is { } recycle and > 0) b.ConnectionLifetime = recycle;
        if (Int("SHARPFLOW_DB_CONNECT_TIMEOUT") is { } connect && !uri.Contains("connect_timeout=", StringComparison.Ordinal)) b.Timeout = connect;
        if (Int("SHARPFLOW_DB_COMMAND_TIMEOUT") is { } command) b.CommandTimeout = command;
    }

    private static int Port(string uri, string value) =>
        int.TryParse(value, out var port) && port is > 0 and <= 65535 ? port : throw Bad(uri, $"invalid port '{value}'");

    private static MlflowException Bad(string uri, string why) =>
        MlflowException.InvalidParameter($"Invalid backend store URI '{Redact(uri)}': {why}.");

    public static string Redact(string uri)
    {
        uri = System.Text.RegularExpressions.Regex.Replace(uri, "([?&]password=)[^&]*", "$1***", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        var at = uri.LastIndexOf('@');
        var start = uri.IndexOf("://", StringComparison.Ordinal);
        if (at < 0 || start < 0 || at < start) return uri;
        var userInfo = uri[(start + 3)..at];
        var colon = userInfo.IndexOf(':');
        return colon < 0 ? uri : uri[..(start + 3)] + userInfo[..colon] + ":***" + uri[at..];
    }
}
