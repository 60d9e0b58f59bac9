using Sharpflow.Core.Python;
using System.Globalization;
using System.Text;
using Sharpflow.Core.Errors;

namespace Sharpflow.Core.Search;

/// <summary>A clause after the shared syntax checks: key split into entity and key, comparator as written, value.</summary>
internal sealed record ParsedClause(string EntityType, string Key, string Comparator, FilterValue Value);

/// <summary>
/// Behaviour MLflow shares between entities: statement and clause checks, quote handling,
/// value extraction, IN-list evaluation and order_by splitting. Entity grammars combine these
/// with their own tables and messages.
/// </summary>
internal static class SearchCommon
{
    public static MlflowException Invalid(string message) => MlflowException.InvalidParameter(message);

    /// <summary>
    /// For inputs on which MLflow itself crashes (an unhandled Python exception, HTTP 500). The input is the
    /// client's mistake, so Sharpflow answers 400 INVALID_PARAMETER_VALUE rather than copying the 500.
    /// </summary>
    public static MlflowException Crash(string message) => MlflowException.InvalidParameter(message);

    /// <summary>The one statement of a filter, or null for an empty filter (no clauses).</summary>
    public static SqlGroup? SingleStatement(string? filter)
    {
        if (string.IsNullOrEmpty(filter))
        {
            return null;
        }
        IReadOnlyList<SqlGroup> statements;
        try
        {
            statements = FilterParser.Parse(filter).Statements;
        }
        catch (FilterParser.TooDeepException)
        {
            throw Invalid($"Error on parsing filter '{filter}'");
        }
        if (statements.Count == 0)
        {
            throw Invalid($"Invalid filter '{filter}'. Could not be parsed.");
        }
        if (statements.Count > 1)
        {
            throw Invalid($"Search filter contained multiple expression {PythonRepr.Str(filter)}. Provide AND-ed expression list.");
        }
        return statements[0];
    }

    /// <summary>
    /// The comparisons of a filter. Runs, traces and logged models quote each invalid clause in
    /// the error (<c>'OR'</c>), the other entities list them bare (<c>name, =</c>).
    /// </summary>
    public static List<RawComparison> Comparisons(string? filter, bool quoteInvalid)
    {
        var statement = SingleStatement(filter);
        if (statement is null)
        {
            return [];
        }
        var (comparisons, invalid) = FilterParser.Clauses(statement);
        if (invalid.Count > 0)
        {
            var listed = string.Join(", ", invalid.Select(n => quoteInvalid ? "'" + n.Text + "'" : n.Text));
            throw Invalid($"Invalid clause(s) in filter string: {listed}");
        }
        return comparisons;
    }

    /// <summary>A comparison must be exactly key, operator, value, with an identifier as key.</summary>
    public static void RequireKeyOperatorValue(RawComparison c)
    {
        if (c.Parts.Count != 3)
        {
            throw Invalid($"Invalid comparison clause. Expected 3 tokens found {c.Parts.Count}");
        }
        if (!c.Parts[0].IsGroupOf(GroupKind.Identifier))
        {
            throw Invalid($"Invalid comparison clause. Expected 'Identifier' found '{c.Parts[0].Text}'");
        }
    }

    // ---- quotes ----

    public static bool IsQuoted(string value, char q) => value.Length >= 2 && value[0] == q && value[^1] == q;

    public static string TrimBackticks(string s) => IsQuoted(s, '`') ? s[1..^1] : s;

    public static string StripQuotes(string value, bool expectQuoted = false)
    {
        if (IsQuoted(value, '\'') || IsQuoted(value, '"'))
        {
            return value[1..^1];
        }
        if (expectQuoted)
        {
            throw Invalid($"Parameter value is either not quoted or unidentified quote types used for string value {value}. Use either single or double quotes.");
        }
        return value;
    }

    /// <summary>Key text as MLflow cleans it: quotes first, then backticks.</summary>
    public static string CleanKey(string key) => TrimBackticks(StripQuotes(key));

    // ---- values ----

    /// <summary>A string literal or an identifier (a double-quoted string is an identifier to the tokenizer).</summary>
    public static bool IsStringLike(SqlNode n) => n.IsToken(TokenKind.StringSingle) || n.IsGroupOf(GroupKind.Identifier);

    public static bool IsNumber(SqlNode n) => n.IsToken(TokenKind.Integer) || n.IsToken(TokenKind.Float);

    public static bool IsList(SqlNode n) => n.IsGroupOf(GroupKind.Parenthesis);

    public static FilterValue QuotedString(SqlNode n) => new FilterValue.StringValue(StripQuotes(n.Text, expectQuoted: true));

    public static FilterValue Number(SqlNode n) => new FilterValue.NumberValue(n.Text, ToDouble(n.Text));

    /// <summary>Python's float() of a numeric token (tokens may use non-ASCII decimal digits).</summary>
    public static double ToDouble(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            sb.Append(char.IsDigit(c) ? (char)('0' + (int)char.GetNumericValue(c)) : c);
        }
        return double.Parse(sb.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The strings of an IN list, evaluated as a Python literal: <c>('a', 'b')</c>, or a single
    /// <c>('a')</c>. Empty lists and non-string items are rejected with MLflow's messages.
    /// </summary>
    public static List<string> StringList(SqlNode list)
    {
        object? parsed;
        try
        {
            parsed = PythonLiteral.Eval(list.Text);
        }
        catch (PythonLiteral.SyntaxErrorException)
        {
            throw Invalid("While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.");
        }
        catch (PythonLiteral.NotLiteralException e)
        {
            throw Crash(e.Message);
        }
        var items = parsed is PythonLiteral.Tuple t ? t.Items : [parsed];
        if (items.Count == 0)
        {
            throw Invalid("While parsing a list in the query, expected a non-empty list of string values, but got empty list");
        }
        if (!items.All(i => i is string))
        {
            throw Invalid("While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: "
                + PythonLiteral.Repr(new PythonLiteral.Tuple(items)));
        }
        return items.Cast<string>().ToList();
    }

    /// <summary>
    /// MLflow keeps only list items that are entirely lower case (Python's <c>str.islower</c>),
    /// because run ids are lower-case hex and MySQL's IN is case-insensitive.
    /// </summary>
    public static FilterValue LowerCaseList(SqlNode list) => FilterValue.List(StringList(list).Where(IsPythonLower));

    public static bool IsPythonLower(string s)
    {
        var cased = false;
        foreach (var c in s)
        {
            if (char.IsUpper(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.TitlecaseLetter)
            {
                return false;
            }
            if (char.IsLower(c))
            {
                cased = true;
            }
        }
        return cased;
    }
}
