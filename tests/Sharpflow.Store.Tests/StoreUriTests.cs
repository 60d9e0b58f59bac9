using Microsoft.Data.Sqlite;
using Npgsql;
using Sharpflow.Core.Errors;

namespace Sharpflow.Store.Tests;

/// <summary>
/// Backend store URIs as MLflow users write them (SQLAlchemy URLs): SQLite relative and absolute paths, PostgreSQL with
/// driver suffixes, URL-escaped credentials, libpq query parameters and Cloud SQL's Unix-socket form; anything else
/// is an MlflowException naming the problem, with the password masked.
/// </summary>
public class StoreUriTests
{
    private static NpgsqlConnectionStringBuilder Pg(string uri)
    {
        var parsed = StoreUri.Parse(uri);
        Assert.Equal(DbKind.Postgres, parsed.Kind);
        return new NpgsqlConnectionStringBuilder(parsed.ConnectionString);
    }

    private static string SqlitePath(string uri)
    {
        var parsed = StoreUri.Parse(uri);
        Assert.Equal(DbKind.Sqlite, parsed.Kind);
        return new SqliteConnectionStringBuilder(parsed.ConnectionString).DataSource;
    }

    [Fact]
    public void Sqlite_three_slashes_is_relative_to_the_working_directory_and_four_is_absolute()
    {
        Assert.Equal(Path.GetFullPath("mlflow.db"), SqlitePath("sqlite:///mlflow.db"));
        Assert.Equal(Path.GetFullPath(Path.Combine("data", "sub", "mlflow.db")), SqlitePath("sqlite:///data/sub/mlflow.db"));
        Assert.Equal("/var/lib/mlflow/mlflow.db", SqlitePath("sqlite:////var/lib/mlflow/mlflow.db"));
        Assert.Equal("/tmp/x.db", SqlitePath("SQLITE:////tmp/x.db"));
        Assert.Equal("/tmp/x.db", SqlitePath("sqlite+pysqlite:////tmp/x.db"));
        Assert.Equal("/tmp/x.db", SqlitePath("sqlite:////tmp/x.db?timeout=20"));
        Assert.Equal("sqlite:////var/lib/mlflow/mlflow.db", StoreUri.Parse("sqlite:////var/lib/mlflow/mlflow.db").Display);
    }

    [Fact]
    public void Postgresql_with_and_without_driver_suffix()
    {
        var b = Pg("postgresql://mlflow:pw@db.internal:5433/tracking");
        Assert.Equal(("db.internal", 5433, "mlflow", "pw", "tracking"), (b.Host, b.Port, b.Username, b.Password, b.Database));

        b = Pg("postgresql+psycopg2://mlflow:pw@db.internal/tracking");
        Assert.Equal(("db.internal", 5432, "mlflow", "pw", "tracking"), (b.Host, b.Port, b.Username, b.Password, b.Database));
        Assert.Equal("tracking", Pg("postgresql+psycopg://u@h/tracking").Database);
        Assert.Equal("tracking", Pg("postgres://u@h/tracking").Database);

        b = Pg("postgresql://u@[::1]:6000/db");
        Assert.Equal(("::1", 6000), (b.Host, b.Port));
        Assert.Equal("localhost", Pg("postgresql://u@/db").Host);
        Assert.Equal(10, Pg("postgresql://u@h/db").Timeout); // a dead server is reported within seconds
    }

    [Fact]
    public void Url_escaped_credentials_and_names_are_decoded()
    {
        var b = Pg("postgresql://svc%2Bml:p%40ss%3Aw@db:5432/my%2Ddb");
        Assert.Equal("svc+ml", b.Username);
        Assert.Equal("p@ss:w", b.Password);
        Assert.Equal("my-db", b.Database);
        Assert.Equal("", Pg("postgresql://u:@h/db").Password ?? "");
        var parsed = StoreUri.Parse("postgresql://svc:p%40ss%3Aw@db:5432/mlflow");
        Assert.DoesNotContain("p%40ss", parsed.Display);
        Assert.DoesNotContain("p@ss", parsed.Display);
    }

    [Fact]
    public void Cloud_sql_unix_socket_form()
    {
        var b = Pg("postgresql://u:pw@/db?host=/cloudsql/proj:europe-west1:inst");
        Assert.Equal(("/cloudsql/proj:europe-west1:inst", "u", "pw", "db"), (b.Host, b.Username, b.Password, b.Database));
        Assert.Equal("postgresql://u@(socket /cloudsql/proj:europe-west1:inst)/db", StoreUri.Parse("postgresql://u:pw@/db?host=/cloudsql/proj:europe-west1:inst").Display);

        b = Pg("postgresql+psycopg2://u:pw@/db?host=%2Fvar%2Frun%2Fpostgresql&port=5433");
        Assert.Equal(("/var/run/postgresql", 5433), (b.Host, b.Port));
    }

    [Fact]
    public void Libpq_query_parameters()
    {
        var b = Pg("postgresql://u@h/db?sslmode=verify-full&connect_timeout=5&application_name=sharpflow%20prod&options=-c%20x%3D1");
        Assert.Equal(SslMode.VerifyFull, b.SslMode);
        Assert.Equal(5, b.Timeout);
        Assert.Equal("sharpflow prod", b.ApplicationName);
        Assert.Equal(SslMode.Require, Pg("postgresql://u@h/db?sslmode=require").SslMode);
        Assert.Equal(SslMode.Disable, Pg("postgresql://u@h/db?SSLMODE=disable").SslMode);

        b = Pg("postgresql://h/db?user=bob&password=secret");
        Assert.Equal(("bob", "secret"), (b.Username, b.Password));
    }

    [Fact]
    public void Pgpassword_fills_in_a_missing_password()
    {
        var saved = Environment.GetEnvironmentVariable("PGPASSWORD");
        Environment.SetEnvironmentVariable("PGPASSWORD", "from-env");
        try
        {
            Assert.Equal("from-env", Pg("postgresql://u@h/db").Password);
            Assert.Equal("given", Pg("postgresql://u:given@h/db").Password);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PGPASSWORD", saved);
        }
    }

    private static void WithEnv(Action check, params (string Name, string? Value)[] vars)
    {
        var saved = vars.Select(v => (v.Name, Environment.GetEnvironmentVariable(v.Name))).ToList();
        foreach (var (name, value) in vars) Environment.SetEnvironmentVariable(name, value);
        try { check(); }
        finally { foreach (var (name, value) in saved) Environment.SetEnvironmentVariable(name, value); }
    }

    [Fact]
    public void A_password_file_keeps_the_password_off_the_command_line()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, "s3cr:t/with@chars\n");
        try
        {
            WithEnv(() =>
            {
                Assert.Equal("s3cr:t/with@chars", Pg("postgresql://u@/db?host=/cloudsql/p:r:i").Password);
                Assert.Equal("given", Pg("postgresql://u:given@h/db").Password);
            }, ("SHARPFLOW_DB_PASSWORD_FILE", file), ("PGPASSWORD", "from-env"));
            WithEnv(() =>
            {
                var e = Assert.Throws<MlflowException>(() => Pg("postgresql://u@h/db"));
                Assert.Contains("cannot read SHARPFLOW_DB_PASSWORD_FILE", e.Message);
            }, ("SHARPFLOW_DB_PASSWORD_FILE", file + ".missing"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Pool_size_and_timeouts_follow_mlflows_variables_and_ours()
    {
        WithEnv(() =>
        {
            var b = Pg("postgresql://u@h/db");
            Assert.Equal(15, b.MaxPoolSize);
            Assert.Equal(10, b.Timeout);
        }, ("SHARPFLOW_DB_POOL_SIZE", null), ("MLFLOW_SQLALCHEMYSTORE_POOL_SIZE", null), ("MLFLOW_SQLALCHEMYSTORE_MAX_OVERFLOW", null));
        WithEnv(() =>
        {
            var b = Pg("postgresql://u@h/db");
            Assert.Equal(8, b.MaxPoolSize);
            Assert.Equal(600, b.ConnectionLifetime);
        }, ("SHARPFLOW_DB_POOL_SIZE", null), ("MLFLOW_SQLALCHEMYSTORE_POOL_SIZE", "3"), ("MLFLOW_SQLALCHEMYSTORE_MAX_OVERFLOW", "5"),
           ("MLFLOW_SQLALCHEMYSTORE_POOL_RECYCLE", "600"));
        WithEnv(() =>
        {
            var b = Pg("postgresql://u@h/db");
            Assert.Equal((40, 3, 120), (b.MaxPoolSize, b.Timeout, b.CommandTimeout));
            Assert.Equal(7, Pg("postgresql://u@h/db?connect_timeout=7").Timeout);
        }, ("SHARPFLOW_DB_POOL_SIZE", "40"), ("SHARPFLOW_DB_CONNECT_TIMEOUT", "3"), ("SHARPFLOW_DB_COMMAND_TIMEOUT", "120"));
        WithEnv(() => Assert.Contains("SHARPFLOW_DB_POOL_SIZE must be a non-negative integer",
            Assert.Throws<MlflowException>(() => Pg("postgresql://u@h/db")).Message), ("SHARPFLOW_DB_POOL_SIZE", "many"));
    }

    [Theory]
    [InlineData("", "the URI is empty")]
    [InlineData("   ", "the URI is empty")]
    [InlineData("mlflow.db", "expected <dialect>://")]
    [InlineData("./mlruns", "expected <dialect>://")]
    [InlineData("mysql://u:hunter2@h/db", "unsupported database dialect 'mysql'")]
    [InlineData("file:///tmp/mlruns", "unsupported database dialect 'file'")]
    [InlineData("sqlite://", "in-memory SQLite")]
    [InlineData("sqlite:///:memory:", "in-memory SQLite")]
    [InlineData("sqlite://relative.db", "SQLite URIs have no host")]
    [InlineData("postgresql://u:hunter2@h/", "no database name")]
    [InlineData("postgresql://u:hunter2@h", "no database name")]
    [InlineData("postgresql://u:hunter2@h:abc/db", "invalid port 'abc'")]
    [InlineData("postgresql://u:hunter2@h:0/db", "invalid port '0'")]
    [InlineData("postgresql://u:hunter2@h:70000/db", "invalid port '70000'")]
    [InlineData("postgresql://u:hunter2@h/db?port=abc", "invalid port 'abc'")]
    [InlineData("postgresql://u@h/db?password=hunter2&port=-1", "invalid port '-1'")]
    [InlineData("postgresql://u:hunter2@h/db?sslmode=sometimes", "invalid sslmode 'sometimes'")]
    [InlineData("postgresql://u:hunter2@h/db?connect_timeout=soon", "invalid connect_timeout 'soon'")]
    public void Bad_uris_are_mlflow_exceptions_with_a_clear_message(string uri, string reason)
    {
        var e = Assert.Throws<MlflowException>(() => StoreUri.Parse(uri));
        Assert.Equal(ErrorCode.INVALID_PARAMETER_VALUE, e.Code);
        Assert.StartsWith("Invalid backend store URI '", e.Message);
        Assert.Contains(reason, e.Message);
        Assert.DoesNotContain("hunter2", e.Message);
    }

    [Theory]
    [InlineData("postgresql://u:hunter2@h/db", "postgresql://u:***@h/db")]
    [InlineData("postgresql://u@h/db?password=hunter2&sslmode=require", "postgresql://u@h/db?password=***&sslmode=require")]
    [InlineData("postgresql://u@h/db", "postgresql://u@h/db")]
    [InlineData("sqlite:///mlflow.db", "sqlite:///mlflow.db")]
    public void Redact_masks_passwords(string uri, string expected) => Assert.Equal(expected, StoreUri.Redact(uri));
}
