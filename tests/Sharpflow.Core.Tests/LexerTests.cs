using Sharpflow.Core.Search;

namespace Sharpflow.Core.Tests;

public class LexerTests
{
    private static string Lex(string s) =>
        string.Join(" ", FilterLexer.Tokenize(s).Where(t => t.Kind != TokenKind.Whitespace).Select(t => $"{t.Kind}:{t.Value}"));

    [Theory]
    [InlineData("metrics.acc", "Name:metrics Punctuation:. Name:acc")]
    [InlineData("name", "Name:name")]
    [InlineData("key", "Keyword:key")] // SQL keywords cannot be bare keys
    [InlineData("tags.key", "Name:tags Punctuation:. Name:key")] // ... but are names after a dot
    [InlineData("timestamp", "NameBuiltin:timestamp")]
    [InlineData("text", "NameBuiltin:text")]
    [InlineData("ASC desc", "KeywordOrder:ASC KeywordOrder:desc")]
    [InlineData("select", "KeywordDml:select")]
    [InlineData("tags.`mlflow.user`", "Name:tags Punctuation:. Name:`mlflow.user`")]
    [InlineData("`a``b`", "Name:`a``b`")]
    [InlineData("metrics . acc", "Name:metrics Punctuation:. Name:acc")]
    public void Names(string input, string expected) => Assert.Equal(expected, Lex(input));

    [Theory]
    [InlineData("a = 1", "Name:a Comparison:= Integer:1")]
    [InlineData("a != b <> c >= d", "Name:a Comparison:!= Name:b Comparison:<> Name:c Comparison:>= Name:d")]
    [InlineData("a >> 1", "Name:a Comparison:>> Integer:1")]
    [InlineData("a ~ 'x'", "Name:a Comparison:~ StringSingle:'x'")]
    [InlineData("a LIKE b", "Name:a Comparison:LIKE Name:b")]
    [InlineData("a not  like b", "Name:a Comparison:not  like Name:b")]
    [InlineData("a IN (1)", "Name:a Comparison:IN Punctuation:( Integer:1 Punctuation:)")]
    [InlineData("a NOT IN (1)", "Name:a Comparison:NOT IN Punctuation:( Integer:1 Punctuation:)")]
    [InlineData("tags.in", "Name:tags Punctuation:. Comparison:in")] // IN wins over the name-after-dot rule
    [InlineData("a IS NOT NULL", "Name:a Keyword:IS Keyword:NOT NULL")]
    [InlineData("index", "Keyword:index")]
    [InlineData("a + b", "Name:a Operator:+ Name:b")]
    public void Operators(string input, string expected) => Assert.Equal(expected, Lex(input));

    [Theory]
    [InlineData("1", "Integer:1")]
    [InlineData("-1", "Integer:-1")]
    [InlineData("1.5", "Float:1.5")]
    [InlineData("-1.5e3", "Float:-1.5e3")]
    [InlineData("1e5", "Float:1e5")]
    [InlineData(".5", "Float:.5")]
    [InlineData("1.", "Float:1.")]
    [InlineData("0x1F", "Hex:0x1F")]
    [InlineData("12abc", "Integer:1 Name:2abc")] // a number may not run into a letter: the digit run shrinks
    [InlineData("1.5abc", "Float:1. Name:5abc")]
    [InlineData("1a", "Name:1a")]
    [InlineData("a-1", "Name:a Integer:-1")]
    public void Numbers(string input, string expected) => Assert.Equal(expected, Lex(input));

    [Theory]
    [InlineData("'abc'", "StringSingle:'abc'")]
    [InlineData("'it''s'", "StringSingle:'it''s'")]
    [InlineData(@"'a\'b'", @"StringSingle:'a\'b'")]
    [InlineData(@"'a\'", @"StringSingle:'a\'")] // the escape is optional when the string would not close otherwise
    [InlineData("\"abc\"", "StringSymbol:\"abc\"")]
    [InlineData("'x", "Error:' Name:x")]
    [InlineData("''", "StringSingle:''")]
    public void Strings(string input, string expected) => Assert.Equal(expected, Lex(input));

    [Theory]
    [InlineData("a -- note\nb", "Name:a CommentSingle:-- note\n Name:b")]
    [InlineData("a /* x */ b", "Name:a CommentMultiline:/* x */ Name:b")]
    [InlineData("a\r\nb", "Name:a Newline:\r\n Name:b")]
    [InlineData(":x ?", "NamePlaceholder::x NamePlaceholder:?")]
    [InlineData("a; b", "Name:a Punctuation:; Name:b")]
    [InlineData("$$x y$$", "Literal:$$x y$$")]
    [InlineData("[a b]", "Name:[a b]")]
    [InlineData("a{", "Name:a Error:{")]
    public void Other(string input, string expected) => Assert.Equal(expected, Lex(input));

    [Fact]
    public void WhitespaceIsOneTokenPerCharacter() =>
        Assert.Equal(3, FilterLexer.Tokenize("a  b").Count(t => t.Kind == TokenKind.Whitespace) + 1);

    [Fact]
    public void LongUnterminatedQuotesStayLinear()
    {
        var input = string.Concat(Enumerable.Repeat("'a", 20000));
        var tokens = FilterLexer.Tokenize(input);
        Assert.Equal(input, string.Concat(tokens.Select(t => t.Value)));
    }
}
