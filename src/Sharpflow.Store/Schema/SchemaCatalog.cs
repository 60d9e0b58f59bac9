using System.Data.Common;
using System.Text;

namespace Sharpflow.Store.Schema;

public sealed record CatalogColumn(
    string Name,
    int Position,              // 1-based, in table order (gaps left by dropped columns are closed)
    string Type,               // SQLite: declared type, upper-cased; PostgreSQL: format_type()
    bool NotNull,
    string? Default,           // expression text as the database reports it
    int PrimaryKeyPosition,    // 0 = not in the primary key
    string? Generated,         // "GENERATED ALWAYS AS (expr) STORED|VIRTUAL" or identity
    string? Collation = null); // only when it differs from the type's default

/// <summary>A primary key or UNIQUE constraint. Name is null when the DDL gave none (SQLite).</summary>
public sealed record CatalogKey(string? Name, IReadOnlyList<string> Columns);

/// <summary>Expression is normalized for comparison; RawDefinition is what the database reports.</summary>
public sealed record CatalogCheck(string? Name, string Expression, string RawDefinition);

public sealed record CatalogForeignKey(
    string? Name,
    IReadOnlyList<string> Columns,
    string ReferencedTable,
    IReadOnlyList<string> ReferencedColumns,
    string OnDelete,           // NO ACTION | RESTRICT | CASCADE | SET NULL | SET DEFAULT
    string OnUpdate,
    string? Options = null);   // MATCH FULL, DEFERRABLE, NOT VALID ... when present

/// <summary>An index that is not the implementation of a PRIMARY KEY / UNIQUE constraint.</summary>
public sealed record CatalogIndex(string Name, IReadOnlyList<string> Columns, bool Unique, string? Where, string? Method = null);

public sealed record CatalogTable(
    string Name,
    IReadOnlyList<CatalogColumn> Columns,
    CatalogKey? PrimaryKey,
    IReadOnlyList<CatalogKey> UniqueConstraints,
    IReadOnlyList<CatalogCheck> CheckConstraints,
    IReadOnlyList<CatalogForeignKey> ForeignKeys,
    IReadOnlyList<CatalogIndex> Indexes,
    string? Options = null)    // SQLite WITHOUT ROWID / STRICT, PostgreSQL partitioning
{
    public CatalogColumn? Column(string name) =>
        Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
}

public sealed record CatalogView(string Name, string Definition);
public sealed record CatalogTrigger(string Name, string Table, string Definition);
public sealed record CatalogSequence(string Name, string Definition, string? OwnedBy);
public sealed record CatalogRoutine(string Signature, string Definition);
public sealed record CatalogEnumType(string Name, IReadOnlyList<string> Labels);

/// <summary>
/// A normalized description of a database schema (one SQLite database, or one PostgreSQL
/// schema), built from the database's own catalog rather than from DDL text, so that
/// two databases created by different scripts compare equal when they behave the same.
/// Compare two catalogs of the same dialect with <see cref="DiffAgainst"/>.
///
/// What is deliberately not part of it: data (including sequence positions), owners and
/// privileges, statistics, physical order of objects, auto-generated SQLite index names
/// (sqlite_autoindex_*, which depend on declaration order), and the names PostgreSQL gives
/// the indexes behind PRIMARY KEY/UNIQUE constraints (same as the constraint's).
/// </summary>
public sealed partial class SchemaCatalog
{
    public SchemaCatalog(
        string dialect,
        IEnumerable<CatalogTable> tables,
        IEnumerable<CatalogView>? views = null,
        IEnumerable<CatalogTrigger>? triggers = null,
        IEnumerable<CatalogSequence>? sequences = null,
        IEnumerable<CatalogRoutine>? routines = null,
        IEnumerable<CatalogEnumType>? enumTypes = null)
    {
        Dialect = dialect;
        Tables = new SortedDictionary<string, CatalogTable>(tables.ToDictionary(t => t.Name), StringComparer.Ordinal);
        Views = (views ?? []).OrderBy(v => v.Name, StringComparer.Ordinal).ToList();
        Triggers = (triggers ?? []).OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        Sequences = (sequences ?? []).OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        Routines = (routines ?? []).OrderBy(r => r.Signature, StringComparer.Ordinal).ToList();
        EnumTypes = (enumTypes ?? []).OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>"sqlite" or "postgresql".</summary>
    public string Dialect { get; }
    public IReadOnlyDictionary<string, CatalogTable> Tables { get; }
    public IReadOnlyList<CatalogView> Views { get; }
    public IReadOnlyList<CatalogTrigger> Triggers { get; }
    public IReadOnlyList<CatalogSequence> Sequences { get; }
    public IReadOnlyList<CatalogRoutine> Routines { get; }
    public IReadOnlyList<CatalogEnumType> EnumTypes { get; }

    /// <summary>Reads the catalog of an SQLite or PostgreSQL connection (opened if closed).</summary>
    public static Task<SchemaCatalog> ReadAsync(DbConnection connection, CancellationToken cancellationToken = default) =>
        connection switch
        {
            Microsoft.Data.Sqlite.SqliteConnection sqlite => ReadSqliteAsync(sqlite, cancellationToken),
            Npgsql.NpgsqlConnection pg => ReadPostgresAsync(pg, schema: null, cancellationToken),
            _ => throw new NotSupportedException($"No catalog reader for {connection.GetType().Name}."),
        };

    /// <summary>
    /// The catalog flattened to "object → description" facts, sorted by key. Keys name one
    /// object each ("table runs column status", "table runs check source_type", ...),
    /// so two catalogs can be compared fact by fact.
    /// </summary>
    public IReadOnlyDictionary<string, string> Facts()
    {
        var facts = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var table in Tables.Values)
        {
            var t = $"table {table.Name}";
            facts[t] = $"columns({string.Join(", ", table.Columns.Select(c => c.Name))})"
                       + (table.Options is null ? "" : " " + table.Options);
            foreach (var c in table.Columns)
                facts[$"{t} column {c.Name}"] = DescribeColumn(c);
            if (table.PrimaryKey is { } pk)
                facts[$"{t} primary key"] = $"{NameOrUnnamed(pk.Name)} ({Join(pk.Columns)})";
            foreach (var u in table.UniqueConstraints)
                AddUnique(facts, $"{t} unique ({Join(u.Columns)})", NameOrUnnamed(u.Name));
            foreach (var ck in table.CheckConstraints)
                AddUnique(facts, ck.Name is null ? $"{t} check [unnamed] {ck.Expression}" : $"{t} check {ck.Name}", ck.Expression);
            foreach (var fk in table.ForeignKeys)
                AddUnique(facts,
                    $"{t} foreign key ({Join(fk.Columns)}) -> {fk.ReferencedTable} ({Join(fk.ReferencedColumns)})",
                    $"{NameOrUnnamed(fk.Name)} ON DELETE {fk.OnDelete} ON UPDATE {fk.OnUpdate}"
                    + (fk.Options is null ? "" : " " + fk.Options));
            foreach (var ix in table.Indexes)
                facts[$"{t} index {ix.Name}"] = (ix.Unique ? "UNIQUE " : "")
                    + (ix.Method is null or "btree" ? "" : $"USING {ix.Method} ")
                    + $"({Join(ix.Columns)})" + (ix.Where is null ? "" : $" WHERE {ix.Where}");
        }
        foreach (var v in Views) facts[$"view {v.Name}"] = v.Definition;
        foreach (var tr in Triggers) facts[$"trigger {tr.Name}"] = $"on {tr.Table}: {tr.Definition}";
        foreach (var s in Sequences)
            facts[$"sequence {s.Name}"] = s.Definition + (s.OwnedBy is null ? "" : $", owned by {s.OwnedBy}");
        foreach (var r in Routines) facts[$"function {r.Signature}"] = r.Definition;
        foreach (var e in EnumTypes) facts[$"enum {e.Name}"] = string.Join(", ", e.Labels.Select(l => $"'{l}'"));
        return facts;
    }

    /// <summary>
    /// Human-readable differences between this catalog and <paramref name="other"/>, one line
    /// each, sorted; empty when they are equal. A table present on one side only is reported
    /// once, not column by column.
    /// </summary>
    public IEnumerable<string> DiffAgainst(SchemaCatalog other, string thisName = "this", string otherName = "other")
    {
        var diff = new List<string>();
        if (!string.Equals(Dialect, other.Dialect, StringComparison.Ordinal))
            diff.Add($"dialect: {thisName} = {Dialect} | {otherName} = {other.Dialect} (catalogs of different dialects never match)");

        var width = Math.Max(thisName.Length, otherName.Length) + 1;
        var mine = Facts();
        var theirs = other.Facts();
        foreach (var key in mine.Keys.Union(theirs.Keys).OrderBy(k => k, StringComparer.Ordinal))
        {
            var inMine = mine.TryGetValue(key, out var a);
            var inTheirs = theirs.TryGetValue(key, out var b);
            if (inMine && inTheirs)
            {
                if (a != b) diff.Add($"differs: {key}\n    {(thisName + ":").PadRight(width)} {a}\n    {(otherName + ":").PadRight(width)} {b}");
            }
            else if (!IsPartOfOneSidedTable(key, inMine ? mine : theirs, inMine ? theirs : mine))
            {
                diff.Add($"only in {(inMine ? thisName : otherName)}: {key} = {(inMine ? a : b)}");
            }
        }
        return diff;
    }

    /// <summary>All facts, one "key = value" line each; handy for logs and test output.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("-- ").Append(Dialect).Append(" catalog, ").Append(Tables.Count).AppendLine(" tables");
        foreach (var (key, value) in Facts()) sb.Append(key).Append(" = ").AppendLine(value);
        return sb.ToString();
    }

    private static bool IsPartOfOneSidedTable(string key, IReadOnlyDictionary<string, string> side, IReadOnlyDictionary<string, string> otherSide)
    {
        if (!key.StartsWith("table ", StringComparison.Ordinal)) return false;
        var tableKey = TableKeyOf(key, side);
        return tableKey is not null && tableKey != key && !otherSide.ContainsKey(tableKey);
    }

    private static string? TableKeyOf(string key, IReadOnlyDictionary<string, string> side)
    {
        // Table names contain no spaces in practice, but check against real table keys anyway.
        for (var i = key.IndexOf(' ', "table ".Length); i > 0; i = key.IndexOf(' ', i + 1))
            if (side.ContainsKey(key[..i])) return key[..i];
        return side.ContainsKey(key) ? key : null;
    }

    private static string DescribeColumn(CatalogColumn c)
    {
        // Position is left out: the table's column list already shows the order, once.
        var sb = new StringBuilder(c.Type);
        sb.Append(c.NotNull ? " NOT NULL" : " NULL");
        if (c.Default is not null) sb.Append(" DEFAULT ").Append(c.Default);
        if (c.Generated is not null) sb.Append(' ').Append(c.Generated);
        if (c.Collation is not null) sb.Append(" COLLATE ").Append(c.Collation);
        return sb.ToString();
    }

    // Two unnamed constraints with the same columns/expression are legal; keep both visible.
    private static void AddUnique(IDictionary<string, string> facts, string key, string value)
    {
        var k = key;
        for (var n = 2; facts.ContainsKey(k); n++) k = $"{key} #{n}";
        facts[k] = value;
    }

    private static string NameOrUnnamed(string? name) => name ?? "[unnamed]";

    private static string Join(IEnumerable<string> items) => string.Join(", ", items);
}
