namespace Sharpflow.Store.Tests;

/// <summary>
/// Locates the MLflow-made fixtures. They live outside the repository (X/shared next to
/// the clone X/main, also in CI), so walk up from the test assembly until a directory
/// has shared/fixtures/mlflow-3.11; SHARPFLOW_SHARED_DIR (the "shared" directory) overrides.
/// </summary>
internal static class SharedFixtures
{
    public const string EnvVar = "SHARPFLOW_SHARED_DIR";
    public const string Version = "mlflow-3.11";

    private static readonly Lazy<string> LazyDir = new(Locate);

    public static string Dir => LazyDir.Value;

    public static string PathOf(string file)
    {
        var path = Path.Combine(Dir, file);
        if (!File.Exists(path)) throw new FileNotFoundException($"Fixture {file} is missing from {Dir}.", path);
        return path;
    }

    public static string Read(string file) => File.ReadAllText(PathOf(file));

    private static string Locate()
    {
        var fixtures = Path.Combine("fixtures", Version);
        var overridden = Environment.GetEnvironmentVariable(EnvVar);
        if (!string.IsNullOrWhiteSpace(overridden))
        {
            var dir = Path.GetFullPath(Path.Combine(overridden, fixtures));
            return Directory.Exists(dir)
                ? dir
                : throw new DirectoryNotFoundException($"{EnvVar}={overridden}, but {dir} does not exist.");
        }

        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "shared", fixtures);
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException(
            $"No shared/{fixtures.Replace('\\', '/')} found in any parent of {AppContext.BaseDirectory}; " +
            $"put the shared directory beside the repository or set {EnvVar}.");
    }
}

/// <summary>A scratch directory removed on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sharpflow-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* best effort: a leftover temp dir is harmless */ }
        catch (UnauthorizedAccessException) { }
    }
}
