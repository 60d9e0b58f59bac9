using Sharpflow.Core.Python;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Sharpflow.Core.Search;

/// <summary>
/// Evaluates the text of an <c>IN (...)</c> list the way MLflow does, with Python's
/// <c>ast.literal_eval</c>: the list is Python syntax, not SQL. We only need enough of Python
/// to tell the three outcomes MLflow distinguishes: a value (tuple, string, number ...), a
/// syntax error (a 400 "ill-formed list"), or valid Python that is not a literal, such as an
/// unquoted name (MLflow crashes with a 500 there).
/// </summary>
internal static partial class PythonLiteral
{
    /// <summary>A Python tuple value; anything else is a plain CLR value (string, BigInteger, double, bool, null, byte[]).</summary>
    public sealed record Tuple(IReadOnlyList<object?> Items);

    /// <summary>A value we only need to print (list, set, complex ...) or, when not <paramref name="Literal"/>, a non-literal node.</summary>
    public sealed record Other(string Repr, bool Literal = false);

    public sealed class SyntaxErrorException(string message) : Exception(message);

    public sealed class NotLiteralException(string message) : Exception(message);

    public static object? Eval(string text)
    {
        var p = new Parser(Lex(text.TrimStart(' ', '\t')));
        var value = p.Test();
        if (p.Peek.Kind == 'c')
        {
            // A bare top-level tuple "a, b" (cannot happen for a parenthesised list, kept for completeness).
            var items = new List<object?> { value };
            while (p.Accept(","))
            {
                if (p.Peek.Kind == 'E')
                {
                    break;
                }
                items.Add(p.Test());
            }
            value = new Tuple(items);
        }
        if (p.Peek.Kind != 'E')
        {
            throw new SyntaxErrorException("invalid syntax");
        }
        if (FirstNonLiteral(value) is { } bad)
        {
            throw new NotLiteralException($"malformed node or string on line 1: {bad.Repr}");
        }
        return value;
    }

    private static Other? FirstNonLiteral(object? v) => v switch
    {
        Other { Literal: false } o => o,
        Tuple t => t.Items.Select(FirstNonLiteral).FirstOrDefault(x => x is not null),
        _ => null,
    };

    private static Other Display(string open, string close, List<object?> items)
    {
        var bad = items.Select(FirstNonLiteral).FirstOrDefault(x => x is not null);
        return bad ?? new Other(open + string.Join(", ", items.Select(Repr)) + close, Literal: true);
    }

    /// <summary>repr of an evaluated value, for "got different type in list: (1, 2)".</summary>
    public static string Repr(object? v) => v switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        string s => PythonRepr.Str(s),
        byte[] bytes => PythonRepr.Bytes(bytes),
        BigInteger i => i.ToString(CultureInfo.InvariantCulture),
        double d => PythonRepr.Float(d),
        Tuple t => t.Items.Count == 1 ? "(" + Repr(t.Items[0]) + ",)" : "(" + string.Join(", ", t.Items.Select(Repr)) + ")",
        Other o => o.Repr,
        _ => v.ToString() ?? "",
    };

    private sealed class Parser(List<Tok> toks)
    {
        private int _pos;

        public Tok Peek => toks[_pos];

        public bool Accept(string op)
        {
            if (Peek.Text == op && Peek.Kind is 'o' or 'c' or 'i')
            {
                _pos++;
                return true;
            }
            return false;
        }

        private void Expect(string op)
        {
            if (!Accept(op))
            {
                throw new SyntaxErrorException("invalid syntax");
            }
        }

        /// <summary>Any expression: boolean, comparison or arithmetic. Non-literal forms become <see cref="Other"/> and fail later.</summary>
        public object? Test()
        {
            var left = Arith();
            string[] binary = ["or", "and", "in", "is", "not", "<", ">", "<=", ">=", "==", "!=", "|", "^", "&", "<<", ">>", "*", "/", "//", "%", "@", "**", "if", "else"];
            while (binary.Contains(Peek.Text) && Peek.Kind is 'o' or 'i')
            {
                _pos++;
                Accept("not");
                Arith();
                left = new Other("<ast.BinOp object>");
            }
            return left;
        }

        private object? Arith()
        {
            var left = Unary();
            while (Peek.Kind == 'o' && Peek.Text is "+" or "-")
            {
                var op = Peek.Text;
                _pos++;
                var right = Unary();
                // literal_eval accepts only real +/- complex (e.g. 1+2j).
                left = left is BigInteger or double && right is Other { Repr: var r } && r.EndsWith("j)", StringComparison.Ordinal)
                    ? new Other("(" + Repr(left) + op + r.Trim('(', ')') + ")", Literal: true)
                    : new Other("<ast.BinOp object>");
            }
            return left;
        }

        private object? Unary()
        {
            if (Peek.Kind == 'o' && Peek.Text is "+" or "-" or "~")
            {
                var op = Peek.Text;
                _pos++;
                var operand = Unary();
                return (op, operand) switch
                {
                    ("-", BigInteger i) => -i,
                    ("-", double d) => -d,
                    ("+", BigInteger or double) => operand,
                    _ => new Other("<ast.UnaryOp object>"),
                };
            }
            if (Peek.Kind == 'i' && Peek.Text == "not")
            {
                _pos++;
                Unary();
                return new Other("<ast.UnaryOp object>");
            }
            return Primary();
        }

        private object? Primary()
        {
            var atom = Atom();
            while (Peek.Kind == 'o' && Peek.Text is "(" or "[" or ".")
            {
                var call = Peek.Text == "(" && atom is Other { Repr: "<ast.Name set>" };
                if (Accept("."))
                {
                    if (Peek.Kind != 'i')
                    {
                        throw new SyntaxErrorException("invalid syntax");
                    }
                    _pos++;
                }
                else
                {
                    var close = Peek.Text == "(" ? ")" : "]";
                    _pos++;
                    var args = Items(close);
                    atom = call && args.Count == 0 ? new Other("set()", Literal: true) : new Other("<ast.Call object>");
                    continue;
                }
                atom = new Other("<ast.Attribute object>");
            }
            return atom is Other { Repr: "<ast.Name set>" } ? new Other("<ast.Name object>") : atom;
        }

        private List<object?> Items(string close)
        {
            var items = new List<object?>();
            while (!Accept(close))
            {
                items.Add(Test());
                if (Accept(":"))
                {
                    items.Add(Test());
                }
                if (!Accept(","))
                {
                    Expect(close);
                    break;
                }
            }
            return items;
        }

        private object? Atom()
        {
            var t = Peek;
            switch (t.Kind)
            {
                case 'n':
                    _pos++;
                    return t.Value;
                case 's' or 'b':
                    return Strings();
                case 'i':
                    _pos++;
                    return t.Text switch
                    {
                        "None" => null,
                        "True" => true,
                        "False" => false,
                        "set" => new Other("<ast.Name set>"),
                        "and" or "or" or "in" or "is" or "if" or "else" or "for" or "lambda" or "import" or "from" or "as" or "def"
                            or "class" or "return" or "yield" or "while" or "with" or "pass" or "del" or "global" or "nonlocal"
                            or "assert" or "raise" or "try" or "except" or "finally" or "break" or "continue" or "elif"
                            => throw new SyntaxErrorException("invalid syntax"),
                        _ => new Other("<ast.Name object>"),
                    };
                case 'o' when t.Text == "(":
                    _pos++;
                    if (Accept(")"))
                    {
                        return new Tuple([]);
                    }
                    var first = Test();
                    if (Accept(")"))
                    {
                        return first;
                    }
                    Expect(",");
                    var rest = Items(")");
                    return new Tuple([first, .. rest]);
                case 'o' when t.Text is "[" or "{":
                    _pos++;
                    var items = Items(t.Text == "[" ? "]" : "}");
                    return t.Text == "[" ? Display("[", "]", items) : Display("{", "}", items);
                case 'o' when t.Text == "...":
                    _pos++;
                    return new Other("Ellipsis", Literal: true);
                default:
                    throw new SyntaxErrorException("invalid syntax");
            }
        }

        /// <summary>Adjacent string literals concatenate; mixing bytes and text is a syntax error.</summary>
        private object? Strings()
        {
            var kind = Peek.Kind;
            var sb = new StringBuilder();
            var bytes = new List<byte>();
            var joined = false;
            while (Peek.Kind is 's' or 'b')
            {
                if (Peek.Kind != kind)
                {
                    throw new SyntaxErrorException("cannot mix bytes and nonbytes literals");
                }
                if (Peek.Value is Other)
                {
                    joined = true;
                }
                else if (Peek.Value is byte[] b)
                {
                    bytes.AddRange(b);
                }
                else
                {
                    sb.Append((string?)Peek.Value);
                }
                _pos++;
            }
            return joined ? new Other("<ast.JoinedStr object>") : kind == 'b' ? bytes.ToArray() : sb.ToString();
        }
    }
}
