using Sharpflow.Core.Search;
using Sharpflow.Core.Tests.Support;

namespace Sharpflow.Core.Tests;

public class TraceGrammarTests
{
    private static Comparison C(string type, string key, string op, FilterValue v) => new(type, key, op, v);

    [Fact]
    public void RedirectsKeysToTagsMetadataAndSpans() =>
        Assert.Equal(
            [
                C("tag", "mlflow.traceName", "=", FilterValue.String("a")),
                C("tag", "mlflow.linkedPrompts", "=", FilterValue.String("p/1")),
                C("request_metadata", "mlflow.sourceRun", "=", FilterValue.String("r")),
                C("span", "content", "LIKE", FilterValue.String("%x%")),
                C("attribute", "timestamp_ms", ">", new FilterValue.NumberValue("5", 5)),
                C("tag", "timestamp_ms", "=", FilterValue.String("x")), // MLflow redirects keys whatever their entity
            ],
            SearchFilter.ParseTraces("name = 'a' AND prompt = 'p/1' AND run_id = 'r' AND trace.text LIKE '%x%' "
                + "AND trace.timestamp > 5 AND tags.Timestamp = 'x'"));

    [Fact]
    public void ListsSpansAssessmentsAndIssues()
    {
        Assert.Equal(
            [
                C("attribute", "status", "IN", FilterValue.List(["OK", "ERROR"])),
                C("attribute", "request_id", "NOT IN", FilterValue.List(["a"])),
                C("attribute", "execution_time_ms", "<=", new FilterValue.NumberValue("1.5", 1.5)),
            ],
            SearchFilter.ParseTraces("status IN ('OK', 'ERROR') AND request_id NOT IN ('a') AND execution_time <= 1.5"));
        Assert.Equal(
            [
                C("span", "name", "=", FilterValue.String("x")), C("span", "attributes.model", "RLIKE", FilterValue.String("g.*")),
                C("feedback", "score", "=", FilterValue.String("yes")), C("expectation", "exp", "!=", FilterValue.String("a")),
                C("issue", "id", "=", FilterValue.String("i-1")),
            ],
            SearchFilter.ParseTraces("span.name = 'x' AND span.attributes.model RLIKE 'g.*' AND feedback.score = 'yes' "
                + "AND expectation.exp != 'a' AND issue.id = 'i-1'"));
    }

    [Theory]
    [InlineData("text = 'x'", "Invalid clause(s) in filter string: 'text', '=', ''x''")] // bare built-in type names are not keys
    [InlineData("metadata.`mlflow.user` IS NULL", "Invalid clause(s) in filter string: 'metadata.`mlflow.user`', 'IS', 'NULL'")]
    [InlineData("span.content = 'x'", "span.content comparator '=' not one of '{'ILIKE', 'LIKE'}'")]
    [InlineData("span.name like 'x'", "span.name comparator 'like' not one of '{'ILIKE', '=', 'LIKE', 'NOT IN', 'IN', 'RLIKE', '!='}'")]
    [InlineData("span.bogus = 'x'", "Invalid span attribute 'bogus'. Supported attributes: name, status, type, attributes.<attribute_name>.")]
    [InlineData("span.attributes. = 'x'", "Span attribute name cannot be empty after 'attributes.'")]
    [InlineData("issue.other = 'x'", "Invalid issue attribute 'other'. Supported attributes: id")]
    [InlineData("issue.id != 'x'", "issue.id comparator '!=' not one of '{'='}'")]
    [InlineData("prompt LIKE 'a'", "Invalid comparator 'LIKE' for prompts filter. Only '=' is supported with format: prompt = \"name/version\"")]
    [InlineData("prompt = 'ab'", "Invalid prompts filter value 'ab'. Expected format: prompt = \"name/version\"")]
    [InlineData("status > 'x'", "Invalid comparator '>' not one of '{'ILIKE', '=', 'LIKE', 'NOT IN', 'IN', 'RLIKE', '!='}'")]
    [InlineData("timestamp_ms LIKE 5", "Invalid comparator 'LIKE' not one of '{'ILIKE', '=', 'LIKE', 'NOT IN', 'IN', 'RLIKE', '!='}")]
    [InlineData("status = 5", "Only the '{'execution_time_ms', 'timestamp_ms', 'execution_time', 'end_time_ms', 'timestamp', 'end_time'}' attributes support comparison with numeric values.")]
    [InlineData("request_id IN (1)", "While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: (1,)")]
    [InlineData("timestamp_ms IN ('x')", "Only attributes in {'status', 'run_id', 'client_request_id', 'name', 'request_id'} supports comparison with a list of quoted string values.")]
    [InlineData("feedback.x > 'a'", "assessment.x comparator '>' not one of '{'ILIKE', '=', 'IS NULL', 'LIKE', 'IS NOT NULL', 'RLIKE', '!='}'")]
    [InlineData("feedback.`` = 'a'", "Assessment field name cannot be empty")]
    [InlineData("metadata.x > 'a'", "Invalid comparator '>' not one of '{'ILIKE', '=', 'IS NULL', 'LIKE', 'IS NOT NULL', 'RLIKE', '!='}'")]
    [InlineData("tags.x IN ('a')", "Invalid comparator 'IN' not one of '{'ILIKE', '=', 'IS NULL', 'LIKE', 'IS NOT NULL', 'RLIKE', '!='}")]
    [InlineData("foo.x = 'a'", "Invalid entity type 'foo'. Valid values are {'span', 'attributes', 'issue', 'tag', 'request_metadata', 'trace', 'attribute', 'feedback', 'expectation', 'tags', 'metadata'}")]
    [InlineData("metadata.x = 1", "Expected a quoted string value for request_metadata (e.g. 'my-value'). Got value 1")]
    public void Errors(string filter, string message) => MessageAssert.Throws(message, () => SearchFilter.ParseTraces(filter));

    [Theory]
    [InlineData("name DESC", "tag", "mlflow.traceName", false)]
    [InlineData("run_id", "request_metadata", "mlflow.sourceRun", true)]
    [InlineData("timestamp", "attribute", "timestamp_ms", true)]
    [InlineData("metadata.k ASC", "request_metadata", "k", true)]
    [InlineData("tags.x", "tag", "x", true)]
    public void OrderBy(string clause, string type, string key, bool ascending) =>
        Assert.Equal(new OrderByClause(type, key, ascending), SearchFilter.ParseTraceOrderBy(clause));

    [Theory]
    [InlineData("tags.text")]
    [InlineData("span.name")]
    public void OrderByRejectsSpans(string clause) =>
        MessageAssert.Throws("Invalid identifier type 'span'", () => SearchFilter.ParseTraceOrderBy(clause));

    [Fact]
    public void QueryChecksOrderByFirstAndAddsTieBreakers()
    {
        MessageAssert.Throws("Invalid identifier type 'span'", () => SearchFilter.ParseTraceQuery("x y", ["span.name"], "notatoken"));
        Assert.Equal(
            [new OrderByClause("attribute", "request_id", true), new OrderByClause("attribute", "timestamp_ms", false)],
            SearchFilter.ParseTraceQuery(null, ["request_id"], null).OrderBy);
    }
}
