using System.Net.Sockets;
using System.Text;

namespace Sharpflow.Http.Tests.Artifacts;

/// <summary>
/// Uploads that never finish leave nothing in a local destination: a client that drops the connection mid-body
/// leaves no temporary file and no folder, and temporaries a killed server left behind are swept at the next start.
/// </summary>
public class UnfinishedUploadTests
{
    [Fact]
    public async Task A_client_that_disconnects_mid_upload_leaves_nothing_behind()
    {
        await using var a = await ArtifactServer.StartAsync();
        var s = a.Server;
        Assert.Equal(200, (int)(await s.PutTextAsync($"{ArtifactApi.Proxy}/1/r/artifacts/kept.txt", "kept")).StatusCode);
        var baseUri = s.Client.BaseAddress!;
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(baseUri.Host, baseUri.Port);
            var stream = tcp.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"PUT {ArtifactApi.Proxy}/1/r/artifacts/new/folder/model.bin HTTP/1.1\r\nHost: {baseUri.Authority}\r\nContent-Length: {64L * 1024 * 1024}\r\n\r\n"));
            await stream.WriteAsync(new byte[4 * 1024 * 1024]); // a sixteenth of what was announced, then gone
            await stream.FlushAsync();
            await WaitUntilAsync(() => Directory.Exists(Path.Combine(a.Destination, "1", "r", "artifacts", "new", "folder")));
        }
        await WaitUntilAsync(() => !Directory.Exists(Path.Combine(a.Destination, "1", "r", "artifacts", "new")));
        Assert.Equal(["kept.txt"], Directory.EnumerateFileSystemEntries(Path.Combine(a.Destination, "1", "r", "artifacts"), "*",
            new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }).Select(Path.GetFileName).ToList());
    }

    [Fact]
    public async Task Temporaries_a_dead_server_left_are_swept_at_start()
    {
        var dir = Path.Combine(Path.GetTempPath(), "sf-sweep-" + Guid.NewGuid().ToString("N")[..12]);
        var folder = Path.Combine(dir, "artifacts", "1", "r", "artifacts");
        Directory.CreateDirectory(folder);
        var stale = Path.Combine(folder, $".sharpflow-upload-{Guid.NewGuid():N}.tmp");
        var live = Path.Combine(folder, $".sharpflow-upload-{Guid.NewGuid():N}.tmp");
        File.WriteAllText(stale, "half a model");
        File.WriteAllText(live, "an upload still being written by another process");
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-3));
        try
        {
            await using var s = await TestServer.StartAsync($"sqlite:///{dir}/mlflow.db", o =>
            {
                o.ArtifactsDestination = Path.Combine(dir, "artifacts");
                o.DefaultArtifactRoot = null;
            });
            await WaitUntilAsync(() => !File.Exists(stale));
            Assert.True(File.Exists(live));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++) await Task.Delay(25);
        Assert.True(condition(), "timed out waiting");
    }
}
