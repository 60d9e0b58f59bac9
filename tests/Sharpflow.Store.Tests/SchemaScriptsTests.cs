using Sharpflow.Store.Schema;

namespace Sharpflow.Store.Tests;

public sealed class SchemaScriptsTests
{
    [Fact]
    public void Head_revision_is_the_fixtures_alembic_head() =>
        Assert.Equal(SchemaScripts.HeadRevision, SharedFixtures.Read("alembic-head.txt").Trim());

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public void Scripts_end_by_stamping_the_head_revision(string dialect)
    {
        var statements = SchemaScripts.Statements(dialect);
        Assert.Equal($"INSERT INTO alembic_version (version_num) VALUES ('{SchemaScripts.HeadRevision}')", statements[^1]);
        Assert.Equal(48, statements.Count(s => s.StartsWith("CREATE TABLE ", StringComparison.Ordinal)));
        // The Default experiment is the server's to create, not the schema's.
        Assert.DoesNotContain(statements, s => s.Contains("INSERT INTO experiments", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Sqlite_trigger_body_stays_one_statement()
    {
        var trigger = Assert.Single(SchemaScripts.Statements("sqlite"), s => s.StartsWith("CREATE TRIGGER", StringComparison.Ordinal));
        Assert.Contains("SELECT RAISE(ABORT,", trigger);
        Assert.EndsWith("END", trigger);
    }

    [Fact]
    public void Postgres_function_body_stays_one_statement()
    {
        var function = Assert.Single(SchemaScripts.Statements("postgresql"), s => s.StartsWith("CREATE FUNCTION", StringComparison.Ordinal));
        Assert.Contains("RETURN NEW;", function);
        Assert.EndsWith("$$", function);
        Assert.Single(SchemaScripts.Statements("postgresql"), s => s.StartsWith("CREATE TRIGGER", StringComparison.Ordinal));
    }

    [Fact]
    public void Split_ignores_semicolons_in_literals_comments_and_bodies()
    {
        const string script = """
            -- leading comment; with a semicolon
            CREATE TABLE "a;b" (x TEXT DEFAULT 'it''s; fine'); /* block; comment */
            SELECT E'back\'slash;', $tag$ body; $$ nested $$ $tag$;
            CREATE TEMP TRIGGER t AFTER INSERT ON x BEGIN
              SELECT CASE WHEN 1 THEN 2 END;
              UPDATE x SET y = 1;
            END;
            CREATE TRIGGER p BEFORE UPDATE ON s FOR EACH ROW EXECUTE FUNCTION f();
            DO $$ BEGIN PERFORM 1; END $$;
            SELECT 1 -- trailing comment, no semicolon
            -- only a comment here;
            """;
        var statements = SchemaScripts.Split(script);
        Assert.Equal(
        [
            "CREATE TABLE \"a;b\" (x TEXT DEFAULT 'it''s; fine')",
            "SELECT E'back\\'slash;', $tag$ body; $$ nested $$ $tag$",
            "CREATE TEMP TRIGGER t AFTER INSERT ON x BEGIN\n  SELECT CASE WHEN 1 THEN 2 END;\n  UPDATE x SET y = 1;\nEND",
            "CREATE TRIGGER p BEFORE UPDATE ON s FOR EACH ROW EXECUTE FUNCTION f()",
            "DO $$ BEGIN PERFORM 1; END $$",
            "SELECT 1",
        ], statements.Select(s => s.Replace("\r\n", "\n")));
    }

    [Fact]
    public void Unknown_dialect_is_rejected() =>
        Assert.Throws<ArgumentException>(() => SchemaScripts.Statements("mysql"));

    [Theory]
    [InlineData("postgresql://postgres@127.0.0.1:55432/postgres", "127.0.0.1", 55432, "postgres", null, "postgres")]
    [InlineData("postgres://u%40x:p%3Aw@[::1]/db?sslmode=disable", "::1", 5432, "u@x", "p:w", "db")]
    [InlineData("postgresql://postgres@/postgres?host=/tmp/pg/socket&port=5433", "/tmp/pg/socket", 5433, "postgres", null, "postgres")]
    [InlineData("Host=db.local;Port=6000;Username=me;Password=pw;Database=x", "db.local", 6000, "me", "pw", "x")]
    public void Test_database_setting_accepts_uris_and_connection_strings(
        string value, string host, int port, string user, string? password, string database)
    {
        var cs = new Npgsql.NpgsqlConnectionStringBuilder(PgTestDatabase.ToConnectionString(value));
        Assert.Equal((host, port, user, password, database, false), (cs.Host, cs.Port, cs.Username, cs.Password, cs.Database, cs.Pooling));
    }
}
