using Sharpflow.Core.Search;
using Sharpflow.Core.Tests.Support;

namespace Sharpflow.Core.Tests.Search;

/// <summary>
/// The trace search request as the store compiles it: what MLflow 3.11 answered in the recorded corpus
/// (tracing.jsonl seqs 40-66, 82, 83), its default order and tie-breakers, aliases and page tokens.
/// </summary>
public class TraceSearchQueryTests
{
    private static readonly OrderByClause TimestampDesc = new("attribute", "timestamp_ms", false);
    private static readonly OrderByClause RequestIdAsc = new("attribute", "request_id", true);

    [Fact]
    public void Empty_request_orders_by_timestamp_then_request_id()
    {
        var q = SearchFilter.ParseTraceQuery(null, null, null);
        Assert.Empty(q.Filters);
        Assert.Equal([TimestampDesc, RequestIdAsc], q.OrderBy);
        Assert.Equal(0, q.Offset);
        Assert.Empty(SearchFilter.ParseTraceQuery("", [], "").Filters);
    }

    [Theory]
    [InlineData("trace.status = 'OK'", "attribute", "status", "=")]
    [InlineData("status = 'ERROR'", "attribute", "status", "=")]
    [InlineData("trace.timestamp_ms > 1600000000000", "attribute", "timestamp_ms", ">")]
    [InlineData("trace.execution_time_ms >= 0", "attribute", "execution_time_ms", ">=")]
    [InlineData("trace.end_time <= 5", "attribute", "end_time_ms", "<=")]
    [InlineData("tags.flow = 'alpha'", "tag", "flow", "=")]
    [InlineData("metadata.`mlflow.user` = 'corpus-user'", "request_metadata", "mlflow.user", "=")]
    [InlineData("trace.name = 'outer'", "tag", "mlflow.traceName", "=")]
    [InlineData("trace.name like 'out%'", "tag", "mlflow.traceName", "LIKE")]
    [InlineData("trace.run_id = 'abc'", "request_metadata", "mlflow.sourceRun", "=")]
    [InlineData("trace.text ILIKE '%x%'", "span", "content", "ILIKE")]
    [InlineData("feedback.quality = '0.9'", "feedback", "quality", "=")]
    [InlineData("span.attributes.`model` RLIKE 'g'", "span", "attributes.`model`", "RLIKE")]
    public void Corpus_filters_compile_to_one_comparison(string filter, string type, string key, string op)
    {
        var c = Assert.Single(SearchFilter.ParseTraces(filter));
        Assert.Equal((type, key, op), (c.EntityType, c.Key, c.Comparator));
    }

    [Fact]
    public void Caller_order_comes_first_and_tie_breakers_are_not_repeated()
    {
        Assert.Equal([new OrderByClause("attribute", "timestamp_ms", true), RequestIdAsc],
            SearchFilter.ParseTraceQuery(null, ["timestamp_ms ASC"], null).OrderBy);
        Assert.Equal([new OrderByClause("attribute", "execution_time_ms", false), TimestampDesc, RequestIdAsc],
            SearchFilter.ParseTraceQuery(null, ["execution_time_ms DESC"], null).OrderBy);
        Assert.Equal([new OrderByClause("tag", "flow", true), new OrderByClause("attribute", "end_time_ms", false), TimestampDesc, RequestIdAsc],
            SearchFilter.ParseTraceQuery(null, ["tags.flow", "end_time DESC"], null).OrderBy);
    }

    [Fact]
    public void Page_tokens_carry_the_offset()
    {
        Assert.Equal(2, SearchFilter.ParseTraceQuery(null, null, PageToken.Encode(2)).Offset);
        MessageAssert.Throws("Invalid page token, could not base64-decode", () => SearchFilter.ParseTraceQuery(null, null, "abc"));
    }

    [Theory]
    [InlineData("trace.status = ", "Invalid clause(s) in filter string: 'trace.status', '='")] // seq 82
    [InlineData("timestamp > 5", "Invalid clause(s) in filter string: 'timestamp', '>', '5'")]
    [InlineData("trace.status = 'OK' OR trace.status = 'ERROR'", "Invalid clause(s) in filter string: 'OR'")]
    [InlineData("trace.bogus = 'x'",
        "Invalid attribute key 'bogus' specified. Valid keys are '{'request_id', 'timestamp', 'timestamp_ms', 'execution_time', 'execution_time_ms', " +
        "'end_time', 'end_time_ms', 'status', 'client_request_id', 'name', 'run_id', 'prompt', 'text'}'")]
    public void Filter_errors(string filter, string message) => MessageAssert.Throws(message, () => SearchFilter.ParseTraceQuery(filter, null, null));

    [Fact]
    public void Order_by_errors()
    {
        MessageAssert.Throws("Invalid attribute key 'nonsense' specified. Valid keys are '{'experiment_id', 'execution_time_ms', 'end_time_ms', " +
            "'execution_time', 'status', 'request_id', 'timestamp_ms', 'name', 'end_time', 'run_id', 'timestamp'}'", // seq 83
            () => SearchFilter.ParseTraceQuery(null, ["nonsense DESC"], null));
        var e = Assert.Throws<Errors.MlflowException>(() => SearchFilter.ParseTraceQuery(null, ["timestamp", "timestamp_ms DESC"], null));
        Assert.StartsWith("`order_by` contains duplicate fields", e.Message);
    }
}
