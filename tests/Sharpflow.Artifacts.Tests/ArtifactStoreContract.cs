using System.Security.Cryptography;
using System.Text;
using Sharpflow.Artifacts.Tests.Cloud;
using Sharpflow.Core.Errors;

namespace Sharpflow.Artifacts.Tests;

/// <summary>
/// What every artifact store must do, whatever it keeps files in. A new store (GCS, S3, Azure) subclasses this
/// with a factory for a fresh, empty store (an emulator bucket prefix) and passes the same tests as the local one.
/// </summary>
public abstract class ArtifactStoreContract : IAsyncLifetime
{
    protected IArtifactStore Store { get; private set; } = null!;

    /// <summary>A new store with nothing in it, used by one test.</summary>
    protected abstract Task<IArtifactStore> CreateEmptyStoreAsync();

    /// <summary>Removes what <see cref="CreateEmptyStoreAsync"/> made.</summary>
    protected abstract Task DeleteStoreAsync();

    public async Task InitializeAsync() => Store = await CreateEmptyStoreAsync();

    public Task DisposeAsync() => DeleteStoreAsync();

    protected static ArtifactPath P(string path) => ArtifactPath.Parse(path);

    protected Task<long> PutAsync(string path, string text) => PutAsync(path, Encoding.UTF8.GetBytes(text));

    protected Task<long> PutAsync(string path, byte[] bytes) => Store.WriteAsync(P(path), new MemoryStream(bytes));

    protected async Task<byte[]?> GetAsync(string path)
    {
        await using var content = await Store.OpenReadAsync(P(path));
        if (content is null) return null;
        using var ms = new MemoryStream();
        await content.Stream.CopyToAsync(ms);
        Assert.Equal(content.Length, ms.Length);
        return ms.ToArray();
    }

    protected async Task<string?> GetTextAsync(string path) => await GetAsync(path) is { } b ? Encoding.UTF8.GetString(b) : null;

    protected async Task<List<string>> ListAsync(string path) =>
        (await Store.ListAsync(P(path))).Select(e => e.IsDir ? e.Name + "/" : $"{e.Name}:{e.Size}").ToList();

    [StoreFact]
    public async Task An_empty_store_has_nothing()
    {
        Assert.Empty(await Store.ListAsync(ArtifactPath.Root));
        Assert.Empty(await ListAsync("1/run/artifacts"));
        Assert.Null(await Store.GetInfoAsync(P("x.txt")));
        Assert.Null(await Store.OpenReadAsync(P("x.txt")));
        Assert.False(await Store.DeleteAsync(P("x.txt")));
    }

    [StoreFact]
    public async Task A_written_file_reads_back_byte_for_byte()
    {
        var bytes = Enumerable.Range(0, 1000).Select(i => (byte)(i * 7)).ToArray();
        Assert.Equal(1000, await PutAsync("1/r/artifacts/d.bin", bytes));
        Assert.Equal(bytes, await GetAsync("1/r/artifacts/d.bin"));
        Assert.Equal(new ArtifactEntry("d.bin", false, 1000), await Store.GetInfoAsync(P("1/r/artifacts/d.bin")));
        Assert.Equal(new ArtifactEntry("artifacts", true, null), await Store.GetInfoAsync(P("1/r/artifacts")));
    }

    [StoreFact]
    public async Task Listing_shows_direct_children_with_sizes_sorted_by_name()
    {
        await PutAsync("1/r/artifacts/hello.txt", "hello artifact\n");
        await PutAsync("1/r/artifacts/bundle/b.csv", "x,y\n1,2\n");
        await PutAsync("1/r/artifacts/bundle/a.txt", "A\n");
        await PutAsync("1/r/artifacts/bundle/nested/c.json", "{\"c\": 3}\n");
        await PutAsync("1/r/artifacts/bundle/nested/deeper/d.bin", "\0\u0001\u0002binary");
        await PutAsync("1/r/artifacts/B.txt", "upper");

        Assert.Equal(["1/"], await ListAsync(""));
        Assert.Equal(["B.txt:5", "bundle/", "hello.txt:15"], await ListAsync("1/r/artifacts"));
        Assert.Equal(["a.txt:2", "b.csv:8", "nested/"], await ListAsync("1/r/artifacts/bundle"));
        Assert.Equal(["c.json:9", "deeper/"], await ListAsync("1/r/artifacts/bundle/nested"));
        Assert.Equal(["d.bin:9"], await ListAsync("1/r/artifacts/bundle/nested/deeper"));
        // The same folder named with MLflow's tolerated spellings.
        Assert.Equal(["a.txt:2", "b.csv:8", "nested/"], await ListAsync("./1/r//artifacts/bundle/"));
    }

    [StoreFact]
    public async Task Listing_a_file_or_a_missing_folder_is_empty()
    {
        await PutAsync("1/r/artifacts/hello.txt", "x");
        Assert.Empty(await ListAsync("1/r/artifacts/hello.txt"));
        Assert.Empty(await ListAsync("1/r/artifacts/does-not-exist"));
        Assert.Empty(await ListAsync("2"));
    }

    [StoreFact]
    public async Task Empty_files_are_files()
    {
        Assert.Equal(0, await PutAsync("e/empty.txt", []));
        Assert.Equal(["empty.txt:0"], await ListAsync("e"));
        Assert.Equal(Array.Empty<byte>(), await GetAsync("e/empty.txt"));
        Assert.Equal(new ArtifactEntry("empty.txt", false, 0), await Store.GetInfoAsync(P("e/empty.txt")));
    }

    [StoreFact]
    public async Task Unicode_and_odd_names_round_trip()
    {
        var names = new[] { "file with space é.txt", "中文.txt", "😀.bin", "ünïcødé dir/inner.txt", "a:b;c=d,e+f@g&h'i(j).txt", "...", "..a", "~tilde", "-dash" };
        foreach (var n in names) await PutAsync("u/" + n, n);
        foreach (var n in names) Assert.Equal(n, await GetTextAsync("u/" + n));
        var listed = (await Store.ListAsync(P("u"))).Select(e => e.Name).ToList();
        var expected = names.Select(n => n.Split('/')[0]).ToList();
        expected.Sort(ArtifactStore.CompareCodePoints);
        Assert.Equal(expected, listed);
        // Python's order is by code point: the emoji (U+1F600) sorts after the CJK characters.
        Assert.True(listed.IndexOf("😀.bin") > listed.IndexOf("中文.txt"));
    }

    [StoreFact]
    public async Task A_large_file_streams_in_and_out()
    {
        const long size = 24L * 1024 * 1024 + 123; // several parts for stores that upload in parts
        var written = await Store.WriteAsync(P("big/model.bin"), new PatternStream(size));
        Assert.Equal(size, written);
        Assert.Equal(new ArtifactEntry("model.bin", false, size), await Store.GetInfoAsync(P("big/model.bin")));

        await using var content = await Store.OpenReadAsync(P("big/model.bin"));
        Assert.NotNull(content);
        Assert.Equal(size, content.Length);
        using var sha = SHA256.Create();
        var expected = await sha.ComputeHashAsync(new PatternStream(size));
        using var sha2 = SHA256.Create();
        Assert.Equal(expected, await sha2.ComputeHashAsync(content.Stream));
    }

    [StoreFact]
    public async Task A_file_reads_from_any_offset()
    {
        var bytes = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 31 >> 3)).ToArray();
        await PutAsync("r/ranged.bin", bytes);
        await using var content = await Store.OpenReadAsync(P("r/ranged.bin"));
        Assert.NotNull(content);
        Assert.True(content.Stream.CanSeek, "ranged downloads need a seekable stream");
        foreach (var offset in new[] { 50_000, 10, 99_999, 0 })
        {
            content.Stream.Seek(offset, SeekOrigin.Begin);
            var buffer = new byte[Math.Min(1000, bytes.Length - offset)];
            await content.Stream.ReadExactlyAsync(buffer);
            Assert.Equal(bytes.AsSpan(offset, buffer.Length).ToArray(), buffer);
        }
    }

    [StoreFact]
    public async Task Writing_again_replaces_the_file()
    {
        await PutAsync("r/blob.bin", new byte[64]);
        await PutAsync("r/blob.bin", Encoding.ASCII.GetBytes("overwritten"));
        Assert.Equal("overwritten", await GetTextAsync("r/blob.bin"));
        Assert.Equal(["blob.bin:11"], await ListAsync("r"));
    }

    [StoreFact]
    public async Task A_failed_upload_leaves_the_previous_file()
    {
        await PutAsync("r/model.bin", "version 1");
        await Assert.ThrowsAnyAsync<IOException>(() => Store.WriteAsync(P("r/model.bin"), new FailingStream(3 * 1024 * 1024)));
        Assert.Equal("version 1", await GetTextAsync("r/model.bin"));
        Assert.Equal(["model.bin:9"], await ListAsync("r"));
    }

    [StoreFact]
    public async Task Deleting_a_file_removes_only_that_file()
    {
        await PutAsync("r/put.txt", "put via REST\n");
        await PutAsync("r/blob.bin", "x");
        Assert.True(await Store.DeleteAsync(P("r/blob.bin")));
        Assert.Equal(["put.txt:13"], await ListAsync("r"));
        Assert.False(await Store.DeleteAsync(P("r/never.bin")));
    }

    [StoreFact]
    public async Task Deleting_a_folder_removes_everything_in_it()
    {
        await PutAsync("1/r/artifacts/bundle/a.txt", "A");
        await PutAsync("1/r/artifacts/bundle/nested/deeper/d.bin", "D");
        await PutAsync("1/r/artifacts/keep.txt", "K");
        Assert.True(await Store.DeleteAsync(P("1/r/artifacts/bundle")));
        Assert.Equal(["keep.txt:1"], await ListAsync("1/r/artifacts"));
        Assert.Null(await Store.GetInfoAsync(P("1/r/artifacts/bundle/nested/deeper/d.bin")));
    }

    [StoreFact]
    public async Task The_root_is_never_deleted_or_written()
    {
        await PutAsync("a.txt", "x");
        var e = await Assert.ThrowsAsync<MlflowException>(() => Store.DeleteAsync(P(".")));
        Assert.Equal(400, e.HttpStatus);
        await Assert.ThrowsAsync<MlflowException>(() => Store.WriteAsync(ArtifactPath.Root, new MemoryStream([1])));
        Assert.Equal(["a.txt:1"], await ListAsync(""));
    }

    [StoreFact]
    public async Task A_folder_is_not_a_file()
    {
        await PutAsync("d/inner.txt", "x");
        Assert.Null(await Store.OpenReadAsync(P("d")));
        Assert.Equal(new ArtifactEntry("d", true, null), await Store.GetInfoAsync(P("d")));
        var e = await Assert.ThrowsAsync<MlflowException>(() => PutAsync("d", "over a folder"));
        Assert.Equal(400, e.HttpStatus);
        e = await Assert.ThrowsAsync<MlflowException>(() => PutAsync("d/inner.txt/below", "under a file"));
        Assert.Equal(400, e.HttpStatus);
        Assert.Equal("x", await GetTextAsync("d/inner.txt"));
    }

    [StoreFact]
    public async Task Names_that_cannot_exist_are_never_found_listed_written_or_deleted()
    {
        await PutAsync("1/a.txt", "x");
        foreach (var raw in new[] { "..\\..\\mlflow.db", "1\\a.txt", "1/a.txt\u0000.png", "1/%01a.txt" })
        {
            var p = P(raw);
            Assert.Null(await Store.OpenReadAsync(p));
            Assert.Null(await Store.GetInfoAsync(p));
            Assert.Empty(await Store.ListAsync(p));
            Assert.False(await Store.DeleteAsync(p));
            var e = await Assert.ThrowsAsync<MlflowException>(() => Store.WriteAsync(p, new MemoryStream([1])));
            Assert.Equal("Invalid path", e.Message);
        }
        Assert.Equal(["a.txt:1"], await ListAsync("1"));
    }

    [StoreFact]
    public async Task Concurrent_writers_and_readers_see_whole_files()
    {
        var a = Enumerable.Repeat((byte)'a', 2 * 1024 * 1024).ToArray();
        var b = Enumerable.Repeat((byte)'b', 3 * 1024 * 1024).ToArray();
        await PutAsync("c/f.bin", a);
        var tasks = new List<Task>();
        for (var i = 0; i < 8; i++)
        {
            var bytes = i % 2 == 0 ? a : b;
            tasks.Add(Task.Run(() => ConcurrentPutAsync("c/f.bin", bytes)));
            tasks.Add(Task.Run(async () =>
            {
                var got = await GetAsync("c/f.bin");
                Assert.NotNull(got);
                Assert.True(got.SequenceEqual(a) || got.SequenceEqual(b), "a reader saw a partial file");
            }));
        }
        await Task.WhenAll(tasks);
        Assert.Single(await ListAsync("c"));
    }

    /// <summary>A write racing other writes of the same file (an emulator that cannot take that may serialise them).</summary>
    protected virtual Task<long> ConcurrentPutAsync(string path, byte[] bytes) => PutAsync(path, bytes);

    /// <summary>A non-seekable stream of deterministic bytes, produced as it is read (no buffer of the whole size).</summary>
    protected sealed class PatternStream(long length) : Stream
    {
        private long _position;

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            for (var i = 0; i < n; i++) buffer[offset + i] = (byte)((_position + i) * 2654435761L >> 13);
            _position += n;
            return n;
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

    /// <summary>A client that goes away mid-upload: some bytes, then an I/O error (after <c>beforeFailing</c> runs).</summary>
    protected sealed class FailingStream(long failAfter, Action? beforeFailing = null) : Stream
    {
        private long _position;

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position >= failAfter)
            {
                beforeFailing?.Invoke();
                throw new IOException("connection reset");
            }
            var n = (int)Math.Min(count, failAfter - _position);
            Array.Fill(buffer, (byte)'z', offset, n);
            _position += n;
            return n;
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
}
