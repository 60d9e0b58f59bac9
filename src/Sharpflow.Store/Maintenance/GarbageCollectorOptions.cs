using System.Globalization;
using System.Text.RegularExpressions;
using Sharpflow.Core.Errors;

namespace Sharpflow.Store.Maintenance;

/// <summary>What `sharpflow gc` is asked to remove: the flags of `mlflow gc`, parsed.</summary>
public sealed record GarbageCollectorOptions
{
    /// <summary>--older-than as typed (MLflow repeats it in its errors); null or empty when not given.</summary>
    public string? OlderThan { get; init; }

    /// <summary>Explicit ids (comma-separated on the command line); null means "every deleted one".</summary>
    public IReadOnlyList<string>? RunIds { get; init; }

    public IReadOnlyList<string>? ExperimentIds { get; init; }

    public IReadOnlyList<string>? LoggedModelIds { get; init; }

    /// <summary>--jobs: remove finalized jobs too (all of them unless --older-than / --job-ids narrow it).</summary>
    public bool Jobs { get; init; }

    public IReadOnlyList<string>? JobIds { get; init; }

    /// <summary>--all-workspaces: explicit ids that do not exist are skipped instead of failing, as MLflow does then.</summary>
    public bool IgnoreNotFound { get; init; }

    /// <summary>Rows removed per statement (and per transaction); null takes the database's <c>ISqlDialect.DeleteChunkRows</c>.</summary>
    public int? ChunkSize { get; init; }

    /// <summary>Splits a comma-separated flag the way MLflow does (str.split(","), no trimming); empty means not given.</summary>
    public static IReadOnlyList<string>? SplitIds(string? value) => string.IsNullOrEmpty(value) ? null : value.Split(',');

    // MLflow's #d#h#m#s grammar: every part optional, in this order, each a run of digits and dots.
    private static readonly Regex Duration = new(@"^(?:(?<d>[.\d]+?)d)?(?:(?<h>[.\d]+?)h)?(?:(?<m>[.\d]+?)m)?(?:(?<s>[.\d]+?)s)?$", RegexOptions.CultureInvariant);

    /// <summary>--older-than in milliseconds (0 when not given), as MLflow's int(timedelta(...).total_seconds() * 1000).</summary>
    public long OlderThanMillis()
    {
        if (string.IsNullOrEmpty(OlderThan)) return 0;
        var match = Duration.Match(OlderThan);
        if (!match.Success) throw Unparsable(OlderThan);
        double seconds = 0;
        foreach (var (group, unit) in new[] { ("d", 86400.0), ("h", 3600.0), ("m", 60.0), ("s", 1.0) })
        {
            var text = match.Groups[group].Value;
            if (text.Length == 0) continue;
            // Python's float() accepts "1.5" and ".5" and "5." but not "1.2.3"; so does this.
            if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)) throw Unparsable(OlderThan);
            seconds += value * unit;
        }
        // timedelta keeps whole microseconds (rounded half to even), then MLflow truncates total_seconds() * 1000.
        return (long)Math.Round(seconds * 1e6, MidpointRounding.ToEven) / 1000;
    }

    private static MlflowException Unparsable(string text) => MlflowException.InvalidParameter(
        $"Could not parse any time information from '{text}'. Examples of valid strings: '8h', '2d8h5m20s', '2m4s'");
}

/// <summary>Removes the artifacts under an artifact URI (a run's artifact_uri, a logged model's artifact_location).</summary>
public interface IGcArtifactDeleter
{
    /// <summary>
    /// Deletes everything under <paramref name="artifactUri"/>. Throws <see cref="UnresolvableArtifactUriException"/>
    /// for a URI no store can be found for: gc warns and goes on, as MLflow does for an unresolvable URL.
    /// </summary>
    Task DeleteAsync(string artifactUri, CancellationToken ct);
}

public sealed class UnresolvableArtifactUriException(string message) : Exception(message);
