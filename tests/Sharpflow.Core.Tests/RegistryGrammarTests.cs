using Sharpflow.Core.Errors;
using Sharpflow.Core.Search;
using Sharpflow.Core.Tests.Support;

namespace Sharpflow.Core.Tests;

public class RegisteredModelGrammarTests
{
    [Fact]
    public void ParsesNameAndTags() =>
        Assert.Equal(
            [
                new Comparison("attribute", "name", "LIKE", FilterValue.String("a")),
                new Comparison("tag", "mlflow.prompt.is_prompt", "!=", FilterValue.String("true")),
            ],
            SearchFilter.ParseRegisteredModels("name like 'a' AND tag.`mlflow.prompt.is_prompt` != 'true'"));

    [Theory]
    [InlineData("name IN 'a'", "Invalid comparator for attribute: IN")]
    [InlineData("name LIKE 1", "Expected a quoted string value or a list of quoted string values for attributes. Got value 1")]
    [InlineData("tags.x > 'a'", "Invalid comparator for tag: >")]
    [InlineData("`name` = 'a'", "Invalid attribute key '`name`' specified. Valid keys are '{'name'}'")] // checked before unquoting
    [InlineData("run_id IN ('a')", "Invalid attribute key 'run_id' specified. Valid keys are '{'name'}'")]
    [InlineData("name = x", "Parameter value is either not quoted or unidentified quote types used for string value x. Use either single or double quotes.")]
    [InlineData("name = 'a' or name = 'b'", "Invalid clause(s) in filter string: or")]
    public void Errors(string filter, string message) => MessageAssert.Throws(message, () => SearchFilter.ParseRegisteredModels(filter));

    [Theory]
    [InlineData("timestamp", "timestamp", true)]
    [InlineData("timestamp DESC", "timestamp", false)]
    [InlineData("last_updated_timestamp ASC", "last_updated_timestamp", true)]
    public void OrderBy(string clause, string key, bool ascending) =>
        Assert.Equal(new OrderByClause("attribute", key, ascending), SearchFilter.ParseRegisteredModelOrderBy(clause));

    [Theory]
    [InlineData("Timestamp", "Invalid order_by clause 'Timestamp'. Could not be parsed.")]
    [InlineData("creation_timestamp", "Invalid order by key 'creation_timestamp' specified. Valid keys are '{'timestamp', 'name'}'")]
    [InlineData("tags.x", "Invalid order by key 'tags.x' specified. Valid keys are '{'timestamp', 'name'}'")]
    public void OrderByErrors(string clause, string message) => MessageAssert.Throws(message, () => SearchFilter.ParseRegisteredModelOrderBy(clause));

    [Fact]
    public void QueryOrder()
    {
        // Comparators are checked last, after order_by and the page token.
        MessageAssert.Throws("Invalid page token, could not base64-decode", () => SearchFilter.ParseRegisteredModelQuery("name > 'x'", null, "notatoken"));
        MessageAssert.Throws("`order_by` contains duplicate fields: ['timestamp', 'last_updated_timestamp']",
            () => SearchFilter.ParseRegisteredModelQuery(null, ["timestamp", "last_updated_timestamp"], null), ErrorCode.INVALID_PARAMETER_VALUE);
        Assert.Equal([new OrderByClause("attribute", "timestamp", false), new OrderByClause("attribute", "name", true)],
            SearchFilter.ParseRegisteredModelQuery(null, ["timestamp DESC"], null).OrderBy);
    }
}

public class ModelVersionGrammarTests
{
    [Fact]
    public void ParsesAttributesListsAndNumbers() =>
        Assert.Equal(
            [
                new Comparison("attribute", "name", "=", FilterValue.String("m")),
                new Comparison("attribute", "run_id", "IN", FilterValue.List(["ab", "cd"])),
                new Comparison("attribute", "version_number", ">", new FilterValue.NumberValue("2", 2)),
                new Comparison("attribute", "source_path", "LIKE", FilterValue.String("runs:/%")),
                new Comparison("tag", "validated", "=", FilterValue.String("true")),
            ],
            SearchFilter.ParseModelVersions("name = 'm' AND run_id IN ('ab', 'cd', 'EF') AND version_number > 2 "
                + "AND source_path like 'runs:/%' AND tags.validated = 'true'"));

    [Theory]
    [InlineData("version_number >> 1", "Invalid comparator for attribute version_number: >>")]
    [InlineData("version_number LIKE 1", "Invalid comparator for attribute version_number: LIKE")]
    [InlineData("name IN ('a')", "Only the 'run_id' attribute supports comparison with a list of quoted string values.")]
    [InlineData("name > 'a'", "Invalid comparator for attribute: >")]
    [InlineData("name = 1", "Only the '{'version_number', 'creation_timestamp', 'last_updated_timestamp'}' attributes support comparison with numeric values.")]
    [InlineData("tags.a NOT IN ('x')", "Expected a quoted string value for tag (e.g. 'my-value'). Got value ('x')")]
    [InlineData("current_stage = 'x'", "Invalid attribute key 'current_stage' specified. Valid keys are '{'name', 'version_number', 'run_id', 'source_path'}'")]
    public void Errors(string filter, string message) => MessageAssert.Throws(message, () => SearchFilter.ParseModelVersions(filter));

    [Theory]
    [InlineData("version_number DESC", "version_number", false)]
    [InlineData("tags.name", "name", true)] // MLflow only checks the key, so this sorts by the name attribute
    [InlineData("creation_timestamp", "creation_timestamp", true)]
    public void OrderBy(string clause, string key, bool ascending) =>
        Assert.Equal(new OrderByClause("attribute", key, ascending), SearchFilter.ParseModelVersionOrderBy(clause));

    [Fact]
    public void OrderByErrors()
    {
        MessageAssert.Throws("Invalid order by key 'x' specified. Valid keys are {'name', 'version_number', 'creation_timestamp', 'last_updated_timestamp'}",
            () => SearchFilter.ParseModelVersionOrderBy("tag.x"));
        MessageAssert.Throws("Invalid attribute key 'run_id' specified. Valid keys are '{'name', 'version_number', 'creation_timestamp', 'last_updated_timestamp'}'",
            () => SearchFilter.ParseModelVersionOrderBy("run_id"));
    }

    [Fact]
    public void QueryDefaultsAndTieBreakers()
    {
        Assert.Equal(
            [
                new OrderByClause("attribute", "last_updated_timestamp", false), new OrderByClause("attribute", "name", true),
                new OrderByClause("attribute", "version_number", false),
            ],
            SearchFilter.ParseModelVersionQuery(null, null, null).OrderBy);
        MessageAssert.Throws("`order_by` contains duplicate fields: ['name', 'tags.name DESC']",
            () => SearchFilter.ParseModelVersionQuery(null, ["name", "tags.name DESC"], null), ErrorCode.INVALID_PARAMETER_VALUE);
    }
}
