using Sharpflow.Core.Errors;
using Sharpflow.Core.Search;
using Sharpflow.Core.Tests.Support;

namespace Sharpflow.Core.Tests;

public class RunGrammarTests
{
    private static Comparison C(string type, string key, string op, FilterValue v) => new(type, key, op, v);

    private static FilterValue N(string raw) => new FilterValue.NumberValue(raw, SearchCommon.ToDouble(raw));

    private static FilterValue S(string s) => FilterValue.String(s);

    [Fact]
    public void EmptyFilterHasNoClauses()
    {
        Assert.Empty(SearchFilter.ParseRuns(null));
        Assert.Empty(SearchFilter.ParseRuns(""));
    }

    [Fact]
    public void NormalizesEntitiesKeysAndComparators() =>
        Assert.Equal(
            [
                C("attribute", "start_time", ">", N("5")),
                C("attribute", "run_name", "=", S("a")),
                C("attribute", "status", "!=", S("FAILED")),
                C("parameter", "lr", "LIKE", S("a%")),
                C("metric", "a", "=", N("1.5e3")),
                C("tag", "a b", "=", S("x")),
                C("metric", "m", "<=", N("-.5")),
            ],
            SearchFilter.ParseRuns("created > 5 AND `Run name` = 'a' AND run.status != \"FAILED\" and params.lr like 'a%' "
                + "AND metrics.`a` = 1.5e3 AND tags.\"a b\" = 'x' AND metric.m <= -.5"));

    [Fact]
    public void KeepsNumericLiteralText()
    {
        var value = Assert.IsType<FilterValue.NumberValue>(SearchFilter.ParseRuns("attributes.start_time >= 1700000110000").Single().Value);
        Assert.Equal("1700000110000", value.Raw);
        Assert.Equal(1700000110000d, value.Value);
    }

    [Fact]
    public void RunIdListKeepsOnlyLowerCaseIds() =>
        Assert.Equal(C("attribute", "run_id", "IN", FilterValue.List(["abc", "a1"])),
            SearchFilter.ParseRuns("attributes.run_id IN ('abc', 'ABC', 'aBc', '123', 'a1')").Single());

    [Fact]
    public void DatasetClauses() =>
        Assert.Equal(
            [C("dataset", "name", "=", S("train")), C("dataset", "digest", "NOT IN", FilterValue.List(["ab12"])), C("dataset", "context", "LIKE", S("e%"))],
            SearchFilter.ParseRuns("datasets.name = 'train' AND dataset.digest NOT IN ('ab12') AND datasets.context LIKE 'e%'"));

    [Theory]
    [InlineData("attributes.start_time LIKE 1", "Invalid comparator 'LIKE' not one of '{'IN', 'LIKE', '=', '!=', 'NOT IN', 'ILIKE'}")]
    [InlineData("attributes.status > 'a'", "Invalid comparator '>' not one of '{'IN', 'LIKE', '=', '!=', 'NOT IN', 'ILIKE'}'")]
    [InlineData("metrics.a LIKE 1", "Invalid comparator 'LIKE' not one of '{'!=', '=', '<=', '<', '>', '>='}")]
    [InlineData("tags.x > 'a'", "Invalid comparator '>' not one of '{'LIKE', '=', '!=', 'IS NULL', 'IS NOT NULL', 'ILIKE'}")]
    [InlineData("datasets.name > 'a'", "Invalid comparator '>' not one of '{'IN', 'LIKE', '=', '!=', 'NOT IN', 'ILIKE'}")]
    [InlineData("datasets.bogus = 'a'", "Invalid dataset key 'bogus' specified. Valid keys are '{'name', 'digest', 'context'}'")]
    [InlineData("attributes.status IN ('a')", "Only the 'run_id' attribute supports comparison with a list of quoted string values.")]
    [InlineData("start_time = 'x'", "Expected numeric value type for numeric attribute: start_time. Found 'x'")]
    [InlineData("status = 1", "Expected a quoted string value for attributes. Got value 1")]
    [InlineData("tags.a = 1", "Expected a quoted string value for tag (e.g. 'my-value'). Got value 1")]
    [InlineData("params.a = 1", "Expected a quoted string value for parameter (e.g. 'my-value'). Got value 1")]
    [InlineData("attributes.run_id IN ()", "While parsing a list in the query, expected a non-empty list of string values, but got empty list")]
    [InlineData("attributes.run_id IN (1, 2)", "While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: (1, 2)")]
    [InlineData("attributes.run_id IN ('a' AND 'b')", "While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.")]
    [InlineData("name = 'x'; name = 'y'", "Search filter contained multiple expression \"name = 'x'; name = 'y'\". Provide AND-ed expression list.")]
    [InlineData("   ", "Invalid filter '   '. Could not be parsed.")]
    [InlineData("attributes.run_id IN ('\\U00110000')", "While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.")]
    [InlineData("(metrics.a = 1)", "Invalid clause(s) in filter string: '(metrics.a = 1)'")]
    [InlineData("metrics.a = 1 = 2", "Invalid comparison clause. Expected 'Identifier' found 'metrics.a = 1'")]
    [InlineData("bogus = 1", "Invalid attribute key 'bogus' specified. Valid keys are '{'user_id', 'run_name', 'start_time', 'Created', 'created', "
        + "'artifact_uri', 'run_id', 'end_time', 'status', 'run name', 'Run name', 'Run Name'}'")]
    [InlineData("`metrics`.`a` = 'x'", "Expected numeric value type for metric. Found 'x'")]
    public void Errors(string filter, string message) => MessageAssert.Throws(message, () => SearchFilter.ParseRuns(filter));

    [Fact]
    public void UnquotedListItemsCrashLikeMlflow() =>
        Assert.Equal(ErrorCode.INVALID_PARAMETER_VALUE, Assert.Throws<MlflowException>(() => SearchFilter.ParseRuns("attributes.run_id IN (abc)")).Code);

    [Fact]
    public void QueryAppliesMlflowErrorOrder()
    {
        // order_by is checked before the filter's comparators, the page token last.
        MessageAssert.Throws("Invalid attribute key 'bogus' specified. Valid keys are '{'artifact_uri', 'end_time', 'run_id', 'run_name', "
            + "'start_time', 'status', 'user_id', 'created', 'Created'}'",
            () => SearchFilter.ParseRunQuery("metrics.a LIKE 1", ["bogus"], "notatoken"));
        MessageAssert.Throws("Invalid comparator 'LIKE' not one of '{'!=', '=', '<=', '<', '>', '>='}",
            () => SearchFilter.ParseRunQuery("metrics.a LIKE 1", ["metrics.a"], "notatoken"));
        MessageAssert.Throws("Invalid clause(s) in filter string: 'x'", () => SearchFilter.ParseRunQuery("x", ["bogus"], null));
    }

    [Fact]
    public void QueryAddsTieBreakersAndRejectsDuplicates()
    {
        var q = SearchFilter.ParseRunQuery(null, ["metrics.a DESC"], PageToken.Encode(7));
        Assert.Equal(
            [new OrderByClause("metric", "a", false), new OrderByClause("attribute", "start_time", false), new OrderByClause("attribute", "run_id", true)],
            q.OrderBy);
        Assert.Equal(7, q.Offset);
        Assert.Equal([new OrderByClause("attribute", "start_time", true), new OrderByClause("attribute", "run_id", true)],
            SearchFilter.ParseRunQuery(null, ["created"], null).OrderBy);
        MessageAssert.Throws("`order_by` contains duplicate fields: ['created DESC', 'start_time']",
            () => SearchFilter.ParseRunQuery(null, ["created DESC", "start_time"], null), ErrorCode.INVALID_PARAMETER_VALUE);
    }
}
