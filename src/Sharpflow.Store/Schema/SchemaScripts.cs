using System.Collections.Concurrent;

namespace Sharpflow.Store.Schema;

/// <summary>
/// The DDL that creates a database equal to what MLflow 3.11 creates, per dialect,
/// as embedded resources (Schema/sqlite.sql, Schema/postgresql.sql) split into
/// statements that can be executed one by one, in order, in a single transaction.
/// </summary>
public static class SchemaScripts
{
    /// <summary>MLflow's alembic revision the scripts correspond to (stamped into alembic_version).</summary>
    public const string HeadRevision = "7d34483879f0";

    public const string Sqlite = "sqlite";
    public const string PostgreSql = "postgresql";

    private static readonly ConcurrentDictionary<string, IReadOnlyList<string>> Cache = new();

    /// <param name="dialect">"sqlite" or "postgresql" (case-insensitive; "postgres" also accepted).</param>
    public static IReadOnlyList<string> Statements(string dialect)
    {
        var name = NormalizeDialect(dialect);
        return Cache.GetOrAdd(name, static n => Split(ReadScript(n)));
    }

    /// <summary>The whole script for <paramref name="dialect"/>, comments included.</summary>
    public static string Script(string dialect) => ReadScript(NormalizeDialect(dialect));

    /// <summary>
    /// Splits a script at top-level semicolons. Semicolons inside strings, quoted
    /// identifiers, comments, PostgreSQL dollar-quoted bodies and SQLite trigger bodies
    /// (CREATE TRIGGER ... BEGIN ...; ... END) do not split. Comment-only fragments are
    /// dropped and the returned statements carry no trailing semicolon; comments inside a
    /// statement are kept. Also suitable for MLflow's own dumps (schema-*.sql fixtures).
    /// </summary>
    public static IReadOnlyList<string> Split(string script)
    {
        var tokens = SqlTokenizer.Tokenize(script, bracketIdentifiers: false, keepComments: true);
        var statements = new List<string>();
        var first = -1;            // index of the statement's first non-comment token
        var last = -1;             // ... and of its last one so far
        var isTrigger = false;
        var blockDepth = 0;        // BEGIN/CASE ... END nesting, tracked in triggers only

        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (t.Kind == SqlTokenKind.Comment) continue;

            if (t.IsSymbol(";"))
            {
                if (isTrigger && blockDepth > 0) continue;
                if (first >= 0) statements.Add(script[tokens[first].Start..tokens[last].End]);
                first = -1;
                isTrigger = false;
                blockDepth = 0;
                continue;
            }

            last = i;
            if (first < 0)
            {
                first = i;
                isTrigger = IsCreateTrigger(tokens, i);
            }
            else if (isTrigger && t.Kind == SqlTokenKind.Word)
            {
                // A trigger without BEGIN (PostgreSQL's EXECUTE FUNCTION form) never nests,
                // so its ';' still ends it.
                if (t.IsWord("BEGIN") || t.IsWord("CASE")) blockDepth++;
                else if (t.IsWord("END") && blockDepth > 0) blockDepth--;
            }
        }

        if (first >= 0) statements.Add(script[tokens[first].Start..tokens[last].End]);
        return statements;
    }

    private static bool IsCreateTrigger(List<SqlToken> tokens, int i)
    {
        if (!tokens[i].IsWord("CREATE")) return false;
        // CREATE [OR REPLACE] [TEMP|TEMPORARY] [CONSTRAINT] TRIGGER
        for (var j = i + 1; j < tokens.Count && j <= i + 5; j++)
        {
            var t = tokens[j];
            if (t.Kind == SqlTokenKind.Comment) continue;
            if (t.IsWord("TRIGGER")) return true;
            if (!(t.IsWord("OR") || t.IsWord("REPLACE") || t.IsWord("TEMP") || t.IsWord("TEMPORARY") || t.IsWord("CONSTRAINT")))
                return false;
        }
        return false;
    }

    private static string NormalizeDialect(string dialect) => dialect?.Trim().ToLowerInvariant() switch
    {
        "sqlite" => Sqlite,
        "postgresql" or "postgres" => PostgreSql,
        _ => throw new ArgumentException($"Unknown SQL dialect '{dialect}'; expected 'sqlite' or 'postgresql'.", nameof(dialect)),
    };

    private static string ReadScript(string dialect)
    {
        var assembly = typeof(SchemaScripts).Assembly;
        var resource = $"Sharpflow.Store.Schema.{dialect}.sql";
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException(
                $"Embedded resource '{resource}' is missing from {assembly.GetName().Name}; " +
                $"present: {string.Join(", ", assembly.GetManifestResourceNames())}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
