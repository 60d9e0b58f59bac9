using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Sharpflow.Server;

namespace Sharpflow.Http.Tests.Artifacts;

/// <summary>A SQLite-backed server whose artifact folders the test knows (and can plant files next to).</summary>
public sealed class ArtifactServer : IAsyncDisposable
{
    private ArtifactServer(TestServer server, string dir)
    {
        Server = server;
        Dir = dir;
    }

    public TestServer Server { get; }

    /// <summary>A folder for this test: the destination is artifacts/, the --no-serve-artifacts root mlruns/.</summary>
    public string Dir { get; }

    public string Destination => Path.Combine(Dir, "artifacts");

    public static async Task<ArtifactServer> StartAsync(Action<SharpflowOptions>? configure = null)
    {
        var dir = Path.Combine(Path.GetTempPath(), "sf-arthttp-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        var server = await TestServer.StartAsync($"sqlite:///{dir}/mlflow.db", o =>
        {
            o.ArtifactsDestination = Path.Combine(dir, "artifacts");
            o.DefaultArtifactRoot = null;
            configure?.Invoke(o);
            if (!o.ServeArtifacts && o.DefaultArtifactRoot is null) o.DefaultArtifactRoot = Path.Combine(dir, "mlruns");
        });
        return new ArtifactServer(server, dir);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Artifact calls as the MLflow client makes them.</summary>
public static class ArtifactApi
{
    public const string Proxy = "/api/2.0/mlflow-artifacts/artifacts";

    public static async Task<HttpResponseMessage> PutAsync(this TestServer s, string path, byte[] bytes, string contentType = "application/octet-stream")
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return await s.Client.PutAsync(path, content);
    }

    public static Task<HttpResponseMessage> PutTextAsync(this TestServer s, string path, string text) =>
        s.PutAsync(path, Encoding.UTF8.GetBytes(text), "text/plain");

    public static async Task<List<string>> ListProxyAsync(this TestServer s, string? path)
    {
        var (status, body) = await s.GetAsync(path is null ? Proxy : $"{Proxy}?path={Uri.EscapeDataString(path)}");
        Assert.Equal(200, status);
        return Files(body);
    }

    /// <summary>"name:size" for files and "name/" for folders, as a listing reads.</summary>
    public static List<string> Files(JsonNode? body) =>
        (body?["files"]?.AsArray() ?? []).Select(f =>
            f!["is_dir"]!.GetValue<bool>() ? f["path"]!.GetValue<string>() + "/" : $"{f["path"]!.GetValue<string>()}:{f["file_size"]!.GetValue<long>()}").ToList();
}
