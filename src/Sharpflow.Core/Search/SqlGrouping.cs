namespace Sharpflow.Core.Search;

/// <summary>
/// Builds the token tree MLflow's validation inspects. MLflow decides whether a clause is a
/// comparison, which token is the key and which is the value by how its SQL tokenizer groups
/// tokens, so the passes below reproduce that grouping: brackets first, then dotted names,
/// identifiers, sort keywords, casts, arithmetic, comparisons, aliases and lists. Each pass is
/// one of four shapes: matching open/close pairs, "join a middle token with its neighbours",
/// "wrap single tokens", and a few scans that look one token ahead or behind.
/// </summary>
internal static class SqlGrouping
{
    public static void Group(SqlGroup statement)
    {
        EachList(statement, [GroupKind.Comment], GroupComments);

        Pairs(statement, GroupKind.SquareBrackets, t => t.Matches(TokenKind.Punctuation, "["), t => t.Matches(TokenKind.Punctuation, "]"));
        Pairs(statement, GroupKind.Parenthesis, t => t.Matches(TokenKind.Punctuation, "("), t => t.Matches(TokenKind.Punctuation, ")"));
        Pairs(statement, GroupKind.Case, t => t.Matches(TokenKind.Keyword, "CASE"), t => t.Matches(TokenKind.Keyword, "END"));
        Pairs(statement, GroupKind.If, t => t.Matches(TokenKind.Keyword, "IF"), t => t.Matches(TokenKind.Keyword, "END IF"));
        Pairs(statement, GroupKind.For, t => t.Matches(TokenKind.Keyword, "FOR", "FOREACH"), t => t.Matches(TokenKind.Keyword, "END LOOP"));
        Pairs(statement, GroupKind.Begin, t => t.Matches(TokenKind.Keyword, "BEGIN"), t => t.Matches(TokenKind.Keyword, "END"));

        EachList(statement, [GroupKind.Function], GroupFunctions);
        EachList(statement, [GroupKind.Where], GroupWhere);

        // a.b.c, a.*, a.[x], a.f(x): a dotted name becomes one identifier.
        Join(statement, GroupKind.Identifier, t => t.Matches(TokenKind.Punctuation, "."),
            prev => prev.IsGroupOf(GroupKind.SquareBrackets) || prev.IsGroupOf(GroupKind.Identifier)
                || prev.IsToken(TokenKind.Name) || prev.IsToken(TokenKind.StringSymbol),
            _ => true,
            (list, p, t, n) => n >= 0 && (list[n].IsGroupOf(GroupKind.SquareBrackets) || list[n].IsGroupOf(GroupKind.Function)
                || list[n].IsToken(TokenKind.Name) || list[n].IsToken(TokenKind.StringSymbol) || list[n].IsToken(TokenKind.Wildcard))
                ? (p, n) : (p, t));

        // name[1]: array subscripts stay part of the identifier.
        Join(statement, GroupKind.Identifier, t => t.IsGroupOf(GroupKind.SquareBrackets),
            prev => prev.IsGroupOf(GroupKind.SquareBrackets) || prev.IsGroupOf(GroupKind.Identifier) || prev.IsGroupOf(GroupKind.Function)
                || prev.IsToken(TokenKind.Name) || prev.IsToken(TokenKind.StringSymbol),
            _ => true, (_, p, t, _) => (p, t), recurse: false);

        EachList(statement, [GroupKind.Identifier], WrapIdentifiers);
        GroupOrder(statement);

        Join(statement, GroupKind.Identifier, t => t.Matches(TokenKind.Punctuation, "::"), p => true, n => n is not null, (_, p, _, n) => (p, n));
        Join(statement, GroupKind.Identifier, t => t.IsToken(TokenKind.KeywordTzCast), p => true,
            n => n is not null && (n.IsWhitespace || n.Matches(TokenKind.Keyword, "AS") || n.IsToken(TokenKind.StringSingle)),
            (_, p, _, n) => (p, n));

        // DATE '2020-01-01', then INTERVAL '1' DAY style extensions.
        Join(statement, GroupKind.TypedLiteral, t => t.IsToken(TokenKind.NameBuiltin) || t.Matches(TokenKind.Keyword, "TIMESTAMP"),
            p => true, n => n is not null && n.IsToken(TokenKind.StringSingle), (_, _, t, n) => (t, n), extend: false);
        Join(statement, GroupKind.TypedLiteral, t => t.IsGroupOf(GroupKind.TypedLiteral), p => true,
            n => n is not null && n.Matches(TokenKind.Keyword, "DAY", "HOUR", "MINUTE", "MONTH", "SECOND", "YEAR"),
            (_, _, t, n) => (t, n));

        Join(statement, GroupKind.Operation, t => t.IsToken(TokenKind.Operator) || t.IsToken(TokenKind.Wildcard),
            IsArithmeticOperand, IsArithmeticOperand,
            (list, p, t, n) =>
            {
                ((SqlToken)list[t]).Kind = TokenKind.Operator;
                return (p, n);
            }, extend: false);

        Join(statement, GroupKind.Comparison, t => t.IsToken(TokenKind.Comparison), IsComparisonOperand, IsComparisonOperand,
            (_, p, _, n) => (p, n), extend: false);

        Join(statement, GroupKind.Identifier, t => t.IsKeyword && t.Normalized == "AS",
            p => p.Normalized == "NULL" || !p.IsKeyword,
            n => n is not null && !(n.IsToken(TokenKind.KeywordDml) || n.IsToken(TokenKind.KeywordDdl) || n.IsToken(TokenKind.KeywordCte)),
            (_, p, _, n) => (p, n));

        EachList(statement, [], GroupAliased);

        Join(statement, GroupKind.Assignment, t => t.Matches(TokenKind.Assignment, ":="),
            p => !p.IsKeyword, n => n is not null && !n.IsKeyword,
            (list, p, _, n) => (p, FindFrom(list, n + 1, x => x.Matches(TokenKind.Punctuation, ";")) is var s and >= 0 ? s : n));

        EachList(statement, [], AlignComments);

        Join(statement, GroupKind.IdentifierList, t => t.Matches(TokenKind.Punctuation, ","), IsListItem, IsListItem, (_, p, _, n) => (p, n));

        GroupValues(statement);
    }

    // ---- operand classes of the join passes ----

    private static bool IsArithmeticOperand(SqlNode? n) =>
        n is not null && (n.IsGroupOf(GroupKind.SquareBrackets) || n.IsGroupOf(GroupKind.Parenthesis) || n.IsGroupOf(GroupKind.Function)
            || n.IsGroupOf(GroupKind.Identifier) || n.IsGroupOf(GroupKind.Operation) || n.IsGroupOf(GroupKind.TypedLiteral)
            || (n is SqlToken t && SqlNodeKinds.IsOperand(t.Kind))
            || n.Matches(TokenKind.Keyword, "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP"));

    private static bool IsComparisonOperand(SqlNode? n) =>
        n is not null && (n.IsGroupOf(GroupKind.Parenthesis) || n.IsGroupOf(GroupKind.Function) || n.IsGroupOf(GroupKind.Identifier)
            || n.IsGroupOf(GroupKind.Operation) || n.IsGroupOf(GroupKind.TypedLiteral)
            || (n is SqlToken t && SqlNodeKinds.IsOperand(t.Kind))
            || (n.IsKeyword && n.Normalized == "NULL"));

    private static bool IsListItem(SqlNode? n) =>
        n is not null && (n.IsGroupOf(GroupKind.Function) || n.IsGroupOf(GroupKind.Case) || n.IsGroupOf(GroupKind.Identifier)
            || n.IsGroupOf(GroupKind.Comparison) || n.IsGroupOf(GroupKind.IdentifierList) || n.IsGroupOf(GroupKind.Operation)
            || n.Matches(TokenKind.Keyword, "NULL", "ROLE")
            || (n is SqlToken t && (SqlNodeKinds.IsOperand(t.Kind) || t.Kind is TokenKind.Keyword or TokenKind.Wildcard)));

    // ---- list navigation ----

    private static int FindFrom(List<SqlNode> list, int start, Func<SqlNode, bool> pred)
    {
        for (var i = Math.Max(start, 0); i < list.Count; i++)
        {
            if (pred(list[i]))
            {
                return i;
            }
        }
        return -1;
    }

    private static int NextNonWhitespace(List<SqlNode> list, int idx) => FindFrom(list, idx + 1, n => !n.IsWhitespace);

    private static int PrevNonWhitespace(List<SqlNode> list, int idx)
    {
        for (var i = idx - 1; i >= 0; i--)
        {
            if (!list[i].IsWhitespace)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>
    /// Replaces list[start..end] by one group. With <paramref name="extend"/>, a group of the same
    /// kind at <paramref name="start"/> absorbs the following nodes instead of being wrapped.
    /// </summary>
    private static SqlGroup Wrap(SqlGroup parent, GroupKind kind, int start, int end, bool extend)
    {
        var list = parent.Children;
        if (extend && list[start] is SqlGroup existing && (existing.Kind == kind || kind == GroupKind.TokenList))
        {
            existing.Children.AddRange(list.GetRange(start + 1, end - start));
            list.RemoveRange(start + 1, end - start);
            return existing;
        }
        var group = new SqlGroup(kind, list.GetRange(start, end - start + 1));
        list.RemoveRange(start, end - start + 1);
        list.Insert(start, group);
        return group;
    }

    /// <summary>Runs <paramref name="pass"/> on every nested group (except the excluded kinds) first, then on the list itself.</summary>
    private static void EachList(SqlGroup list, GroupKind[] skip, Action<SqlGroup> pass)
    {
        foreach (var child in list.Children.ToList())
        {
            if (child is SqlGroup g && Array.IndexOf(skip, g.Kind) < 0)
            {
                EachList(g, skip, pass);
            }
        }
        pass(list);
    }

    /// <summary>Groups each opener with its matching closer, innermost first.</summary>
    private static void Pairs(SqlGroup parent, GroupKind kind, Func<SqlNode, bool> isOpen, Func<SqlNode, bool> isClose)
    {
        var opens = new Stack<int>();
        var offset = 0;
        var snapshot = parent.Children.ToList();
        for (var idx = 0; idx < snapshot.Count; idx++)
        {
            var node = snapshot[idx];
            var tidx = idx - offset;
            if (node.IsWhitespace)
            {
                continue;
            }
            if (node is SqlGroup g && g.Kind != kind)
            {
                Pairs(g, kind, isOpen, isClose);
                continue;
            }
            if (isOpen(node))
            {
                opens.Push(tidx);
            }
            else if (isClose(node) && opens.Count > 0)
            {
                var open = opens.Pop();
                Wrap(parent, kind, open, tidx, extend: false);
                offset += tidx - open;
            }
        }
    }

    /// <summary>
    /// Joins a middle token with its neighbours (<c>a . b</c>, <c>x = 1</c>, <c>a + b</c>).
    /// The walk runs over the list as it was when the pass started; after a join the last
    /// absorbed node becomes the "previous" node, which is what makes <c>a = b = c</c> nest.
    /// </summary>
    private static void Join(SqlGroup parent, GroupKind kind, Func<SqlNode, bool> match, Func<SqlNode, bool> validPrev,
        Func<SqlNode?, bool> validNext, Func<List<SqlNode>, int, int, int, (int From, int To)> span,
        bool extend = true, bool recurse = true)
    {
        var list = parent.Children;
        var snapshot = list.ToList();
        var offset = 0;
        var pidx = -1;
        SqlNode? prev = null;
        for (var idx = 0; idx < snapshot.Count; idx++)
        {
            var node = snapshot[idx];
            var tidx = idx - offset;
            if (tidx < 0 || node.IsWhitespace)
            {
                continue;
            }
            if (recurse && node is SqlGroup g && g.Kind != kind)
            {
                Join(g, kind, match, validPrev, validNext, span, extend, recurse);
            }
            if (match(node))
            {
                var nidx = NextNonWhitespace(list, tidx);
                var next = nidx >= 0 ? list[nidx] : null;
                if (prev is not null && validPrev(prev) && validNext(next))
                {
                    var (from, to) = span(list, pidx, tidx, nidx);
                    var group = Wrap(parent, kind, from, to, extend);
                    offset += to - from;
                    pidx = from;
                    prev = group;
                    continue;
                }
            }
            pidx = tidx;
            prev = node;
        }
    }

    // ---- scans ----

    private static void GroupComments(SqlGroup parent)
    {
        var list = parent.Children;
        var idx = FindFrom(list, 0, IsCommentToken);
        while (idx >= 0)
        {
            var end = FindFrom(list, idx, n => !(IsCommentToken(n) || n.IsWhitespace));
            if (end >= 0)
            {
                // The comment run keeps the whitespace right after it.
                Wrap(parent, GroupKind.Comment, idx, end - 1, extend: false);
            }
            idx = FindFrom(list, idx + 1, IsCommentToken);
        }
    }

    private static bool IsCommentToken(SqlNode n) => n is SqlToken t && SqlNodeKinds.IsCommentFamily(t.Kind);

    private static void GroupFunctions(SqlGroup parent)
    {
        var list = parent.Children;
        var create = list.Any(n => n.Text.ToUpperInvariant() == "CREATE");
        var table = list.Any(n => n.Text.ToUpperInvariant() == "TABLE");
        var alias = list.Any(n => n.Text == "AS");
        if (create && table && !alias)
        {
            return;
        }
        var idx = FindFrom(list, 0, IsNameToken);
        while (idx >= 0)
        {
            var next = NextNonWhitespace(list, idx);
            if (next >= 0 && list[next].IsGroupOf(GroupKind.Parenthesis))
            {
                Wrap(parent, GroupKind.Function, idx, next, extend: false);
            }
            idx = FindFrom(list, idx + 1, IsNameToken);
        }
    }

    private static bool IsNameToken(SqlNode n) => n is SqlToken t && SqlNodeKinds.IsNameFamily(t.Kind);

    private static void GroupWhere(SqlGroup parent)
    {
        var list = parent.Children;
        string[] closers = ["ORDER BY", "GROUP BY", "LIMIT", "UNION", "UNION ALL", "EXCEPT", "HAVING", "RETURNING", "INTO"];
        var idx = FindFrom(list, 0, n => n.Matches(TokenKind.Keyword, "WHERE"));
        while (idx >= 0)
        {
            var close = FindFrom(list, idx + 1, n => n.Matches(TokenKind.Keyword, closers));
            var bracketed = parent.Kind is GroupKind.Parenthesis or GroupKind.SquareBrackets;
            var end = close >= 0 ? close - 1 : list.Count - (bracketed ? 2 : 1);
            Wrap(parent, GroupKind.Where, idx, end, extend: false);
            idx = FindFrom(list, idx + 1, n => n.Matches(TokenKind.Keyword, "WHERE"));
        }
    }

    private static void WrapIdentifiers(SqlGroup parent)
    {
        var list = parent.Children;
        var idx = FindFrom(list, 0, n => n.IsToken(TokenKind.Name) || n.IsToken(TokenKind.StringSymbol));
        while (idx >= 0)
        {
            Wrap(parent, GroupKind.Identifier, idx, idx, extend: false);
            idx = FindFrom(list, idx + 1, n => n.IsToken(TokenKind.Name) || n.IsToken(TokenKind.StringSymbol));
        }
    }

    /// <summary><c>key DESC</c> becomes one identifier (top level only, as in MLflow's tokenizer).</summary>
    private static void GroupOrder(SqlGroup parent)
    {
        var list = parent.Children;
        var idx = FindFrom(list, 0, n => n.IsToken(TokenKind.KeywordOrder));
        while (idx >= 0)
        {
            var p = PrevNonWhitespace(list, idx);
            if (p >= 0 && (list[p].IsGroupOf(GroupKind.Identifier) || (list[p] is SqlToken t && SqlNodeKinds.IsNumberFamily(t.Kind))))
            {
                Wrap(parent, GroupKind.Identifier, p, idx, extend: false);
                idx = p;
            }
            idx = FindFrom(list, idx + 1, n => n.IsToken(TokenKind.KeywordOrder));
        }
    }

    private static bool IsAliasable(SqlNode n) =>
        n.IsGroupOf(GroupKind.Parenthesis) || n.IsGroupOf(GroupKind.Function) || n.IsGroupOf(GroupKind.Case)
            || n.IsGroupOf(GroupKind.Identifier) || n.IsGroupOf(GroupKind.Operation) || n.IsGroupOf(GroupKind.Comparison)
            || (n is SqlToken t && SqlNodeKinds.IsNumberFamily(t.Kind));

    /// <summary><c>expr name</c>: an expression directly followed by an identifier is an aliased identifier.</summary>
    private static void GroupAliased(SqlGroup parent)
    {
        var list = parent.Children;
        var idx = FindFrom(list, 0, IsAliasable);
        while (idx >= 0)
        {
            var next = NextNonWhitespace(list, idx);
            if (next >= 0 && list[next].IsGroupOf(GroupKind.Identifier))
            {
                Wrap(parent, GroupKind.Identifier, idx, next, extend: true);
            }
            idx = FindFrom(list, idx + 1, IsAliasable);
        }
    }

    private static void AlignComments(SqlGroup parent)
    {
        var list = parent.Children;
        var idx = FindFrom(list, 0, n => n.IsGroupOf(GroupKind.Comment));
        while (idx >= 0)
        {
            var p = PrevNonWhitespace(list, idx);
            if (p >= 0 && list[p].IsGroup)
            {
                Wrap(parent, GroupKind.TokenList, p, idx, extend: true);
                idx = p;
            }
            idx = FindFrom(list, idx + 1, n => n.IsGroupOf(GroupKind.Comment));
        }
    }

    private static void GroupValues(SqlGroup parent)
    {
        var list = parent.Children;
        var start = FindFrom(list, 0, n => n.Matches(TokenKind.Keyword, "VALUES"));
        if (start < 0)
        {
            return;
        }
        var end = -1;
        for (var i = start; i >= 0; i = NextNonWhitespace(list, i))
        {
            if (list[i].IsGroupOf(GroupKind.Parenthesis))
            {
                end = i;
            }
        }
        if (end >= 0)
        {
            Wrap(parent, GroupKind.Values, start, end, extend: true);
        }
    }
}
