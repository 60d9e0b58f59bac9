using Sharpflow.Core.Errors;
using Sharpflow.Core.Search;
using Sharpflow.Core.Tests.Support;

namespace Sharpflow.Core.Tests;

/// <summary>The shared order_by mechanics, shown with runs.</summary>
public class OrderByTests
{
    [Theory]
    [InlineData("metrics.acc", "metric", "acc", true)]
    [InlineData("metrics.acc DESC", "metric", "acc", false)]
    [InlineData("metrics.acc desc", "metric", "acc", false)]
    [InlineData("metrics.`val loss` ASC", "metric", "val loss", true)]
    [InlineData("metrics.`val loss`", "metric", "val loss", true)]
    [InlineData("metrics.\"a b\" DESC", "metric", "a b", false)]
    [InlineData("params.model", "parameter", "model", true)]
    [InlineData("tag.t DESC", "tag", "t", false)]
    [InlineData("created DESC", "attribute", "start_time", false)]
    [InlineData("attr.run_name", "attribute", "run_name", true)]
    [InlineData("`run`.status", "attribute", "status", true)]
    public void Parses(string clause, string type, string key, bool ascending) =>
        Assert.Equal(new OrderByClause(type, key, ascending), SearchFilter.ParseRunOrderBy(clause));

    [Theory]
    [InlineData("", "Invalid order_by clause ''. Could not be parsed.")]
    [InlineData(" metrics.acc", "Invalid order_by clause ' metrics.acc'. Could not be parsed.")] // surrounding whitespace is not allowed
    [InlineData("metrics.acc ", "Invalid order_by clause 'metrics.acc '. Could not be parsed.")]
    [InlineData("metrics.acc ASC DESC", "Invalid order_by clause 'metrics.acc ASC DESC'. Could not be parsed.")]
    [InlineData("metrics.acc, params.x", "Invalid order_by clause 'metrics.acc, params.x'. Could not be parsed.")]
    [InlineData("metrics.acc 1", "Invalid order_by clause 'metrics.acc 1'. Could not be parsed.")]
    [InlineData("metrics.acc UP", "Invalid ordering key in order_by clause 'metrics.acc UP'.")]
    [InlineData("run name", "Invalid ordering key in order_by clause 'run name'.")] // "name" is taken as the direction
    [InlineData("`run name`", "Invalid attribute key 'run name' specified. Valid keys are '{'artifact_uri', 'end_time', 'run_id', 'run_name', "
        + "'start_time', 'status', 'user_id', 'created', 'Created'}'")] // the "run name" alias is for filters only
    [InlineData("datasets.name", "Invalid identifier type 'dataset'")]
    public void Rejects(string clause, string message) => MessageAssert.Throws(message, () => SearchFilter.ParseRunOrderBy(clause));

    [Fact]
    public void UnbalancedQuoteInKeyCrashesLikeMlflow() =>
        Assert.Equal(ErrorCode.INVALID_PARAMETER_VALUE, Assert.Throws<MlflowException>(() => SearchFilter.ParseRunOrderBy("tags.`a\"b` ASC")).Code);

    [Theory]
    [InlineData("a b", new[] { "a", "b" })]
    [InlineData("\"a b\" c", new[] { "a b", "c" })]
    [InlineData("x.\"a b\"y", new[] { "x.a by" })]
    [InlineData("'it s' x", new[] { "it s", "x" })]
    [InlineData("a\\ b", new[] { "a b" })]
    [InlineData("\"a\\\"b\"", new[] { "a\"b" })]
    [InlineData("''", new[] { "" })]
    public void ShellSplitting(string input, string[] words) => Assert.Equal(words, Shlex.Split(input));
}
