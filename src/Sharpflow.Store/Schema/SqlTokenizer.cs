using System.Text;

namespace Sharpflow.Store.Schema;

internal enum SqlTokenKind
{
    Word,
    QuotedIdentifier,
    String,
    DollarString,
    Number,
    Symbol,
    Comment,
}

internal readonly record struct SqlToken(SqlTokenKind Kind, string Text, int Start)
{
    public int End => Start + Text.Length;

    public bool IsWord(string word) =>
        Kind == SqlTokenKind.Word && string.Equals(Text, word, StringComparison.OrdinalIgnoreCase);

    public bool IsSymbol(string symbol) => Kind == SqlTokenKind.Symbol && Text == symbol;

    /// <summary>The identifier this token names (quotes removed), or its raw text.</summary>
    public string Identifier => Kind switch
    {
        SqlTokenKind.QuotedIdentifier => Unquote(Text),
        // SQLite accepts 'name' where an identifier is expected.
        SqlTokenKind.String => Text.Length >= 2 ? Text[1..^1].Replace("''", "'") : Text,
        _ => Text,
    };

    private static string Unquote(string text)
    {
        var close = text[0] == '[' ? ']' : text[0];
        var inner = text.Length >= 2 ? text[1..^1] : text;
        return close == ']' ? inner : inner.Replace(new string(close, 2), close.ToString());
    }
}

/// <summary>
/// A lexer that knows just enough of SQLite's and PostgreSQL's syntax to find statement
/// boundaries and to compare expressions token by token: strings, quoted identifiers,
/// comments and PostgreSQL dollar quoting are recognised so nothing inside them is
/// mistaken for structure.
/// </summary>
internal static class SqlTokenizer
{
    private static readonly string[] MultiCharSymbols =
        ["->>", "::", "<=", ">=", "<>", "!=", "||", "==", "->", "<<", ">>"];

    /// <param name="bracketIdentifiers">SQLite's [name] quoting; off for PostgreSQL, where [ ] are array brackets.</param>
    public static List<SqlToken> Tokenize(string sql, bool bracketIdentifiers = false, bool keepComments = false)
    {
        var tokens = new List<SqlToken>();
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }

            var start = i;
            SqlTokenKind kind;
            if (c == '-' && Peek(sql, i + 1) == '-')
            {
                while (i < sql.Length && sql[i] != '\n') i++;
                kind = SqlTokenKind.Comment;
            }
            else if (c == '/' && Peek(sql, i + 1) == '*')
            {
                var close = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = close < 0 ? sql.Length : close + 2;
                kind = SqlTokenKind.Comment;
            }
            else if (c == '\'')
            {
                // E'...' strings allow backslash escapes; the E was already emitted as a word.
                var backslashEscapes = tokens.Count > 0 && tokens[^1].End == start && tokens[^1].IsWord("E");
                i = ScanQuoted(sql, i, '\'', backslashEscapes);
                kind = SqlTokenKind.String;
            }
            else if (c == '"' || c == '`')
            {
                i = ScanQuoted(sql, i, c, false);
                kind = SqlTokenKind.QuotedIdentifier;
            }
            else if (c == '[' && bracketIdentifiers)
            {
                var close = sql.IndexOf(']', i + 1);
                i = close < 0 ? sql.Length : close + 1;
                kind = SqlTokenKind.QuotedIdentifier;
            }
            else if (c == '$' && TryScanDollarQuote(sql, i, out var end))
            {
                i = end;
                kind = SqlTokenKind.DollarString;
            }
            else if (char.IsDigit(c) || (c == '.' && char.IsDigit(Peek(sql, i + 1))))
            {
                i = ScanNumber(sql, i);
                kind = SqlTokenKind.Number;
            }
            else if (IsWordStart(c))
            {
                while (i < sql.Length && IsWordPart(sql[i])) i++;
                kind = SqlTokenKind.Word;
            }
            else
            {
                var symbol = MultiCharSymbols.FirstOrDefault(s => string.CompareOrdinal(sql, i, s, 0, s.Length) == 0);
                i += symbol?.Length ?? 1;
                kind = SqlTokenKind.Symbol;
            }

            if (kind != SqlTokenKind.Comment || keepComments)
                tokens.Add(new SqlToken(kind, sql[start..i], start));
        }
        return tokens;
    }

    /// <summary>
    /// Renders tokens as canonical text: words and identifiers lower-cased and unquoted,
    /// literals verbatim, one space between tokens except around ( ) , . ::
    /// Two expressions that differ only in layout, keyword case or identifier quoting
    /// render identically.
    /// </summary>
    public static string Render(IEnumerable<SqlToken> tokens)
    {
        var sb = new StringBuilder();
        SqlToken? previous = null;
        foreach (var token in tokens)
        {
            if (token.Kind == SqlTokenKind.Comment) continue;
            var text = token.Kind switch
            {
                SqlTokenKind.Word => token.Text.ToLowerInvariant(),
                SqlTokenKind.QuotedIdentifier => token.Identifier.ToLowerInvariant(),
                _ => token.Text,
            };
            if (previous is { } p && NeedsSpace(p, token)) sb.Append(' ');
            sb.Append(text);
            previous = token;
        }
        return sb.ToString();
    }

    public static string Render(string sql, bool bracketIdentifiers = false) =>
        Render(Tokenize(sql, bracketIdentifiers));

    /// <summary>Index of the token closing the parenthesis opened at <paramref name="open"/> (or the last index).</summary>
    public static int MatchingParen(IReadOnlyList<SqlToken> tokens, int open)
    {
        var depth = 0;
        for (var i = open; i < tokens.Count; i++)
        {
            if (tokens[i].IsSymbol("(")) depth++;
            else if (tokens[i].IsSymbol(")") && --depth == 0) return i;
        }
        return tokens.Count - 1;
    }

    private static bool NeedsSpace(SqlToken previous, SqlToken current)
    {
        if (previous.IsSymbol("(") || previous.IsSymbol("[") || previous.IsSymbol(".") || previous.IsSymbol("::")) return false;
        if (current.IsSymbol("]") || (current.IsSymbol("[") && previous.Kind == SqlTokenKind.Word)) return false;
        if (current.IsSymbol(")") || current.IsSymbol(",") || current.IsSymbol(";") || current.IsSymbol(".") || current.IsSymbol("::")) return false;
        // Function calls and type arguments: lower(x), varchar(20). Keywords before a
        // parenthesis (IN (...), AS (...)) keep their space.
        if (current.IsSymbol("(") && previous.Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier)
            return IsSpacedKeyword(previous.Text);
        return true;
    }

    private static bool IsSpacedKeyword(string word) => word.ToUpperInvariant() is
        "IN" or "AS" or "AND" or "OR" or "NOT" or "ANY" or "ALL" or "SOME" or "EXISTS" or "CHECK"
        or "KEY" or "ON" or "VALUES" or "WHEN" or "THEN" or "ELSE" or "IS" or "LIKE" or "BETWEEN"
        or "REFERENCES" or "UNIQUE" or "USING" or "WHERE" or "SELECT" or "FROM" or "RETURNS" or "DEFAULT";

    private static char Peek(string s, int i) => i < s.Length ? s[i] : '\0';

    private static bool IsWordStart(char c) => char.IsLetter(c) || c == '_' || c > 127;

    private static bool IsWordPart(char c) => char.IsLetterOrDigit(c) || c == '_' || c == '$' || c > 127;

    private static int ScanQuoted(string sql, int i, char quote, bool backslashEscapes)
    {
        i++;
        while (i < sql.Length)
        {
            if (backslashEscapes && sql[i] == '\\') { i += 2; continue; }
            if (sql[i] == quote)
            {
                if (Peek(sql, i + 1) == quote) { i += 2; continue; }
                return i + 1;
            }
            i++;
        }
        return sql.Length;
    }

    private static int ScanNumber(string sql, int i)
    {
        while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] == '.' || sql[i] == '_'))
        {
            // 1e-5 / 1E+5
            if ((sql[i] == 'e' || sql[i] == 'E') && (Peek(sql, i + 1) == '-' || Peek(sql, i + 1) == '+')) i++;
            i++;
        }
        return i;
    }

    /// <summary>$tag$ ... $tag$ (tag may be empty). $1 style parameters are not quotes.</summary>
    private static bool TryScanDollarQuote(string sql, int i, out int end)
    {
        end = i;
        var j = i + 1;
        if (j < sql.Length && char.IsDigit(sql[j])) return false;
        while (j < sql.Length && (char.IsLetterOrDigit(sql[j]) || sql[j] == '_')) j++;
        if (j >= sql.Length || sql[j] != '$') return false;
        var tag = sql[i..(j + 1)];
        var close = sql.IndexOf(tag, j + 1, StringComparison.Ordinal);
        end = close < 0 ? sql.Length : close + tag.Length;
        return true;
    }
}
