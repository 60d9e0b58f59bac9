using System.Text;
using static Sharpflow.Http.Tests.Artifacts.ArtifactApi;

namespace Sharpflow.Http.Tests.Artifacts;

/// <summary>
/// Path traversal through every artifact route, sent byte for byte: MLflow's recorded attacks and its artifact CVEs
/// (CVE-2023-1177, CVE-2023-2780, CVE-2023-6831, CVE-2024-1594 classes). The server holds a secret next to the
/// artifact folder and mlflow.db next to that; no request may read, write or delete outside the artifact folder.
/// </summary>
public class ArtifactTraversalTests
{
    private const string Secret = "TOP SECRET";

    private static async Task<ArtifactServer> StartWithSecretsAsync()
    {
        var a = await ArtifactServer.StartAsync();
        await a.Server.PutTextAsync($"{Proxy}/1/r/artifacts/hello.txt", "hello");
        File.WriteAllText(Path.Combine(a.Dir, "secret.txt"), Secret);
        return a;
    }

    private static void AssertUntouched(ArtifactServer a)
    {
        Assert.Equal(Secret, File.ReadAllText(Path.Combine(a.Dir, "secret.txt")));
        Assert.True(new FileInfo(Path.Combine(a.Dir, "mlflow.db")).Length > 0);
        Assert.Equal(["artifacts", "mlflow.db", "secret.txt"],
            Directory.GetFileSystemEntries(a.Dir).Select(f => Path.GetFileName(f)!).Where(n => !n.StartsWith("mlflow.db-")).Order().ToArray());
    }

    public static TheoryData<string, int> ProxyAttacks() => new()
    {
        { "../secret.txt", 400 },
        { "../mlflow.db", 400 },
        { "1/r/artifacts/../../../../secret.txt", 400 },
        { "%2e%2e/secret.txt", 400 },
        { "1/%2e%2e%2f%2e%2e%2fsecret.txt", 400 },
        { "%252e%252e/secret.txt", 400 },
        { ".%2e/mlflow.db", 400 },
        { "..%2fsecret.txt", 400 },
        { "#/../../secret.txt", 400 }, // a raw "#" in the request line reaches the path check: "Invalid path"
        { "%23/../../secret.txt", 400 },
        { "file:..%2f..%2fsecret.txt", 400 },
        { "..\\..\\secret.txt", 404 },
        { "1/..%5c..%5csecret.txt", 404 },
        { "C:%5csecret.txt", 400 },
        { "%5c%5cserver%5cshare%5csecret.txt", 400 },
        { "1/r/artifacts/hello.txt%00.png", 400 }, // Kestrel refuses %00 in a path before any Sharpflow code runs
    };

    [Theory]
    [MemberData(nameof(ProxyAttacks))]
    public async Task Proxy_routes_refuse_traversal(string attack, int status)
    {
        await using var a = await StartWithSecretsAsync();
        var get = await RawHttp.SendAsync(a.Server, "GET", $"{Proxy}/{attack}");
        Assert.Equal(status, get.Status);
        Assert.DoesNotContain(Secret, get.Text);
        Assert.DoesNotContain("SQLite format", get.Text);
        var put = await RawHttp.SendAsync(a.Server, "PUT", $"{Proxy}/{attack}", Encoding.ASCII.GetBytes("PWNED"), "application/octet-stream");
        Assert.True(put.Status is 400 or 404, $"PUT {attack} answered {put.Status}");
        var delete = await RawHttp.SendAsync(a.Server, "DELETE", $"{Proxy}/{attack}");
        Assert.True(delete.Status is 400 or 404 or 200, $"DELETE {attack} answered {delete.Status}");
        AssertUntouched(a);
        Assert.Equal("hello", await a.Server.Client.GetStringAsync($"{Proxy}/1/r/artifacts/hello.txt"));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("1/../..")]
    [InlineData("/etc")]
    [InlineData("%2e%2e")]
    [InlineData("%252e%252e%252f")]
    [InlineData("file:///etc")]
    [InlineData("C:/Windows")]
    [InlineData("a#/../..")]
    public async Task Listing_refuses_traversal(string attack)
    {
        await using var a = await StartWithSecretsAsync();
        var res = await RawHttp.SendAsync(a.Server, "GET", $"{Proxy}?path={Uri.EscapeDataString(attack)}");
        Assert.Equal(400, res.Status);
        Assert.Contains("\"message\":\"Invalid path\"", res.Text);
    }

    [Theory]
    [InlineData("../../../mlflow.db")]
    [InlineData("../../../secret.txt")]
    [InlineData("%2e%2e/%2e%2e/%2e%2e/secret.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("file:///etc/passwd")]
    [InlineData("#/../../../secret.txt")]
    public async Task Run_routes_refuse_traversal(string attack)
    {
        await using var a = await StartWithSecretsAsync();
        var s = a.Server;
        var exp = await s.CreateExperimentAsync("t");
        var run = await s.CreateRunAsync(exp, "r", 1700000000000);
        var q = Uri.EscapeDataString(attack);
        foreach (var target in new[] { $"/get-artifact?path={q}&run_id={run}", $"/api/2.0/mlflow/artifacts/list?run_id={run}&path={q}" })
        {
            var res = await RawHttp.SendAsync(s, "GET", target);
            Assert.Equal(400, res.Status);
            Assert.Contains("\"message\":\"Invalid path\"", res.Text);
        }
        var upload = await RawHttp.SendAsync(s, "POST", $"/ajax-api/2.0/mlflow/upload-artifact?run_uuid={run}&path={q}", Encoding.ASCII.GetBytes("PWNED"));
        Assert.Equal(400, upload.Status);
        AssertUntouched(a);
    }

    [Fact]
    public async Task A_symbolic_link_out_of_the_destination_is_refused()
    {
        await using var a = await StartWithSecretsAsync();
        Directory.CreateSymbolicLink(Path.Combine(a.Destination, "1", "escape"), a.Dir);
        var res = await RawHttp.SendAsync(a.Server, "GET", $"{Proxy}/1/escape/secret.txt");
        Assert.Equal(400, res.Status);
        Assert.Contains("resolved path is outside the artifact directory", res.Text);
        res = await RawHttp.SendAsync(a.Server, "PUT", $"{Proxy}/1/escape/planted.txt", Encoding.ASCII.GetBytes("PWNED"));
        Assert.Equal(400, res.Status);
        Assert.Equal(["r/"], await a.Server.ListProxyAsync("1"));
        File.Delete(Path.Combine(a.Destination, "1", "escape"));
        AssertUntouched(a);
    }
}
