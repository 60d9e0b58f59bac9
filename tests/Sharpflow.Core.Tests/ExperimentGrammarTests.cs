using Sharpflow.Core.Search;
using Sharpflow.Core.Tests.Support;

namespace Sharpflow.Core.Tests;

public class ExperimentGrammarTests
{
    [Fact]
    public void ParsesAttributesAndTags() =>
        Assert.Equal(
            [
                new Comparison("attribute", "name", "LIKE", FilterValue.String("a%")),
                new Comparison("attribute", "creation_time", ">=", new FilterValue.NumberValue("5", 5)),
                new Comparison("tag", "a.b", "!=", FilterValue.String("c")),
                new Comparison("tag", "x", "=", FilterValue.String("y")),
            ],
            SearchFilter.ParseExperiments("name LIKE 'a%' AND creation_time >= 5 AND tags.`a.b` != 'c' AND tag.\"x\" = \"y\""));

    [Theory]
    [InlineData("name like 'a'", "Invalid comparator 'like' not one of '{'ILIKE', '=', '!=', 'NOT IN', 'IN', 'LIKE'}'")] // case-sensitive, unlike runs
    [InlineData("name IN ('a')", "Only the 'run_id' attribute supports comparison with a list of quoted string values.")]
    [InlineData("name IN 'a'", "Invalid comparator for string attribute: IN")]
    [InlineData("creation_time LIKE 1", "Invalid comparator 'LIKE' not one of '{'ILIKE', '=', '!=', 'NOT IN', 'IN', 'LIKE'}")]
    [InlineData("tags.a IN ('x')", "Expected a quoted string value for tag (e.g. 'my-value'). Got value ('x')")]
    [InlineData("tags.a like 'x'", "Invalid comparator for tag: like")]
    [InlineData("tags.a > 'x'", "Invalid comparator for tag: >")]
    [InlineData("`tag`.x = 'a'", "Invalid entity type '`tag`'. Valid entity types are ('attribute', 'tag', 'tags')")]
    [InlineData("name = 1", "Expected a quoted string value for attributes. Got value 1")]
    [InlineData("creation_time = 'x'", "Expected numeric value type for numeric attribute: creation_time. Found 'x'")]
    [InlineData("name > 'a'", "Invalid comparator '>' not one of '{'ILIKE', '=', '!=', 'NOT IN', 'IN', 'LIKE'}'")]
    [InlineData("name = 'a' OR name = 'b'", "Invalid clause(s) in filter string: OR")]
    public void Errors(string filter, string message) => MessageAssert.Throws(message, () => SearchFilter.ParseExperiments(filter));

    [Theory]
    [InlineData("experiment_id", "experiment_id", true)]
    [InlineData("attribute.name DESC", "name", false)]
    [InlineData("`last_update_time` asc", "last_update_time", true)]
    public void OrderBy(string clause, string key, bool ascending) =>
        Assert.Equal(new OrderByClause("attribute", key, ascending), SearchFilter.ParseExperimentOrderBy(clause));

    [Theory]
    [InlineData("tags.x", "Invalid order_by entity: tag")]
    [InlineData("`tag`.x", "Invalid entity type '`tag`'. Valid entity types are ('attribute', 'tag', 'tags')")]
    [InlineData("name ASC DESC", "Invalid order_by clause 'name ASC DESC'. Could not be parsed.")]
    public void OrderByErrors(string clause, string message) => MessageAssert.Throws(message, () => SearchFilter.ParseExperimentOrderBy(clause));

    [Fact]
    public void QueryUsesDefaultOrderAndTieBreaker()
    {
        Assert.Equal(
            [new OrderByClause("attribute", "creation_time", false), new OrderByClause("attribute", "experiment_id", true)],
            SearchFilter.ParseExperimentQuery(null, null, null).OrderBy);
        Assert.Equal(
            [new OrderByClause("attribute", "name", true), new OrderByClause("attribute", "experiment_id", false)],
            SearchFilter.ParseExperimentQuery(null, ["name"], null).OrderBy);
    }

    [Fact]
    public void QueryChecksFilterBeforeOrderBy() =>
        MessageAssert.Throws("Invalid comparator for tag: >", () => SearchFilter.ParseExperimentQuery("tags.a > 'x'", ["bogus"], "notatoken"));
}
