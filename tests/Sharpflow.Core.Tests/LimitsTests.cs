using System.Diagnostics;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Search;
using Sharpflow.Core.Tests.Support;

namespace Sharpflow.Core.Tests;

/// <summary>Pathological inputs: deep nesting is refused the way MLflow refuses it, long inputs stay fast.</summary>
public class LimitsTests
{
    private static string Nest(int depth, string inner) => new string('(', depth) + inner + new string(')', depth);

    [Fact]
    public void DeepNestingIsAParseError()
    {
        var filter = "a = " + Nest(1000, "'x'");
        MessageAssert.Throws($"Error on parsing filter '{filter}'", () => SearchFilter.ParseRuns(filter));
        var clause = Nest(1000, "a");
        MessageAssert.Throws($"Error on parsing order_by clause '{clause}'", () => SearchFilter.ParseRunOrderBy(clause));
        MessageAssert.Throws("Invalid attribute key 'a' specified. Valid keys are '{'user_id', 'run_name', 'start_time', 'Created', 'created', "
            + "'artifact_uri', 'run_id', 'end_time', 'status', 'run name', 'Run name', 'Run Name'}'",
            () => SearchFilter.ParseRuns("a = " + Nest(500, "'x'")));
    }

    [Theory]
    [InlineData(200, true)]
    [InlineData(201, false)] // Python refuses more than 200 nested brackets
    public void ListNestingFollowsPython(int depth, bool accepted)
    {
        var filter = "attributes.run_id IN " + Nest(depth, "'ab'");
        if (accepted)
        {
            Assert.Equal(FilterValue.List(["ab"]), SearchFilter.ParseRuns(filter).Single().Value);
        }
        else
        {
            MessageAssert.Throws("While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.",
                () => SearchFilter.ParseRuns(filter));
        }
    }

    [Fact]
    public void DeeplyNestedTokenJsonCrashesLikeMlflow()
    {
        var token = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(new string('[', 5000) + new string(']', 5000)));
        Assert.Equal(ErrorCode.INVALID_PARAMETER_VALUE, Assert.Throws<MlflowException>(() => PageToken.Decode(token)).Code);
    }

    [Fact]
    public void LongFiltersParseQuickly()
    {
        var filter = string.Join(" AND ", Enumerable.Range(0, 3000).Select(i => $"metrics.m{i} > {i}.5"));
        var sw = Stopwatch.StartNew();
        Assert.Equal(3000, SearchFilter.ParseRuns(filter).Count);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"took {sw.Elapsed}");
    }
}
