using Sharpflow.Core.Python;
using System.Numerics;
using Sharpflow.Core.Search;

namespace Sharpflow.Core.Tests;

/// <summary>The Python behaviours MLflow's messages and list values depend on.</summary>
public class PythonCompatTests
{
    [Theory]
    [InlineData("abc", "'abc'")]
    [InlineData("it's", "\"it's\"")]
    [InlineData("a'b\"c", "'a\\'b\"c'")]
    [InlineData("a\\b", "'a\\\\b'")]
    [InlineData("tab\there\n", "'tab\\there\\n'")]
    [InlineData("\u0001\u007f\u00a0é\u2028", "'\\x01\\x7f\\xa0é\\u2028'")]
    public void StrRepr(string value, string repr) => Assert.Equal(repr, PythonRepr.Str(value));

    [Theory]
    [InlineData(1.0, "1.0")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1.5e-5, "1.5e-05")]
    [InlineData(123456789.125, "123456789.125")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(double.NaN, "nan")]
    public void FloatRepr(double value, string repr) => Assert.Equal(repr, PythonRepr.Float(value));

    [Fact]
    public void BytesRepr() => Assert.Equal("b\"\\xff'x\\n\"", PythonRepr.Bytes([0xff, (byte)'\'', (byte)'x', (byte)'\n']));

    [Fact]
    public void CollectionReprs()
    {
        Assert.Equal("('attribute', 'tag', 'tags')", PythonRepr.StrTuple(["attribute", "tag", "tags"]));
        Assert.Equal("('a',)", PythonRepr.StrTuple(["a"]));
        Assert.Equal("['a', 'b']", PythonRepr.StrList(["a", "b"]));
        Assert.Equal("{'a', 'b'}", PythonRepr.StrSet(["a", "b"]));
    }

    [Theory]
    [InlineData("('a', 'b')", "('a', 'b')")]
    [InlineData("('a')", "'a'")]
    [InlineData("('a',)", "('a',)")]
    [InlineData("()", "()")]
    [InlineData("('a' \"b\")", "'ab'")]
    [InlineData("(1, -2.5, None, True)", "(1, -2.5, None, True)")]
    [InlineData("(b'x', [1, 'y'])", "(b'x', [1, 'y'])")]
    [InlineData("('\\x41\\n')", "'A\\n'")]
    [InlineData("(r'\\x41')", "'\\\\x41'")]
    public void LiteralEval(string text, string repr) => Assert.Equal(repr, PythonLiteral.Repr(PythonLiteral.Eval(text)));

    [Theory]
    [InlineData("('a' AND 'b')")]
    [InlineData("('a';)")]
    [InlineData("(`a`)")]
    [InlineData("('a',, 'b')")]
    [InlineData("('unterminated)")]
    [InlineData("(01)")]
    public void LiteralEvalSyntaxErrors(string text) => Assert.Throws<PythonLiteral.SyntaxErrorException>(() => PythonLiteral.Eval(text));

    [Theory]
    [InlineData("(a)")]
    [InlineData("('a' and 'b')")]
    [InlineData("(x.y)")]
    [InlineData("(f'a')")]
    [InlineData("(len('a'))")]
    public void LiteralEvalNonLiterals(string text) => Assert.Throws<PythonLiteral.NotLiteralException>(() => PythonLiteral.Eval(text));

    [Fact]
    public void JsonRoundTrip()
    {
        var value = PyJson.Loads("{\"a\": [1, 2.5, \"x\", null, true], \"b\": NaN}");
        Assert.Equal("{'a': [1, 2.5, 'x', None, True], 'b': nan}", PythonRepr.Json(value));
        Assert.Equal(new BigInteger(1), ((List<object?>)((List<KeyValuePair<string, object?>>)value!)[0].Value!)[0]);
        Assert.Equal("{\"a\": [1, 2.5, \"x\", null, true], \"b\": NaN}", PyJson.Dumps(value));
    }

    [Theory]
    [InlineData("", "Expecting value: line 1 column 1 (char 0)")]
    [InlineData("{\"a\" 1}", "Expecting ':' delimiter: line 1 column 6 (char 5)")]
    [InlineData("[1 2]", "Expecting ',' delimiter: line 1 column 4 (char 3)")]
    [InlineData("{'a': 1}", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)")]
    [InlineData("1 2", "Extra data: line 1 column 3 (char 2)")]
    public void JsonErrors(string text, string message) =>
        Assert.Equal(message, Assert.Throws<PyJson.DecodeException>(() => PyJson.Loads(text)).Message);

    [Theory]
    [InlineData("abc1", true)]
    [InlineData("aBc", false)]
    [InlineData("123", false)]
    [InlineData("", false)]
    public void IsLower(string s, bool expected) => Assert.Equal(expected, SearchCommon.IsPythonLower(s));
}
