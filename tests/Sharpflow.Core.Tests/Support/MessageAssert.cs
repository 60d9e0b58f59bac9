using System.Text.RegularExpressions;
using Sharpflow.Core.Errors;

namespace Sharpflow.Core.Tests.Support;

/// <summary>
/// Assertions on MLflow error messages. Python prints sets in hash order, which changes from
/// process to process, so <c>{'a', 'b'}</c> and <c>{'b', 'a'}</c> must compare equal.
/// </summary>
public static partial class MessageAssert
{
    [GeneratedRegex(@"\{('(?:[^'\\]|\\.)*'(?:, '(?:[^'\\]|\\.)*')*)\}")]
    private static partial Regex PythonSet();

    [GeneratedRegex(@"'(?:[^'\\]|\\.)*'")]
    private static partial Regex PythonString();

    /// <summary>Rewrites every Python set of strings in <paramref name="message"/> with its items sorted.</summary>
    public static string SortSets(string message) =>
        PythonSet().Replace(message, m =>
            "{" + string.Join(", ", PythonString().Matches(m.Groups[1].Value).Select(x => x.Value).Order(StringComparer.Ordinal)) + "}");

    public static void Equal(string expected, string actual) => Assert.Equal(SortSets(expected), SortSets(actual));

    /// <summary>Runs <paramref name="action"/> and checks it fails with INVALID_PARAMETER_VALUE and the given message.</summary>
    public static MlflowException Throws(string expectedMessage, Action action, ErrorCode code = ErrorCode.INVALID_PARAMETER_VALUE)
    {
        var e = Assert.Throws<MlflowException>(action);
        Equal(expectedMessage, e.Message);
        Assert.Equal(code, e.Code);
        return e;
    }

    public static MlflowException Throws(string expectedMessage, Func<object?> action, ErrorCode code = ErrorCode.INVALID_PARAMETER_VALUE) =>
        Throws(expectedMessage, () => { action(); }, code);
}
