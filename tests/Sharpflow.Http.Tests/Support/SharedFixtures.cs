namespace Sharpflow.Http.Tests;

/// <summary>
/// The MLflow-made fixtures (X/shared/fixtures/mlflow-3.11 beside the clone X/main, also in CI): found by walking up
/// from the test assembly; SHARPFLOW_SHARED_DIR (the "shared" directory) overrides. The files are read-only there.
/// </summary>
public static class SharedFixtures
{
    public const string EnvVar = "SHARPFLOW_SHARED_DIR";
    private static readonly Lazy<string> LazyDir = new(Locate);

    public static string Dir => LazyDir.Value;

    public static string PathOf(string file)
    {
        var path = Path.Combine(Dir, file);
        return File.Exists(path) ? path : throw new FileNotFoundException($"Fixture {file} is missing from {Dir}.", path);
    }

    /// <summary>A writable copy of a fixture in <paramref name="directory"/>.</summary>
    public static string CopyTo(string file, string directory)
    {
        var target = Path.Combine(directory, Path.GetFileName(file));
        File.Copy(PathOf(file), target, overwrite: true);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        return target;
    }

    private static string Locate()
    {
        var fixtures = Path.Combine("fixtures", "mlflow-3.11");
        if (Environment.GetEnvironmentVariable(EnvVar) is { Length: > 0 } overridden)
        {
            var dir = Path.GetFullPath(Path.Combine(overridden, fixtures));
            return Directory.Exists(dir) ? dir : throw new DirectoryNotFoundException($"{EnvVar}={overridden}, but {dir} does not exist.");
        }
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "shared", fixtures);
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException($"No shared/{fixtures} in any parent of {AppContext.BaseDirectory}; put the shared directory beside the repository or set {EnvVar}.");
    }
}

/// <summary>A scratch directory removed on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sharpflow-tests-" + Guid.NewGuid().ToString("N")[..12]);

    public TempDir() => Directory.CreateDirectory(Path);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
