using Sharpflow.Core.Python;
using Sharpflow.Core.Errors;

namespace Sharpflow.Core.Search;

/// <summary>One order_by clause, entity type and key normalized like <see cref="Comparison"/>.</summary>
public sealed record OrderByClause(string EntityType, string Key, bool Ascending);

/// <summary>A logged-model order_by entry (these arrive as objects, not strings).</summary>
public sealed record LoggedModelOrderBy(string? FieldName, bool Ascending = true, string? DatasetName = null, string? DatasetDigest = null);

/// <summary>
/// The part of order_by handling all string-based entities share: a clause is
/// <c>key [ASC|DESC]</c> that must tokenize as one identifier. Entity grammars then interpret
/// the key with their own rules.
/// </summary>
internal static class OrderByParser
{
    /// <summary>
    /// The single sort key of an order_by clause: the statement must be exactly one
    /// identifier (possibly carrying its ASC/DESC), with no surrounding whitespace.
    /// Returns null when MLflow would answer "Could not be parsed".
    /// </summary>
    public static string? SortToken(string clause)
    {
        IReadOnlyList<SqlGroup> parsed;
        try
        {
            parsed = FilterParser.Parse(clause).Statements;
        }
        catch (FilterParser.TooDeepException)
        {
            throw SearchCommon.Invalid($"Error on parsing order_by clause '{clause}'");
        }
        if (parsed.Count != 1)
        {
            return null;
        }
        var children = parsed[0].Children;
        if (children.Count == 1 && children[0].IsGroupOf(GroupKind.Identifier))
        {
            return children[0].Text;
        }
        if (children.Count == 1 && children[0].Matches(TokenKind.NameBuiltin, "timestamp"))
        {
            return "timestamp";
        }
        if (children.Count >= 2 && children[0].Matches(TokenKind.NameBuiltin, "timestamp")
            && children.Skip(1).SkipLast(1).All(c => c.IsWhitespace) && children[^1].IsToken(TokenKind.KeywordOrder))
        {
            return "timestamp " + children[^1].Text;
        }
        return null;
    }

    /// <summary>
    /// Splits <c>key [ASC|DESC]</c>. The clause must tokenize to a single identifier; the
    /// direction is then cut off shell-style (backticks act as double quotes there).
    /// </summary>
    public static (string Key, bool Ascending) Split(string clause)
    {
        var token = SortToken(clause) ?? throw SearchCommon.Invalid($"Invalid order_by clause '{clause}'. Could not be parsed.");
        List<string> words;
        try
        {
            words = Shlex.Split(token.Replace('`', '"'));
        }
        catch (Shlex.ShlexException e)
        {
            throw SearchCommon.Crash(e.Message);
        }
        if (words.Count > 2)
        {
            throw SearchCommon.Invalid($"Invalid order_by clause '{clause}'. Could not be parsed.");
        }
        if (words.Count < 2)
        {
            return (token.Trim(), true);
        }
        var direction = words[1].ToLowerInvariant();
        if (direction is not ("asc" or "desc"))
        {
            throw SearchCommon.Invalid($"Invalid ordering key in order_by clause '{clause}'.");
        }
        return (words[0].Trim(), direction == "asc");
    }

    /// <summary>MLflow's error (an internal one, HTTP 500) for an order_by list naming a field twice.</summary>
    public static MlflowException Duplicate(IReadOnlyList<string> clauses) =>
        SearchCommon.Crash($"`order_by` contains duplicate fields: {PythonRepr.StrList(clauses)}");
}
