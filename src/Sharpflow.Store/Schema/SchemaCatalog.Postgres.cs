using System.Data;
using System.Text.RegularExpressions;
using Npgsql;

namespace Sharpflow.Store.Schema;

public sealed partial class SchemaCatalog
{
    /// <summary>
    /// Reads one PostgreSQL schema (default: the connection's current_schema(), normally
    /// public) from pg_catalog. Objects owned by extensions are left out.
    /// </summary>
    public static async Task<SchemaCatalog> ReadPostgresAsync(
        NpgsqlConnection connection, string? schema = null, CancellationToken cancellationToken = default)
    {
        var opened = connection.State != ConnectionState.Open;
        if (opened) await connection.OpenAsync(cancellationToken);
        try
        {
            return await new PgReader(connection, cancellationToken).ReadAsync(schema);
        }
        finally
        {
            if (opened) await connection.CloseAsync();
        }
    }

    /// <summary>
    /// Canonical text of a PostgreSQL CHECK/predicate expression for comparison: casts and
    /// parentheses are dropped. PostgreSQL stores the same constraint with different casts
    /// depending on how it was spelled: "x IN ('a','b')" reads back as
    /// "(x)::text = ANY ((ARRAY['a'::varchar, ...])::text[])", but that text, replayed
    /// from a pg_dump, reads back as "... ANY (ARRAY[('a'::varchar)::text, ...])". Dropping
    /// grouping could hide a real difference in operator precedence; the exact text is
    /// still kept in <see cref="CatalogCheck.RawDefinition"/> for callers that need it.
    /// </summary>
    public static string NormalizePostgresExpression(string expression)
    {
        var tokens = SqlTokenizer.Tokenize(expression);
        var kept = new List<SqlToken>();
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (t.IsSymbol("::")) { i = SkipTypeName(tokens, i + 1); continue; }
            if (t.IsSymbol("(") || t.IsSymbol(")")) continue;
            kept.Add(t);
        }
        return SqlTokenizer.Render(kept);
    }

    /// <returns>Index of the type name's last token.</returns>
    private static int SkipTypeName(List<SqlToken> tokens, int i)
    {
        if (i >= tokens.Count) return i;
        // [schema.]name, multi-word names (character varying, double precision,
        // timestamp with time zone), then (n[, m]) and [] suffixes.
        while (i + 2 < tokens.Count && tokens[i + 1].IsSymbol(".")) i += 2;
        while (i + 1 < tokens.Count && tokens[i + 1].Kind == SqlTokenKind.Word
               && tokens[i + 1].Text.ToLowerInvariant() is "varying" or "precision" or "with" or "without" or "time" or "zone")
            i++;
        if (i + 1 < tokens.Count && tokens[i + 1].IsSymbol("(")) i = SqlTokenizer.MatchingParen(tokens, i + 1);
        while (i + 2 < tokens.Count && tokens[i + 1].IsSymbol("[") && tokens[i + 2].IsSymbol("]")) i += 2;
        return i;
    }

    private sealed class PgReader(NpgsqlConnection connection, CancellationToken ct)
    {
        private string _schema = "public";

        public async Task<SchemaCatalog> ReadAsync(string? schema)
        {
            _schema = schema ?? (await QueryAsync("SELECT current_schema()::text", r => r.IsDBNull(0) ? null : r.GetString(0))).Single()
                ?? throw new InvalidOperationException("The connection has no current schema (empty search_path); pass one explicitly.");

            var tableNames = await QueryAsync("""
                SELECT c.relname::text, c.relkind::text, CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = @schema AND c.relkind IN ('r', 'p') AND NOT c.relispartition
                  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
                """, r => (Name: r.GetString(0), Options: r.IsDBNull(2) ? null : "PARTITION BY " + r.GetString(2)));

            var columns = (await QueryAsync("""
                SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                       pg_get_expr(d.adbin, d.adrelid), a.attgenerated::text, a.attidentity::text,
                       CASE WHEN a.attcollation <> t.typcollation THEN co.collname::text END
                FROM pg_attribute a
                JOIN pg_class c ON c.oid = a.attrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace
                JOIN pg_type t ON t.oid = a.atttypid
                LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                LEFT JOIN pg_collation co ON co.oid = a.attcollation
                WHERE n.nspname = @schema AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY c.relname, a.attnum
                """, r => (Table: r.GetString(0), Name: r.GetString(1), Type: r.GetString(2), NotNull: r.GetBoolean(3),
                          Default: r.IsDBNull(4) ? null : r.GetString(4), Generated: r.GetString(5), Identity: r.GetString(6),
                          Collation: r.IsDBNull(7) ? null : r.GetString(7))))
                .ToLookup(c => c.Table);

            var constraints = (await QueryAsync("""
                SELECT c.relname::text, con.conname::text, con.contype::text, pg_get_constraintdef(con.oid),
                       ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
                             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord),
                       CASE WHEN fn.nspname = n.nspname THEN fc.relname::text ELSE fn.nspname || '.' || fc.relname END,
                       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
                             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord),
                       con.confdeltype::text, con.confupdtype::text, con.confmatchtype::text,
                       con.condeferrable, con.condeferred, con.convalidated
                FROM pg_constraint con
                JOIN pg_class c ON c.oid = con.conrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace
                LEFT JOIN pg_class fc ON fc.oid = con.confrelid
                LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
                WHERE n.nspname = @schema
                ORDER BY con.conname
                """, r => (Table: r.GetString(0), Name: r.GetString(1), Type: r.GetString(2), Definition: r.GetString(3),
                          Columns: r.GetFieldValue<string[]>(4), RefTable: r.IsDBNull(5) ? null : r.GetString(5),
                          RefColumns: r.GetFieldValue<string[]>(6), OnDelete: r.GetString(7), OnUpdate: r.GetString(8),
                          Match: r.GetString(9), Deferrable: r.GetBoolean(10), Deferred: r.GetBoolean(11), Validated: r.GetBoolean(12))))
                .ToLookup(c => c.Table);

            // Indexes backing a PRIMARY KEY / UNIQUE / EXCLUDE constraint are described by the constraint.
            var indexes = (await QueryAsync("""
                SELECT t.relname::text, i.relname::text, ix.indisunique, am.amname::text, pg_get_expr(ix.indpred, ix.indrelid),
                       ARRAY(SELECT pg_get_indexdef(ix.indexrelid, k, false)
                                    || CASE WHEN ix.indoption[k - 1] & 1 = 1 THEN ' DESC' ELSE '' END
                             FROM generate_series(1, ix.indnkeyatts) k ORDER BY k),
                       ARRAY(SELECT pg_get_indexdef(ix.indexrelid, k, false)
                             FROM generate_series(ix.indnkeyatts + 1, ix.indnatts) k ORDER BY k)
                FROM pg_index ix
                JOIN pg_class i ON i.oid = ix.indexrelid
                JOIN pg_class t ON t.oid = ix.indrelid
                JOIN pg_namespace n ON n.oid = t.relnamespace
                JOIN pg_am am ON am.oid = i.relam
                WHERE n.nspname = @schema AND t.relkind IN ('r', 'p')
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = ix.indexrelid AND con.contype IN ('p', 'u', 'x'))
                ORDER BY i.relname
                """, r => (Table: r.GetString(0), Index: new CatalogIndex(
                    r.GetString(1),
                    r.GetFieldValue<string[]>(5).Select(Unquote)
                        .Concat(r.GetFieldValue<string[]>(6) is { Length: > 0 } inc ? [$"INCLUDE ({string.Join(", ", inc.Select(Unquote))})"] : [])
                        .ToList(),
                    r.GetBoolean(2),
                    r.IsDBNull(4) ? null : NormalizePostgresExpression(r.GetString(4)),
                    r.GetString(3)))))
                .ToLookup(x => x.Table, x => x.Index);

            var tables = tableNames.Select(t => BuildTable(t.Name, t.Options, columns[t.Name], constraints[t.Name], indexes[t.Name])).ToList();

            var views = await QueryAsync("""
                SELECT c.relname::text, c.relkind::text, pg_get_viewdef(c.oid, true)
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = @schema AND c.relkind IN ('v', 'm')
                """, r => new CatalogView(r.GetString(0), (r.GetString(1) == "m" ? "MATERIALIZED " : "") + CollapseWhitespace(r.GetString(2))));

            var triggers = await QueryAsync("""
                SELECT t.tgname::text, c.relname::text, pg_get_triggerdef(t.oid)
                FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = @schema AND NOT t.tgisinternal
                """, r => new CatalogTrigger(r.GetString(0), r.GetString(1), Unqualify(r.GetString(2))));

            var sequences = await QueryAsync("""
                SELECT c.relname::text,
                       format_type(s.seqtypid, NULL) || ' START ' || s.seqstart || ' INCREMENT ' || s.seqincrement
                         || ' MINVALUE ' || s.seqmin || ' MAXVALUE ' || s.seqmax || ' CACHE ' || s.seqcache
                         || CASE WHEN s.seqcycle THEN ' CYCLE' ELSE ' NO CYCLE' END,
                       (SELECT tc.relname::text || '.' || a.attname::text || CASE d.deptype WHEN 'i' THEN ' (identity)' ELSE '' END
                        FROM pg_depend d
                        JOIN pg_class tc ON tc.oid = d.refobjid
                        JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                        WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                          AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
                        LIMIT 1)
                FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = @schema
                """, r => new CatalogSequence(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2)));

            // Bodies are compared with whitespace collapsed: plpgsql ignores layout.
            var routines = await QueryAsync("""
                SELECT p.proname::text || '(' || pg_get_function_identity_arguments(p.oid) || ')',
                       CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' WHEN 'w' THEN 'WINDOW'
                                      ELSE 'RETURNS ' || pg_get_function_result(p.oid) END
                         || ' LANGUAGE ' || l.lanname::text
                         || CASE p.provolatile WHEN 'i' THEN ' IMMUTABLE' WHEN 's' THEN ' STABLE' ELSE ' VOLATILE' END,
                       p.prosrc
                FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
                WHERE n.nspname = @schema
                  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
                """, r => new CatalogRoutine(r.GetString(0), $"{r.GetString(1)}: {CollapseWhitespace(r.IsDBNull(2) ? "" : r.GetString(2))}"));

            var enums = await QueryAsync("""
                SELECT t.typname::text, array_agg(e.enumlabel::text ORDER BY e.enumsortorder)
                FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
                WHERE n.nspname = @schema
                GROUP BY t.typname
                """, r => new CatalogEnumType(r.GetString(0), r.GetFieldValue<string[]>(1)));

            return new SchemaCatalog(SchemaScripts.PostgreSql, tables, views, triggers, sequences, routines, enums);
        }

        private CatalogTable BuildTable(
            string name, string? options,
            IEnumerable<(string Table, string Name, string Type, bool NotNull, string? Default, string Generated, string Identity, string? Collation)> rawColumns,
            IEnumerable<(string Table, string Name, string Type, string Definition, string[] Columns, string? RefTable, string[] RefColumns,
                         string OnDelete, string OnUpdate, string Match, bool Deferrable, bool Deferred, bool Validated)> rawConstraints,
            IEnumerable<CatalogIndex> indexes)
        {
            var cons = rawConstraints.ToList();
            var pk = cons.FirstOrDefault(c => c.Type == "p");
            var pkColumns = pk.Name is null ? [] : pk.Columns;

            var columns = rawColumns.Select((c, i) => new CatalogColumn(
                c.Name, i + 1, c.Type, c.NotNull,
                c.Generated == "s" ? null : Unqualify(c.Default),
                Array.IndexOf(pkColumns, c.Name) + 1,
                c.Generated == "s" ? $"GENERATED ALWAYS AS {Unqualify(c.Default)} STORED"
                    : c.Identity == "a" ? "GENERATED ALWAYS AS IDENTITY"
                    : c.Identity == "d" ? "GENERATED BY DEFAULT AS IDENTITY" : null,
                c.Collation)).ToList();

            var checks = new List<CatalogCheck>();
            var foreignKeys = new List<CatalogForeignKey>();
            var uniques = new List<CatalogKey>();
            foreach (var c in cons)
            {
                var notValid = c.Validated ? "" : " NOT VALID";
                switch (c.Type)
                {
                    case "u":
                        uniques.Add(new CatalogKey(c.Name, c.Columns));
                        break;
                    case "c":
                        var expr = Regex.Replace(c.Definition, @"^CHECK\s*", "");
                        checks.Add(new CatalogCheck(c.Name, NormalizePostgresExpression(expr) + notValid, c.Definition));
                        break;
                    case "f":
                        var opts = new List<string>();
                        if (c.Match == "f") opts.Add("MATCH FULL");
                        if (c.Match == "p") opts.Add("MATCH PARTIAL");
                        if (c.Deferrable) opts.Add(c.Deferred ? "DEFERRABLE INITIALLY DEFERRED" : "DEFERRABLE");
                        if (!c.Validated) opts.Add("NOT VALID");
                        foreignKeys.Add(new CatalogForeignKey(c.Name, c.Columns, c.RefTable ?? "?", c.RefColumns,
                            Action(c.OnDelete), Action(c.OnUpdate), opts.Count == 0 ? null : string.Join(" ", opts)));
                        break;
                    case "x" or "t":
                        // Exclusion and constraint triggers: rare enough to compare by definition only.
                        checks.Add(new CatalogCheck(c.Name, Unqualify(c.Definition) ?? "", c.Definition));
                        break;
                }
            }

            return new CatalogTable(name, columns, pk.Name is null ? null : new CatalogKey(pk.Name, pk.Columns),
                uniques, checks, foreignKeys, indexes.ToList(), options);
        }

        private static string Action(string code) => code switch
        {
            "a" => "NO ACTION",
            "r" => "RESTRICT",
            "c" => "CASCADE",
            "n" => "SET NULL",
            "d" => "SET DEFAULT",
            _ => code,
        };

        // pg_get_*def qualify names outside the search_path; the schema itself is noise.
        [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(text))]
        private string? Unqualify(string? text) =>
            text is null ? null : Regex.Replace(text, $@"(?<![\w""$]){Regex.Escape(_schema)}\.|""{Regex.Escape(_schema)}""\.", "");

        private static string Unquote(string identifier) =>
            identifier.Length > 1 && identifier[0] == '"' && identifier[^1] == '"' && identifier.IndexOf('"', 1) == identifier.Length - 1
                ? identifier[1..^1] : identifier;

        private async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> map)
        {
            await using var cmd = new NpgsqlCommand(sql, connection);
            if (sql.Contains("@schema", StringComparison.Ordinal)) cmd.Parameters.AddWithValue("schema", _schema);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            var list = new List<T>();
            while (await reader.ReadAsync(ct)) list.Add(map(reader));
            return list;
        }
    }

    private static string CollapseWhitespace(string text) => Regex.Replace(text.Trim(), @"\s+", " ");
}
