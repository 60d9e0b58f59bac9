namespace Sharpflow.Core.Search;

/// <summary>
/// Splits a filter or order_by string into tokens the way MLflow's server does (it relies on
/// sqlparse 0.4.x). At each position the rules below are tried in order and the first that
/// matches wins; a rule that fails leaves the position for the next one. The order matters:
/// for example <c>in</c> right after a dot is still the <c>IN</c> operator, and <c>12abc</c>
/// is the number <c>1</c> followed by the word <c>2abc</c>, because a number may not run into
/// a letter. Each quirk is observable in MLflow's error messages, which echo tokens back.
/// </summary>
internal static class FilterLexer
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

    // ---- individual rules ----

    private static int LineEnd(string s, int j)
    {
        while (j < s.Length)
        {
            if (s[j] == '\r')
            {
                return j + 1 < s.Length && s[j + 1] == '\n' ? j + 2 : j + 1;
            }
            if (s[j] == '\n')
            {
                return j + 1;
            }
            j++;
        }
        return j;
    }

    private static int CommentStart(string s, int i) => Lit(s, i, "--") > 0 || Lit(s, i, "# ") > 0 ? 2 : 0;

    private static int HintComment(string s, int i) =>
        CommentStart(s, i) > 0 && i + 2 < s.Length && s[i + 2] == '+' ? LineEnd(s, i + 3) - i : 0;

    private static int LineComment(string s, int i) => CommentStart(s, i) > 0 ? LineEnd(s, i + 2) - i : 0;

    private static int BlockComment(string s, int i, bool hint)
    {
        var open = hint ? "/*+" : "/*";
        if (Lit(s, i, open) == 0)
        {
            return 0;
        }
        var end = s.IndexOf("*/", i + open.Length, StringComparison.Ordinal);
        return end < 0 ? 0 : end + 2 - i;
    }

    private static int NewlineRule(string s, int i) =>
        s[i] == '\r' ? (i + 1 < s.Length && s[i + 1] == '\n' ? 2 : 1) : s[i] == '\n' ? 1 : 0;

    /// <summary>
    /// A quoted run where a doubled quote (and, for strings, a backslash escape) does not end
    /// it. Escapes are optional alternatives, exactly like the backtracking pattern MLflow's
    /// tokenizer uses: <c>'a\'</c> is still a complete string. Solved right to left so that
    /// long inputs cannot blow the stack; the result per position equals the first success of a
    /// depth-first search that prefers escapes.
    /// </summary>
    internal static int Quoted(string s, int i, char q, bool backslashEscapes)
    {
        if (s[i] != q)
        {
            return 0;
        }
        var n = s.Length;
        var end = new int[n + 2];
        end[n] = -1;
        end[n + 1] = -1;
        for (var p = n - 1; p > i; p--)
        {
            var r = -1;
            var c = s[p];
            var next = p + 1 < n ? s[p + 1] : '\0';
            if (c == q && p + 1 < n && next == q)
            {
                r = end[p + 2];
            }
            if (r < 0 && backslashEscapes && c == '\\' && p + 1 < n && (next == '\\' || next == q))
            {
                r = end[p + 2];
            }
            if (r < 0 && c != q)
            {
                r = end[p + 1];
            }
            if (r < 0 && c == q)
            {
                r = p + 1;
            }
            end[p] = r;
        }
        var result = i + 1 < n ? end[i + 1] : -1;
        return result < 0 ? 0 : result - i;
    }

    private static int DollarQuoted(string s, int i)
    {
        if (s[i] != '$' || (i > 0 && !IsSpace(s[i - 1])))
        {
            return 0;
        }
        var j = i + 1;
        if (j < s.Length && (s[j] == '_' || IsLetter(s[j])))
        {
            j += 1 + WordRun(s, j + 1);
        }
        if (j >= s.Length || s[j] != '$')
        {
            return 0;
        }
        var tag = s.Substring(i, j + 1 - i);
        var close = s.IndexOf(tag, j + 1, StringComparison.Ordinal);
        return close < 0 ? 0 : close + tag.Length - i;
    }

    private static int PercentPlaceholder(string s, int i)
    {
        if (s[i] != '%')
        {
            return 0;
        }
        var j = i + 1;
        if (j < s.Length && s[j] == '(')
        {
            var w = WordRun(s, j + 1);
            if (w > 0 && j + 1 + w < s.Length && s[j + 1 + w] == ')')
            {
                j += w + 2;
            }
        }
        return j < s.Length && s[j] == 's' ? j + 1 - i : (s.Length > i + 1 && s[i + 1] == 's' ? 2 : 0);
    }

    private static int PrefixedPlaceholder(string s, int i) =>
        s[i] is '$' or ':' or '?' && (i == 0 || !IsWord(s[i - 1])) && WordRun(s, i + 1) is var w and > 0 ? 1 + w : 0;

    private static int HashName(string s, int i)
    {
        var p = Lit(s, i, "##") > 0 ? 2 : s[i] is '@' or '#' ? 1 : 0;
        return p > 0 && At(s, i + p, IsLetter) && WordRun(s, i + p + 1) is var w and > 0 ? p + 1 + w : 0;
    }

    private static int NameBeforeDot(string s, int i)
    {
        var n = LetterWord(s, i);
        if (n == 0)
        {
            return 0;
        }
        var j = i + n + Spaces(s, i + n);
        return j < s.Length && s[j] == '.' ? n : 0;
    }

    private static int Hex(string s, int i)
    {
        var j = i + (s[i] == '-' ? 1 : 0);
        if (LitCi(s, j, "0x") == 0)
        {
            return 0;
        }
        var k = j + 2;
        while (k < s.Length && (IsDigit(s[k]) || s[k] is >= 'a' and <= 'f' or >= 'A' and <= 'F'))
        {
            k++;
        }
        return k > j + 2 ? k - i : 0;
    }

    private static int Digits(string s, int i)
    {
        var j = i;
        while (j < s.Length && IsDigit(s[j]))
        {
            j++;
        }
        return j - i;
    }

    /// <summary><c>-?\d+(\.\d+)?E-?\d+</c></summary>
    private static int ScientificFloat(string s, int i)
    {
        var j = i + (s[i] == '-' ? 1 : 0);
        var d = Digits(s, j);
        if (d == 0)
        {
            return 0;
        }
        j += d;
        if (j < s.Length && s[j] == '.' && Digits(s, j + 1) is var f and > 0)
        {
            j += 1 + f;
        }
        if (j >= s.Length || (s[j] != 'e' && s[j] != 'E'))
        {
            return 0;
        }
        j++;
        if (j < s.Length && s[j] == '-' && Digits(s, j + 1) > 0)
        {
            j++;
        }
        var e = Digits(s, j);
        return e > 0 ? j + e - i : 0;
    }

    private static bool LetterOrUnderscoreAt(string s, int j) => j < s.Length && (s[j] == '_' || IsLetter(s[j]));

    /// <summary>
    /// <c>-?(\d+\.\d*|\.\d+)</c> not followed by a letter; like the backtracking pattern, a
    /// shorter fraction is tried when the longest one runs into a letter.
    /// </summary>
    private static int PlainFloat(string s, int i)
    {
        var j = i + (s[i] == '-' ? 1 : 0);
        var d = Digits(s, j);
        if (d > 0 && j + d < s.Length && s[j + d] == '.')
        {
            var start = j + d + 1;
            for (var f = Digits(s, start); f >= 0; f--)
            {
                if (!LetterOrUnderscoreAt(s, start + f))
                {
                    return start + f - i;
                }
            }
            return 0;
        }
        if (d == 0 && j < s.Length && s[j] == '.' && Digits(s, j + 1) is var g and > 0)
        {
            for (var f = g; f >= 1; f--)
            {
                if (!LetterOrUnderscoreAt(s, j + 1 + f))
                {
                    return j + 1 + f - i;
                }
            }
        }
        return 0;
    }

    /// <summary><c>-?\d+</c> not followed by a letter, shortening the digit run until that holds.</summary>
    private static int Integer(string s, int i)
    {
        var j = i + (s[i] == '-' ? 1 : 0);
        for (var d = Digits(s, j); d >= 1; d--)
        {
            if (!LetterOrUnderscoreAt(s, j + d))
            {
                return j + d - i;
            }
        }
        return 0;
    }

    private static int BracketName(string s, int i)
    {
        if (s[i] != '[' || (i > 0 && (IsWord(s[i - 1]) || s[i - 1] is ']' or ')')))
        {
            return 0;
        }
        var j = i + 1;
        while (j < s.Length && s[j] != ']' && s[j] != '[')
        {
            j++;
        }
        return j > i + 1 && j < s.Length && s[j] == ']' ? j + 1 - i : 0;
    }

    private static int Join(string s, int i)
    {
        // ((LEFT|RIGHT|FULL)\s+)?((INNER|OUTER|STRAIGHT)\s+)? or (CROSS|NATURAL)\s+, then JOIN\b
        var candidates = new List<int> { i };
        foreach (var a in new[] { "LEFT", "RIGHT", "FULL" })
        {
            if (LitCi(s, i, a) > 0 && Spaces(s, i + a.Length) is var sp and > 0)
            {
                candidates.Insert(0, i + a.Length + sp);
            }
        }
        var withInner = new List<int>();
        foreach (var c in candidates)
        {
            foreach (var b in new[] { "INNER", "OUTER", "STRAIGHT" })
            {
                if (LitCi(s, c, b) > 0 && Spaces(s, c + b.Length) is var sp and > 0)
                {
                    withInner.Add(c + b.Length + sp);
                }
            }
            withInner.Add(c);
        }
        foreach (var a in new[] { "CROSS", "NATURAL" })
        {
            if (LitCi(s, i, a) > 0 && Spaces(s, i + a.Length) is var sp and > 0)
            {
                withInner.Add(i + a.Length + sp);
            }
        }
        foreach (var c in withInner)
        {
            if (Words(s, c, "JOIN") is var n and > 0)
            {
                return c + n - i;
            }
        }
        return 0;
    }

    private static int LateralView(string s, int i)
    {
        foreach (var f in new[] { "EXPLODE", "INLINE", "PARSE_URL_TUPLE", "POSEXPLODE", "STACK" })
        {
            if (Words(s, i, "LATERAL", "VIEW", f) is var n and > 0)
            {
                return n;
            }
        }
        return 0;
    }

    /// <summary><c>(AT|WITH')\s+TIME\s+ZONE\s+'[^']+'</c></summary>
    private static int TimeZoneCast(string s, int i)
    {
        var j = LitCi(s, i, "AT") > 0 ? i + 2 : LitCi(s, i, "WITH'") > 0 ? i + 5 : -1;
        if (j < 0 || Spaces(s, j) is not (var a and > 0))
        {
            return 0;
        }
        j += a;
        foreach (var w in new[] { "TIME", "ZONE" })
        {
            if (LitCi(s, j, w) == 0 || Spaces(s, j + w.Length) is not (var b and > 0))
            {
                return 0;
            }
            j += w.Length + b;
        }
        if (j >= s.Length || s[j] != '\'')
        {
            return 0;
        }
        var close = s.IndexOf('\'', j + 1);
        return close > j + 1 ? close + 1 - i : 0;
    }
}
