namespace Sharpflow.Core.Search;

/// <summary>
/// Splits a filter or order_by string into tokens the way MLflow's server does (it relies on
/// sqlparse 0.4.x). At each position the rules below are tried in order and the first that
/// matches wins; a rule that fails leaves the position for the next one. The order matters:
/// for example <c>in</c> right after a dot is still the <c>IN</c> operator, and <c>12abc</c>
/// is the number <c>1</c> followed by the word <c>2abc</c>, because a number may not run into
/// a letter. Each quirk is observable in MLflow's error messages, which echo tokens back.
/// </summary>
internal static partial class FilterLexer
{
    private delegate int Rule(string s, int i);

    /// <summary>Rules in priority order; a null kind means "look the word up in <see cref="SqlKeywords"/>".</summary>
    private static readonly (Rule Match, TokenKind? Kind)[] Rules =
    [
        (HintComment, TokenKind.CommentSingle),
        ((s, i) => BlockComment(s, i, hint: true), TokenKind.CommentMultiline),
        (LineComment, TokenKind.CommentSingle),
        ((s, i) => BlockComment(s, i, hint: false), TokenKind.CommentMultiline),
        (NewlineRule, TokenKind.Newline),
        ((s, i) => IsSpace(s[i]) ? 1 : 0, TokenKind.Whitespace),
        ((s, i) => Lit(s, i, ":="), TokenKind.Assignment),
        ((s, i) => Lit(s, i, "::"), TokenKind.Punctuation),
        ((s, i) => s[i] == '*' ? 1 : 0, TokenKind.Wildcard),
        ((s, i) => Quoted(s, i, '`', backslashEscapes: false), TokenKind.Name),
        ((s, i) => Quoted(s, i, '\u00b4', backslashEscapes: false), TokenKind.Name),
        (DollarQuoted, TokenKind.Literal),
        ((s, i) => s[i] == '?' ? 1 : 0, TokenKind.NamePlaceholder),
        (PercentPlaceholder, TokenKind.NamePlaceholder),
        (PrefixedPlaceholder, TokenKind.NamePlaceholder),
        ((s, i) => s[i] == '\\' && WordRun(s, i + 1) is var w and > 0 ? 1 + w : 0, TokenKind.Command),
        ((s, i) => OptionalNot(s, i, "IN"), TokenKind.Comparison),
        ((s, i) => AnyWord(s, i, "CASE", "IN", "VALUES", "USING", "FROM", "AS"), TokenKind.Keyword),
        (HashName, TokenKind.Name),
        (NameBeforeDot, TokenKind.Name),
        ((s, i) => i > 0 && s[i - 1] == '.' ? LetterWord(s, i) : 0, TokenKind.Name),
        ((s, i) => LetterWord(s, i) is var n and > 0 && i + n < s.Length && s[i + n] == '(' ? n : 0, TokenKind.Name),
        (Hex, TokenKind.Hex),
        (ScientificFloat, TokenKind.Float),
        (PlainFloat, TokenKind.Float),
        (Integer, TokenKind.Integer),
        ((s, i) => Quoted(s, i, '\'', backslashEscapes: true), TokenKind.StringSingle),
        ((s, i) => Quoted(s, i, '"', backslashEscapes: true), TokenKind.StringSymbol),
        (BracketName, TokenKind.Name),
        (Join, TokenKind.Keyword),
        ((s, i) => WordsThenOptional(s, i, ["END"], ["IF", "LOOP", "WHILE"]), TokenKind.Keyword),
        ((s, i) => Words(s, i, "NOT", "NULL"), TokenKind.Keyword),
        ((s, i) => Math.Max(Words(s, i, "NULLS", "FIRST"), Words(s, i, "NULLS", "LAST")), TokenKind.Keyword),
        ((s, i) => Words(s, i, "UNION", "ALL"), TokenKind.Keyword),
        ((s, i) => Words(s, i, "CREATE", "OR", "REPLACE") is var n and > 0 ? n : Words(s, i, "CREATE"), TokenKind.KeywordDdl),
        ((s, i) => Words(s, i, "DOUBLE", "PRECISION"), TokenKind.NameBuiltin),
        ((s, i) => Words(s, i, "GROUP", "BY"), TokenKind.Keyword),
        ((s, i) => Words(s, i, "ORDER", "BY"), TokenKind.Keyword),
        ((s, i) => Words(s, i, "HANDLER", "FOR"), TokenKind.Keyword),
        (LateralView, TokenKind.Keyword),
        (TimeZoneCast, TokenKind.KeywordTzCast),
        ((s, i) => Math.Max(OptionalNot(s, i, "LIKE"), Math.Max(OptionalNot(s, i, "ILIKE"), OptionalNot(s, i, "RLIKE"))), TokenKind.Comparison),
        ((s, i) => OptionalNot(s, i, "REGEXP"), TokenKind.Comparison),
        ((s, i) => IsWord(s[i]) ? Prefixed(s, i + 1, 1) : 0, null),
        ((s, i) => ";:()[],.".Contains(s[i]) ? 1 : 0, TokenKind.Punctuation),
        ((s, i) => Run(s, i, "<>=~!"), TokenKind.Comparison),
        ((s, i) => Run(s, i, "+/@#%^&|-"), TokenKind.Operator),
    ];

    public static List<SqlToken> Tokenize(string s)
    {
        var tokens = new List<SqlToken>();
        var i = 0;
        while (i < s.Length)
        {
            var matched = false;
            for (var r = 0; r < Rules.Length; r++)
            {
                var n = Rules[r].Match(s, i);
                if (n <= 0)
                {
                    continue;
                }
                var text = s.Substring(i, n);
                var kind = Rules[r].Kind ?? SqlKeywords.Classify(text);
                tokens.Add(new SqlToken(kind, text));
                i += n;
                matched = true;
                break;
            }
            if (!matched)
            {
                tokens.Add(new SqlToken(TokenKind.Error, s[i].ToString()));
                i++;
            }
        }
        return tokens;
    }

    // ---- character classes (Python's Unicode `\w`, `\s`, `\d` and the case-folded [A-ZÀ-Ü]) ----

    internal static bool IsWord(char c) => c == '_' || char.IsLetter(c) || char.IsNumber(c);

    internal static bool IsSpace(char c) => char.IsWhiteSpace(c) || c is >= '\x1c' and <= '\x1f';

    private static bool IsDigit(char c) => char.IsDigit(c);

    private static bool IsLetter(char c) =>
        c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '\u00c0' and <= '\u00dc' or >= '\u00e0' and <= '\u00f6'
            or >= '\u00f8' and <= '\u00fc' or '\u0130' or '\u0131' or '\u017f' or '\u212a' or '\u212b';

    private static bool At(string s, int i, Func<char, bool> p) => i < s.Length && p(s[i]);

    /// <summary>Prefix length plus the run of word characters, <c>$</c> and <c>#</c> starting at i.</summary>
    private static int Prefixed(string s, int i, int prefix)
    {
        var j = i;
        while (j < s.Length && (IsWord(s[j]) || s[j] == '$' || s[j] == '#'))
        {
            j++;
        }
        return prefix + (j - i);
    }

    private static int WordRun(string s, int i)
    {
        var j = i;
        while (j < s.Length && IsWord(s[j]))
        {
            j++;
        }
        return j - i;
    }

    private static int LetterWord(string s, int i) => IsLetter(s[i]) ? 1 + WordRun(s, i + 1) : 0;

    private static int Lit(string s, int i, string lit) => string.CompareOrdinal(s, i, lit, 0, lit.Length) == 0 ? lit.Length : 0;

    private static int LitCi(string s, int i, string lit) =>
        i + lit.Length <= s.Length && string.Compare(s, i, lit, 0, lit.Length, StringComparison.OrdinalIgnoreCase) == 0 ? lit.Length : 0;

    private static int Spaces(string s, int i)
    {
        var j = i;
        while (j < s.Length && IsSpace(s[j]))
        {
            j++;
        }
        return j - i;
    }

    private static int Run(string s, int i, string set)
    {
        var j = i;
        while (j < s.Length && set.Contains(s[j]))
        {
            j++;
        }
        return j - i;
    }

    /// <summary>Words separated by whitespace, case-insensitive, ending on a word boundary.</summary>
    private static int Words(string s, int i, params string[] words)
    {
        var j = i;
        for (var w = 0; w < words.Length; w++)
        {
            if (w > 0)
            {
                var sp = Spaces(s, j);
                if (sp == 0)
                {
                    return 0;
                }
                j += sp;
            }
            var n = LitCi(s, j, words[w]);
            if (n == 0)
            {
                return 0;
            }
            j += n;
        }
        return j > i && (j >= s.Length || !IsWord(s[j])) ? j - i : 0;
    }

    private static int AnyWord(string s, int i, params string[] words)
    {
        foreach (var w in words)
        {
            if (Words(s, i, w) is var n and > 0)
            {
                return n;
            }
        }
        return 0;
    }

    private static int WordsThenOptional(string s, int i, string[] head, string[] tails)
    {
        foreach (var tail in tails)
        {
            if (Words(s, i, [.. head, tail]) is var n and > 0)
            {
                return n;
            }
        }
        return Words(s, i, head);
    }

    /// <summary><c>(NOT\s+)?WORD\b</c>: an operator with an optional NOT in front.</summary>
    private static int OptionalNot(string s, int i, string word) =>
        Words(s, i, "NOT", word) is var n and > 0 ? n : Words(s, i, word);
}
