namespace Sharpflow.Store.Tracking;

/// <summary>Readable random run names ("adjective-noun-123"), the shape MLflow gives unnamed runs.</summary>
internal static class RunNames
{
    private static readonly string[] Adjectives =
    [
        "amber", "bold", "brave", "bright", "calm", "clever", "crisp", "eager", "fast", "gentle", "golden", "happy",
        "keen", "lively", "lucky", "merry", "nimble", "proud", "quiet", "rapid", "silent", "sleek", "smooth", "sunny",
        "swift", "tidy", "vivid", "warm", "wise", "zesty",
    ];

    private static readonly string[] Nouns =
    [
        "badger", "bear", "comet", "crane", "dolphin", "eagle", "falcon", "finch", "fox", "gecko", "hawk", "heron",
        "ibis", "koala", "lark", "lynx", "meteor", "moth", "newt", "otter", "owl", "panda", "quail", "raven", "robin",
        "seal", "sparrow", "tiger", "whale", "wren",
    ];

    public static string Generate() =>
        $"{Adjectives[Random.Shared.Next(Adjectives.Length)]}-{Nouns[Random.Shared.Next(Nouns.Length)]}-{Random.Shared.Next(1000)}";
}
