using Sharpflow.Store.Sql;

namespace Sharpflow.Store.Tracking;

/// <summary>
/// The tracking store: experiments, runs, metrics. Split into partial files by entity; every method is
/// one transaction and set-based SQL (no per-row round trips on the hot paths).
/// </summary>
public sealed partial class TrackingStore(SqlDatabase db, string defaultArtifactRoot)
{
    public const string DefaultExperimentId = "0";
    public const string DefaultExperimentName = "Default";

    public SqlDatabase Db { get; } = db;

    public string DefaultArtifactRoot { get; } = defaultArtifactRoot;

    internal static long NowMillis() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>MLflow's append_to_uri_path: join with exactly one slash.</summary>
    public static string AppendToUri(string root, params string[] parts)
    {
        var result = root;
        foreach (var part in parts)
        {
            if (result.EndsWith('/')) result += part.TrimStart('/');
            else result += "/" + part.TrimStart('/');
        }
        return result;
    }
}
