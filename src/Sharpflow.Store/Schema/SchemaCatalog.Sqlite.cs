using System.Data;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace Sharpflow.Store.Schema;

public sealed partial class SchemaCatalog
{
    /// <summary>
    /// Reads the "main" schema of an SQLite database. Structure comes from the PRAGMAs;
    /// what SQLite keeps only as DDL text (constraint names, CHECK and generation
    /// expressions, partial-index predicates, trigger bodies) is parsed from sqlite_master.
    /// </summary>
    public static async Task<SchemaCatalog> ReadSqliteAsync(SqliteConnection connection, CancellationToken cancellationToken = default)
    {
        var opened = connection.State != ConnectionState.Open;
        if (opened) await connection.OpenAsync(cancellationToken);
        try
        {
            var objects = await QueryAsync(connection,
                "SELECT type, name, tbl_name, sql FROM main.sqlite_master ORDER BY name", null,
                r => (Type: r.GetString(0), Name: r.GetString(1), Table: r.GetString(2), Sql: r.IsDBNull(3) ? null : r.GetString(3)),
                cancellationToken);
            var indexSql = objects.Where(o => o.Type == "index" && o.Sql is not null).ToDictionary(o => o.Name, o => o.Sql!);

            var tables = new List<CatalogTable>();
            // sqlite_sequence is kept: it exists only if some table uses AUTOINCREMENT, which
            // changes how ids are allocated. Other sqlite_* tables (stat1 etc.) are statistics.
            foreach (var o in objects.Where(o => o.Type == "table" && (!o.Name.StartsWith("sqlite_", StringComparison.OrdinalIgnoreCase) || o.Name == "sqlite_sequence")))
                tables.Add(await ReadSqliteTableAsync(connection, o.Name, o.Sql ?? "", indexSql, cancellationToken));

            var views = objects.Where(o => o.Type == "view")
                .Select(o => new CatalogView(o.Name, SqlTokenizer.Render(o.Sql ?? "", bracketIdentifiers: true)));
            var triggers = objects.Where(o => o.Type == "trigger")
                .Select(o => new CatalogTrigger(o.Name, o.Table, SqlTokenizer.Render(o.Sql ?? "", bracketIdentifiers: true)));
            return new SchemaCatalog(SchemaScripts.Sqlite, tables, views, triggers);
        }
        finally
        {
            if (opened) await connection.CloseAsync();
        }
    }

    private static async Task<CatalogTable> ReadSqliteTableAsync(
        SqliteConnection connection, string table, string createSql, IReadOnlyDictionary<string, string> indexSql, CancellationToken ct)
    {
        var parsed = SqliteTableDdl.Parse(createSql);
        var args = new Dictionary<string, object> { ["$t"] = table };

        // table_xinfo, not table_info: the latter silently omits generated columns.
        var rawColumns = await QueryAsync(connection,
            "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo($t) ORDER BY cid", args,
            r => (Name: r.GetString(0), Type: r.IsDBNull(1) ? "" : r.GetString(1), NotNull: r.GetInt64(2) != 0,
                  Default: r.IsDBNull(3) ? null : r.GetString(3), Pk: (int)r.GetInt64(4), Hidden: (int)r.GetInt64(5)), ct);
        var columns = new List<CatalogColumn>();
        foreach (var c in rawColumns.Where(c => c.Hidden != 1)) // 1 = hidden column of a virtual table
        {
            string? generated = null;
            if (c.Hidden is 2 or 3)
            {
                var expr = parsed.GeneratedExpressions.GetValueOrDefault(c.Name.ToLowerInvariant(), "?");
                generated = $"GENERATED ALWAYS AS ({expr}) {(c.Hidden == 3 ? "STORED" : "VIRTUAL")}";
            }
            columns.Add(new CatalogColumn(c.Name, columns.Count + 1, NormalizeSqliteType(c.Type), c.NotNull,
                c.Default?.Trim(), c.Pk, generated));
        }

        var pkColumns = columns.Where(c => c.PrimaryKeyPosition > 0).OrderBy(c => c.PrimaryKeyPosition).Select(c => c.Name).ToList();
        var primaryKey = pkColumns.Count == 0 ? null : new CatalogKey(parsed.PrimaryKeyName, pkColumns);

        var foreignKeys = new List<CatalogForeignKey>();
        var unusedFkNames = parsed.ForeignKeys.ToList();
        var fkRows = await QueryAsync(connection,
            "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete, \"match\" FROM pragma_foreign_key_list($t) ORDER BY id, seq", args,
            r => (Id: r.GetInt64(0), Table: r.GetString(1), From: r.GetString(2), To: r.IsDBNull(3) ? null : r.GetString(3),
                  OnUpdate: r.GetString(4), OnDelete: r.GetString(5), Match: r.GetString(6)), ct);
        // foreign_key_list numbers constraints in reverse declaration order; present them declared-first.
        foreach (var g in fkRows.GroupBy(r => r.Id).OrderByDescending(g => g.Key))
        {
            var rows = g.ToList();
            var from = rows.Select(r => r.From).ToList();
            var refTable = rows[0].Table;
            var match = unusedFkNames.FirstOrDefault(p =>
                string.Equals(p.RefTable, refTable, StringComparison.OrdinalIgnoreCase) && SameColumns(p.Columns, from));
            if (match is not null) unusedFkNames.Remove(match);
            foreignKeys.Add(new CatalogForeignKey(match?.Name, from, refTable,
                rows.Select(r => r.To ?? "[primary key]").ToList(), rows[0].OnDelete, rows[0].OnUpdate,
                rows[0].Match is "NONE" or "" ? null : "MATCH " + rows[0].Match));
        }

        var uniques = new List<CatalogKey>();
        var indexes = new List<CatalogIndex>();
        var indexRows = await QueryAsync(connection,
            "SELECT name, \"unique\", origin, partial FROM pragma_index_list($t)", args,
            r => (Name: r.GetString(0), Unique: r.GetInt64(1) != 0, Origin: r.GetString(2), Partial: r.GetInt64(3) != 0), ct);
        foreach (var ix in indexRows.OrderBy(i => i.Name, StringComparer.Ordinal))
        {
            if (ix.Origin == "pk") continue; // described by the columns' pk positions
            var keyColumns = await QueryAsync(connection,
                "SELECT cid, name, \"desc\", coll FROM pragma_index_xinfo($i) WHERE \"key\" = 1 ORDER BY seqno",
                new Dictionary<string, object> { ["$i"] = ix.Name },
                r => DescribeIndexColumn(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetInt64(2) != 0,
                                         r.IsDBNull(3) ? null : r.GetString(3)), ct);
            if (ix.Origin == "u")
            {
                var name = parsed.Uniques.FirstOrDefault(u => SameColumns(u.Columns, keyColumns))?.Name;
                uniques.Add(new CatalogKey(name, keyColumns));
            }
            else
            {
                var where = ix.Partial && indexSql.TryGetValue(ix.Name, out var sql) ? SqliteTableDdl.WhereClause(sql) : null;
                indexes.Add(new CatalogIndex(ix.Name, keyColumns, ix.Unique, where));
            }
        }

        var checks = parsed.Checks.Select(c => new CatalogCheck(c.Name, c.Expression, c.Raw)).ToList();
        return new CatalogTable(table, columns, primaryKey,
            uniques.OrderBy(u => string.Join(",", u.Columns), StringComparer.Ordinal).ToList(),
            checks, foreignKeys, indexes, parsed.Options);
    }

    private static string DescribeIndexColumn(long cid, string? name, bool desc, string? collation)
    {
        var text = cid switch { -1 => "rowid", -2 => "[expression]", _ => name ?? "?" };
        if (desc) text += " DESC";
        if (collation is not null && !collation.Equals("BINARY", StringComparison.OrdinalIgnoreCase)) text += " COLLATE " + collation;
        return text;
    }

    // SQLite keeps the declared type verbatim; only case and spacing are noise.
    private static string NormalizeSqliteType(string type)
    {
        var t = Regex.Replace(type.Trim(), @"\s+", " ");
        t = Regex.Replace(t, @"\s*([(),])\s*", "$1").Replace(",", ", ");
        return t.ToUpperInvariant();
    }

    private static bool SameColumns(IReadOnlyList<string> a, IReadOnlyList<string> b) =>
        a.Count == b.Count && a.Zip(b).All(p => string.Equals(p.First, p.Second, StringComparison.OrdinalIgnoreCase));

    private static async Task<List<T>> QueryAsync<T>(
        SqliteConnection connection, string sql, IReadOnlyDictionary<string, object>? args, Func<SqliteDataReader, T> map, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (k, v) in args ?? new Dictionary<string, object>()) cmd.Parameters.AddWithValue(k, v);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var list = new List<T>();
        while (await reader.ReadAsync(ct)) list.Add(map(reader));
        return list;
    }
}

/// <summary>
/// The parts of an SQLite CREATE TABLE statement that no PRAGMA reports: constraint
/// names, CHECK expressions, generated-column expressions and table options.
/// </summary>
internal sealed class SqliteTableDdl
{
    public sealed record NamedColumns(string? Name, IReadOnlyList<string> Columns);
    public sealed record ForeignKey(string? Name, IReadOnlyList<string> Columns, string RefTable);
    public sealed record Check(string? Name, string Expression, string Raw);

    public string? PrimaryKeyName { get; private set; }
    public List<NamedColumns> Uniques { get; } = [];
    public List<ForeignKey> ForeignKeys { get; } = [];
    public List<Check> Checks { get; } = [];
    /// <summary>Keyed by lower-cased column name.</summary>
    public Dictionary<string, string> GeneratedExpressions { get; } = [];
    public string? Options { get; private set; }

    public static SqliteTableDdl Parse(string createSql)
    {
        var result = new SqliteTableDdl();
        var tokens = SqlTokenizer.Tokenize(createSql, bracketIdentifiers: true);
        var open = tokens.FindIndex(t => t.IsSymbol("("));
        if (open < 0) return result; // CREATE TABLE ... AS SELECT, or a virtual table
        var close = SqlTokenizer.MatchingParen(tokens, open);

        foreach (var item in SplitTopLevel(tokens, open + 1, close))
            result.ParseItem(createSql, item);

        var options = tokens.Skip(close + 1).Where(t => t.Kind == SqlTokenKind.Word).Select(t => t.Text.ToUpperInvariant());
        var optionText = string.Join(" ", options);
        result.Options = optionText.Length == 0 ? null : optionText;
        return result;
    }

    /// <summary>The normalized predicate of CREATE INDEX ... WHERE pred, or null.</summary>
    public static string? WhereClause(string createIndexSql)
    {
        var tokens = SqlTokenizer.Tokenize(createIndexSql, bracketIdentifiers: true);
        var depth = 0;
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i].IsSymbol("(")) depth++;
            else if (tokens[i].IsSymbol(")")) depth--;
            else if (depth == 0 && tokens[i].IsWord("WHERE")) return SqlTokenizer.Render(tokens.Skip(i + 1));
        }
        return null;
    }

    private void ParseItem(string sql, List<SqlToken> item)
    {
        if (item.Count == 0) return;
        var i = 0;
        string? name = null;
        if (item[0].IsWord("CONSTRAINT") && item.Count > 1) { name = item[1].Identifier; i = 2; }
        if (i >= item.Count) return;

        var head = item[i];
        if (head.IsWord("PRIMARY")) PrimaryKeyName = name;
        else if (head.IsWord("UNIQUE")) Uniques.Add(new NamedColumns(name, ColumnList(item, i + 1)));
        else if (head.IsWord("CHECK")) AddCheck(sql, name, item, i + 1);
        else if (head.IsWord("FOREIGN"))
        {
            var cols = ColumnList(item, i + 2); // FOREIGN KEY (...)
            var refAt = item.FindIndex(i, t => t.IsWord("REFERENCES"));
            if (refAt >= 0 && refAt + 1 < item.Count) ForeignKeys.Add(new ForeignKey(name, cols, item[refAt + 1].Identifier));
        }
        else ParseColumn(sql, item);
    }

    private void ParseColumn(string sql, List<SqlToken> item)
    {
        var column = item[0].Identifier;
        string? pending = null;
        for (var i = 1; i < item.Count; i++)
        {
            var t = item[i];
            if (t.IsWord("CONSTRAINT") && i + 1 < item.Count) { pending = item[++i].Identifier; continue; }
            if (t.IsWord("PRIMARY")) { PrimaryKeyName = pending; pending = null; }
            else if (t.IsWord("UNIQUE")) { Uniques.Add(new NamedColumns(pending, [column])); pending = null; }
            else if (t.IsWord("CHECK")) { i = AddCheck(sql, pending, item, i + 1); pending = null; }
            else if (t.IsWord("REFERENCES") && i + 1 < item.Count)
            {
                ForeignKeys.Add(new ForeignKey(pending, [column], item[++i].Identifier));
                pending = null;
            }
            else if (t.IsWord("AS") && i + 1 < item.Count && item[i + 1].IsSymbol("("))
            {
                // GENERATED ALWAYS AS (expr) or the short form AS (expr)
                var end = SqlTokenizer.MatchingParen(item, i + 1);
                GeneratedExpressions[column.ToLowerInvariant()] = SqlTokenizer.Render(item.Skip(i + 2).Take(end - i - 2));
                i = end;
                pending = null;
            }
            else if (t.IsWord("DEFAULT") && i + 1 < item.Count)
            {
                // Skip the value so nothing inside a DEFAULT (...) is read as a constraint.
                i++;
                if (item[i].IsSymbol("(")) i = SqlTokenizer.MatchingParen(item, i);
                else if (item[i].IsSymbol("-") || item[i].IsSymbol("+")) i++;
            }
            else if (t.IsSymbol("(")) i = SqlTokenizer.MatchingParen(item, i); // type arguments, etc.
        }
    }

    /// <returns>Index of the closing parenthesis.</returns>
    private int AddCheck(string sql, string? name, List<SqlToken> item, int open)
    {
        if (open >= item.Count || !item[open].IsSymbol("(")) return open;
        var close = SqlTokenizer.MatchingParen(item, open);
        var inner = item.Skip(open + 1).Take(close - open - 1).ToList();
        var raw = inner.Count == 0 ? "" : sql[inner[0].Start..inner[^1].End];
        Checks.Add(new Check(name, SqlTokenizer.Render(inner), raw));
        return close;
    }

    private static List<string> ColumnList(List<SqlToken> item, int open)
    {
        if (open >= item.Count || !item[open].IsSymbol("(")) return [];
        var close = SqlTokenizer.MatchingParen(item, open);
        // Each element may carry COLLATE / ASC / DESC; the column is its first token.
        return SplitTopLevel(item, open + 1, close).Where(e => e.Count > 0).Select(e => e[0].Identifier).ToList();
    }

    private static IEnumerable<List<SqlToken>> SplitTopLevel(IReadOnlyList<SqlToken> tokens, int from, int to)
    {
        var current = new List<SqlToken>();
        var depth = 0;
        for (var i = from; i < to; i++)
        {
            var t = tokens[i];
            if (t.IsSymbol("(")) depth++;
            else if (t.IsSymbol(")")) depth--;
            if (depth == 0 && t.IsSymbol(","))
            {
                yield return current;
                current = [];
                continue;
            }
            current.Add(t);
        }
        yield return current;
    }
}
