namespace Sharpflow.Core.Search;

/// <summary>
/// The individual matching rules of <see cref="FilterLexer"/>. Each returns the length of its
/// match at a position, or 0. Where the tokenizer MLflow uses relies on regex backtracking
/// (numbers that may not run into letters, optional escapes in strings), the rule reproduces
/// the backtracking outcome explicitly.
/// </summary>
internal static partial class FilterLexer
{
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
        var end = QuotedEnds(s, q, backslashEscapes);
        var result = i + 1 < s.Length ? end[i + 1] : -1;
        return result < 0 ? 0 : result - i;
    }

    [ThreadStatic]
    private static (string Text, char Quote, bool Escapes, int[] Ends)[]? _quotedCache;

    /// <summary>
    /// For every position p, where a quoted run whose body starts at p ends (exclusive), or -1.
    /// Computed once per string and quote kind, right to left, so lexing stays linear.
    /// </summary>
    private static int[] QuotedEnds(string s, char q, bool backslashEscapes)
    {
        _quotedCache ??= new (string, char, bool, int[])[4];
        var slot = q switch { '`' => 0, '\u00b4' => 1, '\'' => 2, _ => 3 };
        var cached = _quotedCache[slot];
        if (ReferenceEquals(cached.Text, s) && cached.Quote == q && cached.Escapes == backslashEscapes)
        {
            return cached.Ends;
        }
        var n = s.Length;
        var end = new int[n + 2];
        end[n] = -1;
        end[n + 1] = -1;
        for (var p = n - 1; p >= 0; p--)
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
        _quotedCache[slot] = (s, q, backslashEscapes, end);
        return end;
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
