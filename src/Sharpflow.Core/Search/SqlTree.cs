using System.Text;

namespace Sharpflow.Core.Search;

/// <summary>
/// Lexical categories of the SQL-ish tokenizer MLflow runs filter strings through. Only the
/// distinctions that change how tokens group (and so which error a client sees) are kept.
/// </summary>
internal enum TokenKind
{
    Whitespace,
    Newline,
    CommentSingle,
    CommentMultiline,
    Assignment,
    Punctuation,
    Wildcard,
    Name,
    NamePlaceholder,
    NameBuiltin,
    Literal,
    Command,
    Comparison,
    Keyword,
    KeywordDml,
    KeywordDdl,
    KeywordCte,
    KeywordOrder,
    KeywordTzCast,
    Operator,
    Hex,
    Float,
    Integer,
    StringSingle,
    StringSymbol,
    Error,
}

/// <summary>Kinds of token groups the grouping passes build.</summary>
internal enum GroupKind
{
    Statement,
    Parenthesis,
    SquareBrackets,
    Case,
    If,
    For,
    Begin,
    Function,
    Where,
    Identifier,
    IdentifierList,
    Comparison,
    Operation,
    TypedLiteral,
    Assignment,
    Comment,
    TokenList,
    Values,
}

/// <summary>A node of the token tree: a leaf token or a group of nodes.</summary>
internal abstract class SqlNode
{
    /// <summary>The exact source text covered by the node (what MLflow prints in errors).</summary>
    public abstract string Text { get; }

    public abstract void AppendText(StringBuilder sb);

    public bool IsWhitespace => this is SqlToken { Kind: TokenKind.Whitespace or TokenKind.Newline };

    public bool IsGroup => this is SqlGroup;

    public bool IsGroupOf(GroupKind kind) => this is SqlGroup g && g.Kind == kind;

    /// <summary>Exact token kind test (never true for groups).</summary>
    public bool IsToken(TokenKind kind) => this is SqlToken t && t.Kind == kind;

    public bool IsKeyword => this is SqlToken t && SqlNodeKinds.IsKeywordFamily(t.Kind);

    /// <summary>Upper-cased text for keywords, verbatim text otherwise (keyword matching is case-insensitive).</summary>
    public string Normalized => IsKeyword ? Text.ToUpperInvariant() : Text;

    /// <summary>Exact kind plus one of the given values (case-insensitive for keywords).</summary>
    public bool Matches(TokenKind kind, params string[] values)
    {
        if (!IsToken(kind))
        {
            return false;
        }
        if (values.Length == 0)
        {
            return true;
        }
        var text = Normalized;
        foreach (var v in values)
        {
            if (IsKeyword ? text == v.ToUpperInvariant() : text == v)
            {
                return true;
            }
        }
        return false;
    }

    public override string ToString() => Text;
}

internal sealed class SqlToken : SqlNode
{
    public SqlToken(TokenKind kind, string value)
    {
        Kind = kind;
        Value = value;
    }

    /// <summary>Mutable: joining an arithmetic operation re-labels its operator token.</summary>
    public TokenKind Kind { get; set; }

    public string Value { get; }

    public override string Text => Value;

    public override void AppendText(StringBuilder sb) => sb.Append(Value);
}

internal sealed class SqlGroup : SqlNode
{
    public SqlGroup(GroupKind kind, List<SqlNode> children)
    {
        Kind = kind;
        Children = children;
    }

    public GroupKind Kind { get; }

    public List<SqlNode> Children { get; }

    public override string Text
    {
        get
        {
            var sb = new StringBuilder();
            AppendText(sb);
            return sb.ToString();
        }
    }

    public override void AppendText(StringBuilder sb)
    {
        foreach (var c in Children)
        {
            c.AppendText(sb);
        }
    }

    /// <summary>Children without whitespace tokens, as MLflow inspects a comparison.</summary>
    public List<SqlNode> NonWhitespaceChildren() => Children.Where(c => !c.IsWhitespace).ToList();
}

/// <summary>Family tests on token kinds (a keyword sub-kind is still a keyword, and so on).</summary>
internal static class SqlNodeKinds
{
    public static bool IsKeywordFamily(TokenKind k) =>
        k is TokenKind.Keyword or TokenKind.KeywordDml or TokenKind.KeywordDdl or TokenKind.KeywordCte
            or TokenKind.KeywordOrder or TokenKind.KeywordTzCast;

    public static bool IsNameFamily(TokenKind k) =>
        k is TokenKind.Name or TokenKind.NamePlaceholder or TokenKind.NameBuiltin;

    public static bool IsNumberFamily(TokenKind k) =>
        k is TokenKind.Hex or TokenKind.Float or TokenKind.Integer;

    public static bool IsCommentFamily(TokenKind k) =>
        k is TokenKind.CommentSingle or TokenKind.CommentMultiline;

    /// <summary>Kinds that may stand on either side of a comparison or arithmetic operator.</summary>
    public static bool IsOperand(TokenKind k) =>
        k is TokenKind.Integer or TokenKind.Float or TokenKind.StringSingle or TokenKind.StringSymbol
            or TokenKind.Name or TokenKind.NamePlaceholder;
}
