namespace Sharpflow.Core.Search;

/// <summary>How the string splits: the grouped statements, in order.</summary>
internal sealed record ParsedStatements(IReadOnlyList<SqlGroup> Statements);

/// <summary>One comparison clause as MLflow's validators see it: its non-whitespace parts.</summary>
internal sealed record RawComparison(SqlGroup Node, IReadOnlyList<SqlNode> Parts);

/// <summary>
/// Turns a filter string into statements, and a statement into AND-ed comparison clauses.
/// Entity grammars decide what the parts of each clause mean; this class only knows the
/// shared shape: <c>clause (AND clause)*</c>, where anything else at the top level is an
/// invalid clause that MLflow echoes back verbatim.
/// </summary>
internal static class FilterParser
{
    /// <summary>
    /// Bracket nesting beyond which MLflow's tokenizer runs out of Python stack and MLflow
    /// reports "Error on parsing ...". The exact depth depends on the server's stack; ~980 in
    /// isolation, a little less behind the web framework.
    /// </summary>
    public const int MaxNesting = 900;

    /// <summary>Raised for inputs nested deeper than <see cref="MaxNesting"/>; entry points turn it into MLflow's message.</summary>
    public sealed class TooDeepException() : Exception("maximum recursion depth exceeded");

    public static ParsedStatements Parse(string text)
    {
        var tokens = FilterLexer.Tokenize(text);
        var depth = 0;
        foreach (var t in tokens)
        {
            depth += t.Matches(TokenKind.Punctuation, "(") || t.Matches(TokenKind.Punctuation, "[") ? 1
                : t.Matches(TokenKind.Punctuation, ")") || t.Matches(TokenKind.Punctuation, "]") ? -1 : 0;
            if (depth > MaxNesting)
            {
                throw new TooDeepException();
            }
        }
        var statements = Split(tokens);
        foreach (var statement in statements)
        {
            SqlGrouping.Group(statement);
        }
        return new ParsedStatements(statements);
    }

    /// <summary>
    /// Splits on top-level semicolons. Whitespace and line comments right after a semicolon
    /// still belong to the statement it ends; a statement of whitespace only is dropped, so
    /// <c>"x = 1;  "</c> is one statement and <c>"   "</c> is none.
    /// </summary>
    private static List<SqlGroup> Split(List<SqlToken> tokens)
    {
        var result = new List<SqlGroup>();
        var state = new SplitState();
        var current = new List<SqlNode>();
        foreach (var token in tokens)
        {
            if (state.ConsumeWhitespace && token.Kind is not (TokenKind.Whitespace or TokenKind.CommentSingle))
            {
                result.Add(new SqlGroup(GroupKind.Statement, current));
                current = new List<SqlNode>();
                state = new SplitState();
            }
            state.Level += state.LevelChange(token);
            current.Add(token);
            if (state.Level <= 0 && token.Matches(TokenKind.Punctuation, ";"))
            {
                state.ConsumeWhitespace = true;
            }
        }
        if (current.Count > 0 && !current.All(t => t.IsWhitespace))
        {
            result.Add(new SqlGroup(GroupKind.Statement, current));
        }
        return result;
    }

    /// <summary>Nesting that suppresses a split: parentheses and procedural blocks.</summary>
    private sealed class SplitState
    {
        private bool _isCreate;
        private int _beginDepth;

        public int Level { get; set; }

        public bool ConsumeWhitespace { get; set; }

        public int LevelChange(SqlToken token)
        {
            if (token.Matches(TokenKind.Punctuation, "("))
            {
                return 1;
            }
            if (token.Matches(TokenKind.Punctuation, ")"))
            {
                return -1;
            }
            if (!token.IsKeyword)
            {
                return 0;
            }
            var word = token.Value.ToUpperInvariant();
            if (token.Kind == TokenKind.KeywordDdl && word.StartsWith("CREATE", StringComparison.Ordinal))
            {
                _isCreate = true;
                return 0;
            }
            if (word == "DECLARE" && _isCreate && _beginDepth == 0)
            {
                return 1;
            }
            if (word == "BEGIN")
            {
                _beginDepth++;
                return _isCreate ? 1 : 0;
            }
            if (word == "END")
            {
                _beginDepth = Math.Max(0, _beginDepth - 1);
                return -1;
            }
            if (word is "IF" or "FOR" or "WHILE" or "CASE" && _isCreate && _beginDepth > 0)
            {
                return 1;
            }
            return word is "END IF" or "END FOR" or "END WHILE" ? -1 : 0;
        }
    }

    /// <summary>
    /// The comparisons of a statement, or the top-level tokens that are neither a comparison,
    /// whitespace nor the <c>AND</c> keyword (MLflow rejects the filter listing those).
    /// </summary>
    public static (List<RawComparison> Comparisons, List<SqlNode> Invalid) Clauses(SqlGroup statement)
    {
        var comparisons = new List<RawComparison>();
        var invalid = new List<SqlNode>();
        foreach (var node in statement.Children)
        {
            if (node is SqlGroup { Kind: GroupKind.Comparison } c)
            {
                comparisons.Add(new RawComparison(c, c.NonWhitespaceChildren()));
            }
            else if (!node.IsWhitespace && !node.Matches(TokenKind.Keyword, "AND"))
            {
                invalid.Add(node);
            }
        }
        return (comparisons, invalid);
    }
}
