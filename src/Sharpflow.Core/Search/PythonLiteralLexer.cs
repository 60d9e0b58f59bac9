using System.Globalization;
using System.Numerics;
using System.Text;

namespace Sharpflow.Core.Search;

/// <summary>Python tokens for <see cref="PythonLiteral"/>: strings with prefixes and escapes, numbers, names, operators.</summary>
internal static partial class PythonLiteral
{
    // Token kinds: 's' string, 'b' bytes, 'n' number, 'i' name, 'o' operator/punctuation, 'c' comma, 'E' end.
    private readonly record struct Tok(char Kind, string Text, object? Value);

    private static readonly string[] Operators =
        ["**=", "//=", ">>=", "<<=", "...", "->", ":=", "**", "//", "<<", ">>", "<=", ">=", "==", "!=", "+=", "-=", "*=", "/=",
         "%=", "&=", "|=", "^=", "@=", "(", ")", "[", "]", "{", "}", ":", ";", ".", "+", "-", "*", "/", "%", "@", "~", "<",
         ">", "&", "|", "^", "="];

    private static List<Tok> Lex(string s)
    {
        var toks = new List<Tok>();
        var i = 0;
        var level = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (c is ' ' or '\t' or '\f' or '\r' or '\n')
            {
                i++;
            }
            else if (c == '\\' && i + 1 < s.Length && s[i + 1] is '\n' or '\r')
            {
                i += 2;
            }
            else if (c == '#')
            {
                while (i < s.Length && s[i] != '\n')
                {
                    i++;
                }
            }
            else if (c == ',')
            {
                toks.Add(new Tok('c', ",", null));
                i++;
            }
            else if (char.IsDigit(c) || (c == '.' && i + 1 < s.Length && char.IsDigit(s[i + 1])))
            {
                toks.Add(LexNumber(s, ref i));
            }
            else if (IsIdentStart(c))
            {
                var start = i;
                while (i < s.Length && IsIdentPart(s[i]))
                {
                    i++;
                }
                var word = s[start..i];
                if (i < s.Length && s[i] is '\'' or '"' && IsStringPrefix(word))
                {
                    toks.Add(LexString(s, ref i, word.ToLowerInvariant()));
                }
                else
                {
                    toks.Add(new Tok('i', word, null));
                }
            }
            else if (c is '\'' or '"')
            {
                toks.Add(LexString(s, ref i, ""));
            }
            else if (Operators.FirstOrDefault(op => string.CompareOrdinal(s, i, op, 0, op.Length) == 0) is { } op)
            {
                // Python's tokenizer refuses more than 200 open brackets.
                level += op is "(" or "[" or "{" ? 1 : op is ")" or "]" or "}" ? -1 : 0;
                if (level > 200)
                {
                    throw new SyntaxErrorException("too many nested parentheses");
                }
                toks.Add(new Tok('o', op, null));
                i += op.Length;
            }
            else
            {
                throw new SyntaxErrorException($"invalid character '{c}'");
            }
        }
        toks.Add(new Tok('E', "", null));
        return toks;
    }

    private static bool IsIdentStart(char c) => c == '_' || char.IsLetter(c);

    private static bool IsIdentPart(char c) => c == '_' || char.IsLetterOrDigit(c) || char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.ConnectorPunctuation;

    private static bool IsStringPrefix(string w) =>
        w.ToLowerInvariant() is "r" or "u" or "b" or "f" or "br" or "rb" or "fr" or "rf";

    private static Tok LexNumber(string s, ref int i)
    {
        var start = i;
        if (s[i] == '0' && i + 1 < s.Length && "xXoObB".Contains(s[i + 1]))
        {
            var radix = char.ToLowerInvariant(s[i + 1]) switch { 'x' => 16, 'o' => 8, _ => 2 };
            i += 2;
            var value = BigInteger.Zero;
            var any = false;
            while (i < s.Length && (s[i] == '_' || Uri.IsHexDigit(s[i])))
            {
                if (s[i] != '_')
                {
                    var digit = Convert.ToInt32(s[i].ToString(), 16);
                    if (digit >= radix)
                    {
                        throw new SyntaxErrorException("invalid digit in literal");
                    }
                    value = value * radix + digit;
                    any = true;
                }
                i++;
            }
            if (!any)
            {
                throw new SyntaxErrorException("invalid literal");
            }
            return new Tok('n', s[start..i], value);
        }
        var isFloat = false;
        while (i < s.Length && (char.IsDigit(s[i]) || s[i] == '_'))
        {
            i++;
        }
        if (i < s.Length && s[i] == '.')
        {
            isFloat = true;
            i++;
            while (i < s.Length && (char.IsDigit(s[i]) || s[i] == '_'))
            {
                i++;
            }
        }
        if (i < s.Length && s[i] is 'e' or 'E')
        {
            var j = i + 1;
            if (j < s.Length && s[j] is '+' or '-')
            {
                j++;
            }
            if (j < s.Length && char.IsDigit(s[j]))
            {
                isFloat = true;
                i = j;
                while (i < s.Length && (char.IsDigit(s[i]) || s[i] == '_'))
                {
                    i++;
                }
            }
        }
        var text = s[start..i].Replace("_", "", StringComparison.Ordinal);
        if (i < s.Length && s[i] is 'j' or 'J')
        {
            i++;
            return new Tok('n', s[start..i], new Other("(" + s[start..(i - 1)] + "j)", Literal: true));
        }
        if (i < s.Length && IsIdentPart(s[i]))
        {
            throw new SyntaxErrorException("invalid decimal literal");
        }
        if (isFloat)
        {
            return new Tok('n', s[start..i], double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));
        }
        if (text.Length > 1 && text[0] == '0' && text.Any(ch => ch != '0'))
        {
            throw new SyntaxErrorException("leading zeros in decimal integer literals are not permitted");
        }
        return new Tok('n', s[start..i], BigInteger.Parse(text, CultureInfo.InvariantCulture));
    }

    private static Tok LexString(string s, ref int i, string prefix)
    {
        var q = s[i];
        var triple = i + 2 < s.Length && s[i + 1] == q && s[i + 2] == q;
        var delim = triple ? new string(q, 3) : q.ToString();
        i += delim.Length;
        var raw = prefix.Contains('r');
        var bytes = prefix.Contains('b');
        var sb = new StringBuilder();
        while (true)
        {
            if (i >= s.Length || (!triple && s[i] is '\n' or '\r'))
            {
                throw new SyntaxErrorException("unterminated string literal");
            }
            if (string.CompareOrdinal(s, i, delim, 0, delim.Length) == 0)
            {
                i += delim.Length;
                break;
            }
            var c = s[i];
            if (c == '\\' && i + 1 < s.Length)
            {
                if (raw)
                {
                    sb.Append(c).Append(s[i + 1]);
                    i += 2;
                    continue;
                }
                i = Escape(s, i + 1, sb, bytes);
                continue;
            }
            if (bytes && c > 0x7f)
            {
                throw new SyntaxErrorException("bytes can only contain ASCII literal characters");
            }
            sb.Append(c);
            i++;
        }
        if (prefix.Contains('f'))
        {
            return new Tok('s', "f", new Other("<ast.JoinedStr object>"));
        }
        return bytes ? new Tok('b', "", Encoding.Latin1.GetBytes(sb.ToString())) : new Tok('s', "", sb.ToString());
    }

    private static int Escape(string s, int i, StringBuilder sb, bool bytes)
    {
        var c = s[i];
        switch (c)
        {
            case '\n': return i + 1;
            case '\\': case '\'': case '"': sb.Append(c); return i + 1;
            case 'a': sb.Append('\a'); return i + 1;
            case 'b': sb.Append('\b'); return i + 1;
            case 'f': sb.Append('\f'); return i + 1;
            case 'n': sb.Append('\n'); return i + 1;
            case 'r': sb.Append('\r'); return i + 1;
            case 't': sb.Append('\t'); return i + 1;
            case 'v': sb.Append('\v'); return i + 1;
        }
        if (c is >= '0' and <= '7')
        {
            var j = i;
            var v = 0;
            while (j < s.Length && j < i + 3 && s[j] is >= '0' and <= '7')
            {
                v = v * 8 + (s[j] - '0');
                j++;
            }
            sb.Append((char)v);
            return j;
        }
        var width = c == 'x' ? 2 : !bytes && c == 'u' ? 4 : !bytes && c == 'U' ? 8 : 0;
        if (width > 0)
        {
            if (s.Length - (i + 1) < width || !s.Substring(i + 1, width).All(Uri.IsHexDigit))
            {
                throw new SyntaxErrorException("truncated escape");
            }
            var code = long.Parse(s.AsSpan(i + 1, width), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (code > 0x10ffff)
            {
                throw new SyntaxErrorException("illegal Unicode character");
            }
            // Python strings may hold lone surrogates; keep them as a single UTF-16 unit.
            sb.Append(code is >= 0xd800 and <= 0xdfff ? ((char)code).ToString() : char.ConvertFromUtf32((int)code));
            return i + 1 + width;
        }
        sb.Append('\\').Append(c);
        return i + 1;
    }
}
