using System.Text;
using Sharpflow.Core.Errors;

namespace Sharpflow.Artifacts.Tests;

/// <summary>The store contract on a local folder, plus what only a file system has: symbolic links.</summary>
public class LocalArtifactStoreTests : ArtifactStoreContract
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sf-art-" + Guid.NewGuid().ToString("N")[..12]);

    private string Root => Path.Combine(_dir, "root");

    private string Outside => Path.Combine(_dir, "outside");

    protected override Task<IArtifactStore> CreateEmptyStoreAsync()
    {
        Directory.CreateDirectory(Outside);
        File.WriteAllText(Path.Combine(Outside, "secret.txt"), "TOP SECRET");
        // The root folder does not exist yet: the first write creates it, as MLflow's mkdir does.
        return Task.FromResult<IArtifactStore>(new LocalArtifactStore(Root));
    }

    protected override Task DeleteStoreAsync()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Files_land_under_the_root_folder()
    {
        await PutAsync("1/r/artifacts/docs/hello.txt", "hello");
        Assert.Equal("hello", File.ReadAllText(Path.Combine(Root, "1", "r", "artifacts", "docs", "hello.txt")));
        Assert.Equal(Root, ((LocalArtifactStore)Store).RootFolder);
    }

    [Fact]
    public async Task A_link_out_of_the_root_is_refused_for_every_operation()
    {
        Directory.CreateDirectory(Path.Combine(Root, "1"));
        Directory.CreateSymbolicLink(Path.Combine(Root, "1", "escape"), Outside);
        File.CreateSymbolicLink(Path.Combine(Root, "1", "secret-link.txt"), Path.Combine(Outside, "secret.txt"));
        Directory.CreateSymbolicLink(Path.Combine(Root, "1", "relative"), "../../outside");

        foreach (var path in new[] { "1/escape/secret.txt", "1/secret-link.txt", "1/relative/secret.txt" })
        {
            var e = await Assert.ThrowsAsync<MlflowException>(() => Store.OpenReadAsync(P(path)));
            Assert.Equal("Invalid path: resolved path is outside the artifact directory", e.Message);
            Assert.Equal(400, e.HttpStatus);
        }
        await Assert.ThrowsAsync<MlflowException>(() => Store.ListAsync(P("1/escape")));
        await Assert.ThrowsAsync<MlflowException>(() => PutAsync("1/escape/planted.txt", "x"));
        await Assert.ThrowsAsync<MlflowException>(() => Store.DeleteAsync(P("1/escape/secret.txt")));
        await Assert.ThrowsAsync<MlflowException>(() => PutAsync("1/secret-link.txt", "overwrite through the link"));

        Assert.Equal(["secret.txt"], Directory.GetFileSystemEntries(Outside).Select(Path.GetFileName));
        Assert.Equal("TOP SECRET", File.ReadAllText(Path.Combine(Outside, "secret.txt")));
        // Listing the folder leaves out links that lead out of the root.
        Assert.Empty(await ListAsync("1"));
    }

    [Fact]
    public async Task Deleting_a_link_removes_the_link_not_its_target()
    {
        Directory.CreateDirectory(Path.Combine(Root, "1", "sub"));
        Directory.CreateSymbolicLink(Path.Combine(Root, "1", "escape"), Outside);
        Directory.CreateSymbolicLink(Path.Combine(Root, "1", "sub", "escape"), Outside);
        Assert.True(await Store.DeleteAsync(P("1/escape")));
        Assert.True(await Store.DeleteAsync(P("1")));
        Assert.False(Directory.Exists(Path.Combine(Root, "1")));
        Assert.Equal("TOP SECRET", File.ReadAllText(Path.Combine(Outside, "secret.txt")));
    }

    [Fact]
    public async Task Links_that_stay_inside_the_root_work()
    {
        await PutAsync("data/v1/model.bin", "weights");
        Directory.CreateSymbolicLink(Path.Combine(Root, "latest"), Path.Combine(Root, "data", "v1"));
        File.CreateSymbolicLink(Path.Combine(Root, "data", "alias.bin"), "v1/model.bin");
        Assert.Equal("weights", await GetTextAsync("latest/model.bin"));
        Assert.Equal("weights", await GetTextAsync("data/alias.bin"));
        Assert.Equal(["alias.bin:7", "v1/"], await ListAsync("data"));
        Assert.Equal(["model.bin:7"], await ListAsync("latest"));
    }

    [Fact]
    public async Task A_root_behind_a_link_is_followed()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "real-root"));
        Directory.CreateSymbolicLink(Path.Combine(_dir, "link-root"), Path.Combine(_dir, "real-root"));
        var store = new LocalArtifactStore(Path.Combine(_dir, "link-root"));
        await store.WriteAsync(P("a/b.txt"), new MemoryStream("x"u8.ToArray()));
        Assert.True(File.Exists(Path.Combine(_dir, "real-root", "a", "b.txt")));
        Assert.NotNull(await store.OpenReadAsync(P("a/b.txt")));
    }

    [Fact]
    public async Task Uploads_in_flight_are_invisible()
    {
        await PutAsync("u/done.txt", "x");
        var temp = Path.Combine(Root, "u", $".sharpflow-upload-{Guid.NewGuid():N}.tmp");
        File.WriteAllText(temp, "partial");
        Assert.Equal(["done.txt:1"], await ListAsync("u"));
        Assert.Null(await Store.OpenReadAsync(P("u/" + Path.GetFileName(temp))));
        await Assert.ThrowsAsync<MlflowException>(() => PutAsync("u/" + Path.GetFileName(temp), "x"));
    }

    [Fact]
    public async Task A_failed_or_cancelled_upload_leaves_no_temporary_file_and_no_new_folder()
    {
        await PutAsync("kept/old.txt", "x");
        await Assert.ThrowsAnyAsync<IOException>(() => Store.WriteAsync(P("kept/new/deeper/model.bin"), new FailingStream(3 * 1024 * 1024)));
        using var cts = new CancellationTokenSource();
        var slow = new CancellingStream(cts, 2 * 1024 * 1024);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.WriteAsync(P("fresh/a/b.bin"), slow, cts.Token));
        // A file where a folder would go: refused, and the folder made for it on the way is gone too.
        await Assert.ThrowsAsync<MlflowException>(() => PutAsync("kept/old.txt/under.txt", "x"));

        Assert.Equal(["kept/old.txt"], Directory.EnumerateFileSystemEntries(Root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(p => Path.GetRelativePath(Root, p)).Where(p => p != "kept").Order().ToList());
    }

    [Fact]
    public async Task A_folder_another_upload_wrote_into_stays_when_one_upload_fails()
    {
        await Assert.ThrowsAnyAsync<IOException>(() => Store.WriteAsync(P("shared/x.bin"), new FailingStream(1024, () => File.WriteAllText(Path.Combine(Root, "shared", "y.txt"), "y"))));
        Assert.Equal(["y.txt:1"], await ListAsync("shared"));
    }

    [Fact]
    public async Task Stale_upload_temporaries_are_swept_fresh_ones_and_other_files_kept()
    {
        await PutAsync("1/r/artifacts/model.bin", "model");
        string Temp(string folder)
        {
            Directory.CreateDirectory(folder);
            var path = Path.Combine(folder, $".sharpflow-upload-{Guid.NewGuid():N}.tmp");
            File.WriteAllText(path, "partial");
            return path;
        }
        var old = DateTime.UtcNow.AddHours(-2);
        var stale = new[] { Temp(Root), Temp(Path.Combine(Root, "1", "r", "artifacts", "deep")) };
        foreach (var f in stale) File.SetLastWriteTimeUtc(f, old);
        var fresh = Temp(Path.Combine(Root, "1", "r"));
        var lookalike = Path.Combine(Root, "1", ".sharpflow-upload-mine.tmp");
        File.WriteAllText(lookalike, "a user's file");
        File.SetLastWriteTimeUtc(lookalike, old);
        // Behind a link (here: out of the root) nothing is touched.
        var outsideTemp = Temp(Path.Combine(Outside, "elsewhere"));
        File.SetLastWriteTimeUtc(outsideTemp, old);
        Directory.CreateSymbolicLink(Path.Combine(Root, "1", "link"), Path.Combine(Outside, "elsewhere"));

        Assert.Equal(2, ((IStaleUploadSweeper)Store).RemoveStaleUploads(TimeSpan.FromHours(1)));
        Assert.All(stale, f => Assert.False(File.Exists(f)));
        Assert.True(File.Exists(fresh));
        Assert.True(File.Exists(lookalike));
        Assert.True(File.Exists(outsideTemp));
        Assert.Equal("model", await GetTextAsync("1/r/artifacts/model.bin"));
        Assert.Equal(0, new LocalArtifactStore(Path.Combine(_dir, "never-written")).RemoveStaleUploads(TimeSpan.Zero));
    }

    /// <summary>Some bytes, then cancels the upload's token (a request aborted by the client or the server).</summary>
    private sealed class CancellingStream(CancellationTokenSource cts, long cancelAfter) : Stream
    {
        private long _position;

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position >= cancelAfter)
            {
                cts.Cancel();
                cts.Token.ThrowIfCancellationRequested();
            }
            var n = (int)Math.Min(count, cancelAfter - _position);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            ct.ThrowIfCancellationRequested();
            var n = (int)Math.Min(buffer.Length, Math.Max(0, cancelAfter - _position));
            if (n == 0)
            {
                cts.Cancel();
                ct.ThrowIfCancellationRequested();
            }
            _position += n;
            return ValueTask.FromResult(n);
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public void RealPath_follows_links_component_by_component()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "a", "b"));
        Directory.CreateSymbolicLink(Path.Combine(_dir, "l1"), Path.Combine(_dir, "a"));
        Directory.CreateSymbolicLink(Path.Combine(_dir, "a", "up"), "..");
        var real = LocalArtifactStore.RealPath(_dir);
        Assert.Equal(Path.Combine(real, "a", "b"), LocalArtifactStore.RealPath(Path.Combine(_dir, "l1", "b")));
        Assert.Equal(Path.Combine(real, "outside"), LocalArtifactStore.RealPath(Path.Combine(_dir, "l1", "up", "outside")));
        Assert.Equal(Path.Combine(real, "missing", "x"), LocalArtifactStore.RealPath(Path.Combine(_dir, "missing", "x")));
    }

    [Fact]
    public void Link_loops_end_in_an_error()
    {
        Directory.CreateDirectory(_dir);
        File.CreateSymbolicLink(Path.Combine(_dir, "loop1"), Path.Combine(_dir, "loop2"));
        File.CreateSymbolicLink(Path.Combine(_dir, "loop2"), Path.Combine(_dir, "loop1"));
        Assert.Throws<IOException>(() => LocalArtifactStore.RealPath(Path.Combine(_dir, "loop1", "x")));
    }

    [Fact]
    public async Task Bytes_are_not_reencoded()
    {
        var bytes = Encoding.Latin1.GetBytes("\u00e9\u00ff\r\n\u0000");
        await PutAsync("b.bin", bytes);
        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(Root, "b.bin")));
    }
}
