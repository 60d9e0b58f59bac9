using Sharpflow.Core.Errors;
using Sharpflow.Core.Search;

namespace Sharpflow.Core.Tests;

/// <summary>Whatever a client sends, the grammar answers with an <see cref="MlflowException"/> or a result, never another exception.</summary>
public class RobustnessTests
{
    private static readonly string[] Pieces =
    [
        "metrics.", "params.", "tags.", "attributes.", "run_id", "name", "status", "timestamp", "span.", "feedback.", "issue.", "a", "AND", "OR",
        "NOT", "IN", "IS", "NULL", "LIKE", "=", "!=", ">", "<=", "~", "(", ")", "[", "]", ",", ";", ".", "'", "\"", "`", "´", "\\", "$$", "$a$",
        "--", "/*", "*/", "# ", "::", ":=", "*", "?", "%s", "@x", "1", "-1.5e3", "0x1f", "12abc", "'a'", "('a', 'b')", "(1)", "(a)", "\\x41",
        "\\U00110000", "\\ud800", "r'", "b'", "f'", "'''", "é", "\u00a0", "\t", "\n", "\r", " ", "  ", "{", "}", "[1]", "None", "True",
    ];

    [Fact]
    public void RandomInputsOnlyRaiseMlflowExceptions()
    {
        var random = new Random(12345);
        for (var n = 0; n < 8000; n++)
        {
            var input = string.Concat(Enumerable.Range(0, random.Next(1, 10)).Select(_ => Pieces[random.Next(Pieces.Length)]));
            Action[] calls =
            [
                () => SearchFilter.ParseRuns(input), () => SearchFilter.ParseExperiments(input), () => SearchFilter.ParseRegisteredModels(input),
                () => SearchFilter.ParseModelVersions(input), () => SearchFilter.ParseTraces(input), () => SearchFilter.ParseLoggedModels(input),
                () => SearchFilter.ParseRunOrderBy(input), () => SearchFilter.ParseTraceOrderBy(input), () => SearchFilter.ParseRegisteredModelOrderBy(input),
                () => PageToken.Decode(input),
                () => PageToken.Decode(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(input))),
                () => LoggedModelPageToken.Decode(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(input))),
            ];
            foreach (var call in calls)
            {
                try
                {
                    call();
                }
                catch (MlflowException)
                {
                }
                catch (Exception e)
                {
                    Assert.Fail($"{e.GetType().Name} for {input}: {e.Message}");
                }
            }
        }
    }
}
