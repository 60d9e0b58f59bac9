using System.Text;
using Sharpflow.Core.Search;

namespace Sharpflow.Core.Tests;

/// <summary>The grouping stage: how tokens become comparisons, identifiers and invalid clauses.</summary>
public class ParserTests
{
    /// <summary>Compact tree notation: groups as Kind[children], tokens as their text; whitespace dropped.</summary>
    private static string Tree(SqlNode n) => n switch
    {
        SqlGroup g => g.Kind + "[" + string.Join(" ", g.Children.Where(c => !c.IsWhitespace).Select(Tree)) + "]",
        _ => n.Text,
    };

    private static string Parse(string s)
    {
        var statements = FilterParser.Parse(s).Statements;
        var sb = new StringBuilder();
        foreach (var st in statements)
        {
            sb.Append(Tree(st));
        }
        return sb.ToString();
    }

    [Theory]
    [InlineData("name = 'x'", "Statement[Comparison[Identifier[name] = 'x']]")]
    [InlineData("metrics.acc > 1", "Statement[Comparison[Identifier[metrics . acc] > 1]]")]
    [InlineData("a.b.c = 1", "Statement[Comparison[Identifier[a . b . c] = 1]]")]
    [InlineData("tags.x = \"y\"", "Statement[Comparison[Identifier[tags . x] = Identifier[\"y\"]]]")]
    [InlineData("a = 1 AND b = 2", "Statement[Comparison[Identifier[a] = 1] AND Comparison[Identifier[b] = 2]]")]
    [InlineData("a IN ('x', 'y')", "Statement[Comparison[Identifier[a] IN Parenthesis[( IdentifierList['x' , 'y'] )]]]")]
    [InlineData("a = b = c", "Statement[Comparison[Comparison[Identifier[a] = Identifier[b]] = Identifier[c]]]")]
    [InlineData("f(x) = 1", "Statement[Comparison[Function[Identifier[f] Parenthesis[( Identifier[x] )]] = 1]]")]
    [InlineData("a + 1 > 2", "Statement[Comparison[Operation[Identifier[a] + 1] > 2]]")]
    [InlineData("(a = 1)", "Statement[Parenthesis[( Comparison[Identifier[a] = 1] )]]")]
    public void GroupsComparisons(string input, string expected) => Assert.Equal(expected, Parse(input));

    [Theory]
    [InlineData("a b = 1", "Statement[Identifier[a] Comparison[Identifier[b] = 1]]")]
    [InlineData("a = 1 b", "Statement[Identifier[Comparison[Identifier[a] = 1] Identifier[b]]]")] // aliasing swallows the comparison
    [InlineData("timestamp > 5", "Statement[timestamp > 5]")] // built-in type names are not operands
    [InlineData("key = 'x'", "Statement[key = 'x']")]
    [InlineData("a IS NULL", "Statement[Identifier[a] IS NULL]")]
    [InlineData("tags.'x' = 1", "Statement[Identifier[tags .] Comparison['x' = 1]]")]
    public void LeavesOtherShapesUngrouped(string input, string expected) => Assert.Equal(expected, Parse(input));

    [Theory]
    [InlineData("name DESC", "Statement[Identifier[Identifier[name] DESC]]")]
    [InlineData("metrics.acc UP", "Statement[Identifier[metrics . acc Identifier[UP]]]")]
    [InlineData("timestamp DESC", "Statement[timestamp DESC]")]
    public void GroupsSortKeys(string input, string expected) => Assert.Equal(expected, Parse(input));

    [Theory]
    [InlineData("a = 1; b = 2", 2)]
    [InlineData("a = 1;", 1)]
    [InlineData("a = 1;  ", 1)]
    [InlineData("a = 1;\n", 1)]
    [InlineData("a = 1;\nb", 2)]
    [InlineData("   ", 0)]
    [InlineData("", 0)]
    [InlineData("(a; b)", 1)]
    [InlineData(";", 1)]
    public void SplitsStatements(string input, int count) => Assert.Equal(count, FilterParser.Parse(input).Statements.Count);

    [Fact]
    public void ClausesListInvalidTopLevelTokens()
    {
        var statement = FilterParser.Parse("a = 1 OR b = 2 and c = 3").Statements[0];
        var (comparisons, invalid) = FilterParser.Clauses(statement);
        Assert.Equal(3, comparisons.Count);
        Assert.Equal(["OR"], invalid.Select(n => n.Text));
        Assert.Equal(["c", "=", "3"], comparisons[2].Parts.Select(p => p.Text));
    }

    [Theory]
    [InlineData("name", "name")]
    [InlineData("name ASC", "name ASC")]
    [InlineData("metrics.`val loss` DESC", "metrics.`val loss` DESC")]
    [InlineData("timestamp", "timestamp")]
    [InlineData("timestamp  DESC", "timestamp DESC")]
    [InlineData(" name", null)]
    [InlineData("name ", null)]
    [InlineData("name, x", null)]
    [InlineData("", null)]
    public void OrderByToken(string clause, string? expected) => Assert.Equal(expected, OrderByParser.SortToken(clause));

    [Fact]
    public void TextRoundTrips()
    {
        const string input = "tags.`a b` = 'x'  AND\tmetrics.m >= -1.5e3 -- note";
        var statement = FilterParser.Parse(input).Statements.Single();
        Assert.Equal(input, statement.Text);
    }
}
