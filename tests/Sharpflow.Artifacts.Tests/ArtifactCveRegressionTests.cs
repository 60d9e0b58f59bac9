using System.Text;

namespace Sharpflow.Artifacts.Tests;

/// <summary>
/// Regression tests for MLflow's published artifact path-traversal CVEs, at the layer that must stop them: the path
/// check plus the store. Each attack targets a secret file next to (outside) the store's root. A store that joins the
/// client's path onto its root without these checks reads, overwrites or deletes the secret, and these tests fail.
/// </summary>
public sealed class ArtifactCveRegressionTests : IDisposable
{
    private const string Secret = "TOP SECRET";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sf-cve-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly LocalArtifactStore _store;

    public ArtifactCveRegressionTests()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "outside"));
        File.WriteAllText(Path.Combine(_dir, "outside", "secret.txt"), Secret);
        File.WriteAllText(Path.Combine(_dir, "mlflow.db"), Secret);
        Directory.CreateDirectory(Path.Combine(_dir, "root", "1", "run", "artifacts"));
        File.WriteAllText(Path.Combine(_dir, "root", "1", "run", "artifacts", "ok.txt"), "ok");
        _store = new LocalArtifactStore(Path.Combine(_dir, "root"));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private string Abs(string relativeToDir) => Path.Combine(_dir, relativeToDir);

    /// <summary>CVE-2023-1177: local file inclusion through artifact paths (plain "..", absolute paths, file: URIs).</summary>
    public static TheoryData<string> Cve_2023_1177() =>
    [
        "../mlflow.db", "../outside/secret.txt", "1/run/artifacts/../../../../outside/secret.txt", "..", "1/../../mlflow.db",
        "{abs}/outside/secret.txt", "//{abs}/outside/secret.txt", "file://{abs}/outside/secret.txt", "file:../outside/secret.txt",
        "./../outside/secret.txt", "1/run/artifacts/./../../../../mlflow.db",
    ];

    /// <summary>CVE-2023-2780 (bypass of the 1177 fix): percent-encoded and double-encoded traversal.</summary>
    public static TheoryData<string> Cve_2023_2780() =>
    [
        "%2e%2e/mlflow.db", "%2E%2E%2Foutside%2Fsecret.txt", "..%2foutside%2fsecret.txt", "%252e%252e/mlflow.db",
        "%25252e%25252e%25252foutside/secret.txt", ".%2e/mlflow.db", "%2e./mlflow.db", "1/%2e%2e%2f%2e%2e%2fmlflow.db",
        "%2F{abs}%2Foutside%2Fsecret.txt", "%252f{abs}/mlflow.db", "%0a../mlflow.db", "..%09/mlflow.db",
        "%252525252525252525252e%252525252525252525252e/mlflow.db",
    ];

    /// <summary>CVE-2023-6831 / CVE-2023-6909: traversal with backslashes (Windows separators), raw and encoded, e.g. in deletes.</summary>
    public static TheoryData<string> Cve_2023_6831() =>
    [
        "..\\mlflow.db", "..\\outside\\secret.txt", "1\\..\\..\\mlflow.db", "1/..%5c..%5cmlflow.db", "%2e%2e%5cmlflow.db",
        "1/run/artifacts/..\\..\\..\\..\\outside\\secret.txt", "C:\\outside\\secret.txt", "\\\\server\\share\\secret.txt",
    ];

    /// <summary>CVE-2024-1594 / CVE-2024-2928: traversal hidden behind a URI fragment ("#").</summary>
    public static TheoryData<string> Cve_2024_1594() =>
        ["#/../mlflow.db", "x#/../../outside/secret.txt", "1/run/artifacts#/../../../../mlflow.db", "%23/../mlflow.db"];

    /// <summary>NUL bytes truncating a name in a lower layer ("ok.txt\0.png").</summary>
    public static TheoryData<string> Nul_bytes() => ["1/run/artifacts/ok.txt\u0000.png", "1/run/artifacts/ok.txt%00", "..%00/mlflow.db"];

    [Theory]
    [MemberData(nameof(Cve_2023_1177))]
    [MemberData(nameof(Cve_2023_2780))]
    [MemberData(nameof(Cve_2023_6831))]
    [MemberData(nameof(Cve_2024_1594))]
    [MemberData(nameof(Nul_bytes))]
    public async Task An_attack_path_reads_writes_and_deletes_nothing_outside_the_root(string attack)
    {
        attack = attack.Replace("{abs}", _dir.TrimStart('/'));
        var path = ArtifactPath.TryParse(attack);
        if (path is not null)
        {
            // Accepted paths are harmless names inside the root; every operation stays there (or is refused).
            await Attempt(async () =>
            {
                await using var content = await _store.OpenReadAsync(path);
                if (content is not null)
                {
                    using var reader = new StreamReader(content.Stream);
                    Assert.NotEqual(Secret, await reader.ReadToEndAsync());
                }
            });
            await Attempt(async () => Assert.DoesNotContain(await _store.ListAsync(path), e => e.Name is "secret.txt" or "mlflow.db"));
            await Attempt(() => _store.WriteAsync(path, new MemoryStream(Encoding.ASCII.GetBytes("PWNED"))));
            await Attempt(() => _store.DeleteAsync(path));
        }
        AssertOutsideUntouched();
    }

    [Fact]
    public async Task Symbolic_links_out_of_the_root_are_refused()
    {
        Directory.CreateSymbolicLink(Abs("root/1/run/artifacts/escape"), Abs("outside"));
        File.CreateSymbolicLink(Abs("root/1/run/artifacts/db"), Abs("mlflow.db"));
        foreach (var attack in new[] { "1/run/artifacts/escape/secret.txt", "1/run/artifacts/db", "1/run/artifacts/escape" })
        {
            var path = ArtifactPath.Parse(attack);
            await Attempt(async () => Assert.Null(await _store.OpenReadAsync(path)));
            await Attempt(async () => Assert.Empty(await _store.ListAsync(path)));
            await Attempt(() => _store.WriteAsync(path.Join(ArtifactPath.Parse("planted.txt")), new MemoryStream("PWNED"u8.ToArray())));
        }
        await Attempt(() => _store.DeleteAsync(ArtifactPath.Parse("1/run/artifacts/escape/secret.txt")));
        AssertOutsideUntouched();
    }

    [Fact]
    public async Task The_legitimate_file_is_still_served()
    {
        await using var content = await _store.OpenReadAsync(ArtifactPath.Parse("1/run/artifacts/ok.txt"));
        Assert.NotNull(content);
        Assert.Equal(2, content.Length);
    }

    /// <summary>Runs an operation that may be refused with a 4xx MlflowException; anything else is a failure.</summary>
    private static async Task Attempt(Func<Task> operation)
    {
        try
        {
            await operation();
        }
        catch (Sharpflow.Core.Errors.MlflowException e) when (e.HttpStatus is >= 400 and < 500)
        {
        }
    }

    private void AssertOutsideUntouched()
    {
        Assert.Equal(Secret, File.ReadAllText(Abs("mlflow.db")));
        Assert.Equal(Secret, File.ReadAllText(Abs("outside/secret.txt")));
        Assert.Equal(["secret.txt"], Directory.GetFileSystemEntries(Abs("outside")).Select(f => Path.GetFileName(f)!).ToArray());
        var top = Directory.GetFileSystemEntries(_dir).Select(f => Path.GetFileName(f)!).Order().ToArray();
        Assert.Equal(["mlflow.db", "outside", "root"], top);
    }
}
