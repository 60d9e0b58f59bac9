using System.Data.Common;
using System.Text.RegularExpressions;
using Sharpflow.Store.Sql;

namespace Sharpflow.Store.Schema.Migrations;

/// <summary>
/// One MLflow alembic revision, re-implemented: <see cref="Up"/> moves a database from <see cref="DownRevision"/>
/// to <see cref="Revision"/> with the same end state (tables, constraints, indexes, data) MLflow's step leaves.
/// </summary>
public sealed record Migration(string Revision, string DownRevision, string Summary, Func<MigrationContext, Task> Up);

/// <summary>
/// What a step runs against: the open connection inside the step's transaction, plus the few operations the
/// steps need on both dialects. SQLite's ALTER TABLE cannot change types, keys or foreign keys, so those steps
/// rebuild the table (<see cref="RebuildSqliteTableAsync"/>), as alembic's batch mode does.
/// </summary>
public sealed partial class MigrationContext(DbConnection connection, DbTransaction? transaction, DbKind kind, CancellationToken ct)
{
    public bool IsSqlite => kind == DbKind.Sqlite;
    public DbKind Kind => kind;
    public DbConnection Connection => connection;
    public CancellationToken CancellationToken => ct;

    public Task ExecAsync(string sql) => connection.Sql(sql, transaction).ExecAsync(ct);

    public async Task ExecAsync(IEnumerable<string> statements)
    {
        foreach (var s in statements) await ExecAsync(s);
    }

    /// <summary>Runs the statement written for this database's dialect.</summary>
    public Task ExecAsync(string sqlite, string postgres) => ExecAsync(IsSqlite ? sqlite : postgres);

    public async Task<List<string>> StringsAsync(string sql, params (string Name, object Value)[] args)
    {
        var cmd = connection.Sql(sql, transaction);
        foreach (var (n, v) in args) cmd.P(n, v);
        return await cmd.ListAsync(r => r.GetString(0), ct);
    }

    /// <summary>The head script's CREATE TABLE for <paramref name="table"/> in this dialect.</summary>
    public string HeadTable(string table) => HeadDdl.Table(kind, table);

    /// <summary>Creates a table as the head script has it, with its indexes minus <paramref name="exceptIndexes"/>.</summary>
    public async Task CreateHeadTableAsync(string table, params string[] exceptIndexes)
    {
        await ExecAsync(HeadDdl.Table(kind, table));
        await ExecAsync(HeadDdl.Indexes(kind, table).Where(s => !exceptIndexes.Any(x => HeadDdl.IndexName(s) == x)));
    }

    public Task CreateHeadIndexAsync(string index) => ExecAsync(HeadDdl.Index(kind, index));

    /// <summary>Adds a column defined as in the head script (a column later steps leave alone).</summary>
    public Task AddHeadColumnAsync(string table, string column) => AddColumnAsync(table, HeadDdl.Column(kind, table, column));

    /// <summary>ALTER TABLE ADD COLUMN; both dialects append the column, as alembic's add_column does.</summary>
    public Task AddColumnAsync(string table, string columnDefinition) =>
        ExecAsync($"ALTER TABLE {table} ADD COLUMN {columnDefinition}");

    // ------------------------------------------------------------------ SQLite table rebuilds

    /// <summary>
    /// Replaces <paramref name="table"/> by one created from <paramref name="createSql"/>, keeping its rows: the
    /// batch-mode recipe (create a temporary table, copy the columns both have, drop, rename) that SQLite documents
    /// for schema changes ALTER TABLE cannot make. Indexes and triggers of the old table are created again, except
    /// <paramref name="dropIndexes"/>. Columns new in <paramref name="createSql"/> take their defaults.
    /// Needs foreign key enforcement off (the runner sees to it): dropping a parent table would otherwise delete
    /// or cascade into its children.
    /// </summary>
    public async Task RebuildSqliteTableAsync(string table, string createSql, params string[] dropIndexes)
    {
        var temp = "_sharpflow_tmp_" + table;
        var indexes = await StringsAsync(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = $t AND sql IS NOT NULL ORDER BY name", ("$t", table));
        var dropped = await StringsAsync(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = $t AND sql IS NOT NULL ORDER BY name", ("$t", table));
        var triggers = await StringsAsync(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = $t ORDER BY name", ("$t", table));
        var oldColumns = await ColumnsAsync(table);

        await ExecAsync(HeadDdl.RenameCreatedTable(createSql, temp));
        var shared = (await ColumnsAsync(temp)).Where(c => oldColumns.Contains(c, StringComparer.OrdinalIgnoreCase))
            .Select(c => $"\"{c}\"").ToList();
        var list = string.Join(", ", shared);
        await ExecAsync($"INSERT INTO \"{temp}\" ({list}) SELECT {list} FROM \"{table}\"");
        await ExecAsync($"DROP TABLE \"{table}\"");
        await ExecAsync($"ALTER TABLE \"{temp}\" RENAME TO \"{table}\"");
        for (var i = 0; i < indexes.Count; i++)
            if (!dropIndexes.Contains(dropped[i], StringComparer.OrdinalIgnoreCase)) await ExecAsync(indexes[i]);
        await ExecAsync(triggers);
    }

    // Generated columns (hidden 2/3) cannot be inserted; none of the rebuilt tables has one, but skip them anyway.
    private Task<List<string>> ColumnsAsync(string table) =>
        StringsAsync("SELECT name FROM pragma_table_xinfo($t) WHERE hidden = 0 ORDER BY cid", ("$t", table));

    // ------------------------------------------------------------------ PostgreSQL catalog look-ups

    /// <summary>
    /// Names of the foreign keys from <paramref name="table"/> to <paramref name="referenced"/>. Steps drop
    /// constraints MLflow left for PostgreSQL to name by looking them up, as MLflow's own steps do, so a database
    /// whose names differ (created by another MLflow version or by hand) still upgrades.
    /// </summary>
    public Task<List<string>> PgForeignKeysAsync(string table, string referenced) => StringsAsync("""
        SELECT c.conname FROM pg_constraint c
        WHERE c.contype = 'f' AND c.conrelid = to_regclass(@t) AND c.confrelid = to_regclass(@r)
        ORDER BY c.conname
        """, ("@t", table), ("@r", referenced));

    /// <summary>
    /// Drops whatever makes <paramref name="column"/> alone unique on <paramref name="table"/>: a UNIQUE constraint
    /// (registered_models.name from MLflow 1.x) or a unique index (the gateway tables' unique_*_name).
    /// </summary>
    public async Task PgDropUniqueOnAsync(string table, string column)
    {
        var constraints = await StringsAsync("""
            SELECT c.conname FROM pg_constraint c
            WHERE c.contype = 'u' AND c.conrelid = to_regclass(@t) AND array_length(c.conkey, 1) = 1
              AND c.conkey[1] = (SELECT attnum FROM pg_attribute WHERE attrelid = to_regclass(@t) AND attname = @c)
            """, ("@t", table), ("@c", column));
        foreach (var name in constraints) await ExecAsync($"ALTER TABLE {table} DROP CONSTRAINT \"{name}\"");
        if (constraints.Count > 0) return;
        var indexes = await StringsAsync("""
            SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
            WHERE x.indrelid = to_regclass(@t) AND x.indisunique AND NOT x.indisprimary AND x.indnatts = 1
              AND x.indkey[0] = (SELECT attnum FROM pg_attribute WHERE attrelid = to_regclass(@t) AND attname = @c)
            """, ("@t", table), ("@c", column));
        foreach (var name in indexes) await ExecAsync($"DROP INDEX \"{name}\"");
    }
}

/// <summary>
/// Pieces of the head scripts (Schema/sqlite.sql, Schema/postgresql.sql), by object name. A step that creates a
/// table in the form it still has at head takes it from there, so each table is spelled once; a table that later
/// steps change is created from its head form minus those changes (<see cref="Without"/>).
/// </summary>
public static partial class HeadDdl
{
    private static string Dialect(DbKind kind) => kind == DbKind.Sqlite ? SchemaScripts.Sqlite : SchemaScripts.PostgreSql;

    public static string Table(DbKind kind, string table) =>
        SchemaScripts.Statements(Dialect(kind)).Single(s => TableName(s) == table);

    public static IEnumerable<string> Indexes(DbKind kind, string table) =>
        SchemaScripts.Statements(Dialect(kind)).Where(s => IndexTable(s) == table);

    public static string Index(DbKind kind, string index) =>
        SchemaScripts.Statements(Dialect(kind)).Single(s => IndexName(s) == index);

    /// <summary>One column's definition line from the head CREATE TABLE, without the trailing comma.</summary>
    public static string Column(DbKind kind, string table, string column) =>
        Table(kind, table).Split('\n').Select(l => l.Trim().TrimEnd(','))
            .Single(l => l.Split(' ', 2)[0].Trim('"') == column);

    /// <summary>The head statement that starts with <paramref name="prefix"/> (triggers, functions).</summary>
    public static string StartingWith(DbKind kind, string prefix) =>
        SchemaScripts.Statements(Dialect(kind)).Single(s => s.StartsWith(prefix, StringComparison.Ordinal));

    public static string? IndexName(string statement) => IndexRegex().Match(statement) is { Success: true } m ? m.Groups[1].Value : null;
    private static string? IndexTable(string statement) => IndexRegex().Match(statement) is { Success: true } m ? m.Groups[2].Value : null;
    private static string? TableName(string statement) => TableRegex().Match(statement) is { Success: true } m ? m.Groups[1].Value : null;

    public static string RenameCreatedTable(string createSql, string newName) =>
        TableRegex().Replace(createSql, $"CREATE TABLE \"{newName}\" (", 1);

    /// <summary>
    /// Removes column definitions and named constraints (with their continuation lines) from a CREATE TABLE laid
    /// out one item per line, as the head scripts are, and mends the comma before the closing parenthesis.
    /// </summary>
    public static string Without(string createSql, params string[] names)
    {
        var kept = new List<string>();
        var skipping = false;
        foreach (var line in createSql.Split('\n'))
        {
            var trimmed = line.TrimStart();
            var indent = line.Length - trimmed.Length;
            if (skipping && indent > 4) continue; // continuation of a removed constraint
            skipping = false;
            var words = trimmed.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
            var subject = words.Length == 0 ? "" : words[0] == "CONSTRAINT" && words.Length > 1 ? words[1] : words[0].Trim('"');
            if (indent == 4 && names.Contains(subject, StringComparer.Ordinal)) { skipping = true; continue; }
            kept.Add(line);
        }
        return TrailingComma().Replace(string.Join('\n', kept), "\n)");
    }

    [GeneratedRegex(@"^CREATE TABLE\s+""?(\w+)""?\s*\(")]
    private static partial Regex TableRegex();

    [GeneratedRegex(@"^CREATE (?:UNIQUE )?INDEX\s+(\w+)\s+ON\s+(\w+)")]
    private static partial Regex IndexRegex();

    [GeneratedRegex(@",\s*\n\)\s*$")]
    private static partial Regex TrailingComma();
}
