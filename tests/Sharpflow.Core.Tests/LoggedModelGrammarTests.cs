using Sharpflow.Core.Errors;
using Sharpflow.Core.Search;
using Sharpflow.Core.Tests.Support;

namespace Sharpflow.Core.Tests;

public class LoggedModelGrammarTests
{
    [Theory]
    [InlineData("name = 'a'", "attribute", "name", "=")]
    [InlineData("creation_time >= 5", "attribute", "creation_timestamp_ms", ">=")]
    [InlineData("params.`a b` LIKE 'x%'", "parameter", "a b", "LIKE")]
    [InlineData("metrics.a.b = 1", "metric", "a.b", "=")]
    [InlineData("tags.t IN ('a', 'b')", "tag", "t", "IN")]
    public void ParsesSingleComparison(string filter, string type, string key, string op)
    {
        var c = SearchFilter.ParseLoggedModels(filter).Single();
        Assert.Equal((type, key, op), (c.EntityType, c.Key, c.Comparator));
    }

    [Fact]
    public void Values()
    {
        Assert.Equal(FilterValue.List(["a", "b"]), SearchFilter.ParseLoggedModels("tags.t IN ('a', 'b')").Single().Value);
        Assert.Equal(FilterValue.String("\"quoted\""), SearchFilter.ParseLoggedModels("name = \"quoted\"").Single().Value); // only single quotes are stripped
        Assert.Equal(0.5, Assert.IsType<FilterValue.NumberValue>(SearchFilter.ParseLoggedModels("metrics.acc > 0.5").Single().Value).Value);
        Assert.Equal(double.PositiveInfinity, Assert.IsType<FilterValue.NumberValue>(SearchFilter.ParseLoggedModels("metrics.acc = inf").Single().Value).Value);
    }

    [Theory]
    [InlineData("name like 'a'", "Invalid comparison operator for attributes.name: 'like'. Expected one of ('=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN').")]
    [InlineData("tag.x = 'a'", "Invalid entity type: 'tag'. Expected one of ['attributes', 'metrics', 'params', 'tags'].")]
    [InlineData("name = 'a' AND tags.t = 'b'", "Invalid filter string: \"name = 'a' AND tags.t = 'b'\". Expected a list of comparisons separated by 'AND' (e.g. 'metrics.loss > 0.1 AND params.lr = 0.01').")]
    [InlineData("a = 1; b = 2", "Invalid filter string: 'a = 1; b = 2'. Expected a single SQL expression.")]
    public void Errors(string filter, string message) => MessageAssert.Throws(message, () => SearchFilter.ParseLoggedModels(filter));

    [Theory]
    [InlineData("attributes.creation_time >= 5")]
    [InlineData("bogus = 'x'")]
    [InlineData("metrics.acc > 'x'")]
    public void CrashesLikeMlflow(string filter) =>
        Assert.Equal(ErrorCode.INVALID_PARAMETER_VALUE, Assert.Throws<MlflowException>(() => SearchFilter.ParseLoggedModels(filter)).Code);

    [Fact]
    public void OrderBy()
    {
        var sort = SearchFilter.ParseLoggedModelOrderBy(new LoggedModelOrderBy("metrics.acc", false, "ds", "d1"));
        Assert.Equal(new LoggedModelSort(new OrderByClause("metric", "acc", false), "ds", "d1"), sort);
        Assert.Equal(new OrderByClause("attribute", "creation_timestamp_ms", true),
            SearchFilter.ParseLoggedModelOrderBy(new LoggedModelOrderBy("creation_time")).Clause);
        MessageAssert.Throws("Invalid order by field name: bogus", () => SearchFilter.ParseLoggedModelOrderBy(new LoggedModelOrderBy("bogus")));
        MessageAssert.Throws("Invalid order by field name: params.x. Only metrics are supported.",
            () => SearchFilter.ParseLoggedModelOrderBy(new LoggedModelOrderBy("params.x")));
    }

    [Fact]
    public void QueryRoundTripsItsPageToken()
    {
        IReadOnlyList<LoggedModelOrderBy> order = [new("name")];
        var token = new LoggedModelPageToken(["1"], "name = 'a'", order, 5).Encode();
        var q = SearchFilter.ParseLoggedModelQuery(["1"], "name = 'a'", order, token);
        Assert.Equal(5, q.Offset);
        Assert.Equal(
            [new LoggedModelSort(new OrderByClause("attribute", "name", true), null, null),
             new LoggedModelSort(new OrderByClause("attribute", "creation_timestamp_ms", false), null, null)],
            q.OrderBy);
    }

    [Fact]
    public void TokenIsPythonJson()
    {
        var token = new LoggedModelPageToken(["1", "2"], null, [new("name", true)], 3).Encode();
        Assert.Equal("{\"experiment_ids\": [\"1\", \"2\"], \"filter_string\": null, \"order_by\": [{\"field_name\": \"name\", \"ascending\": true, "
            + "\"dataset_name\": null, \"dataset_digest\": null}], \"offset\": 3}",
            System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(token)));
    }

    [Fact]
    public void TokenMustMatchTheRequest()
    {
        var token = new LoggedModelPageToken(["1"], "name = 'a'", [new("name")], 5).Encode();
        MessageAssert.Throws("Experiment IDs in the page token do not match the requested experiment IDs. Expected: ['2']. Found: ['1']",
            () => SearchFilter.ParseLoggedModelQuery(["2"], "name = 'a'", [new("name")], token));
        MessageAssert.Throws("Filter string in the page token does not match the requested filter string. Expected: None. Found: name = 'a'",
            () => SearchFilter.ParseLoggedModelQuery(["1"], null, [new("name")], token));
        MessageAssert.Throws("Order by in the page token does not match the requested order by. Expected: None. "
            + "Found: [{'field_name': 'name', 'ascending': True, 'dataset_name': None, 'dataset_digest': None}]",
            () => SearchFilter.ParseLoggedModelQuery(["1"], "name = 'a'", null, token));
    }

    [Fact]
    public void TokenThatIsNotJson()
    {
        var token = Convert.ToBase64String("nope"u8.ToArray());
        MessageAssert.Throws($"Invalid page token: {token}. Expecting value: line 1 column 1 (char 0)",
            () => SearchFilter.ParseLoggedModelQuery(["1"], null, null, token));
        Assert.Equal(ErrorCode.INVALID_PARAMETER_VALUE,
            Assert.Throws<MlflowException>(() => SearchFilter.ParseLoggedModelQuery(["1"], null, null, "abcde")).Code);
    }
}
