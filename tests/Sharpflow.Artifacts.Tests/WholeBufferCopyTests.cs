namespace Sharpflow.Artifacts.Tests;

public class WholeBufferCopyTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4096)]
    [InlineData(3 * 4096)]
    [InlineData(3 * 4096 + 17)]
    public async Task Copies_every_byte_in_writes_of_whole_buffers(int size)
    {
        var data = new byte[size];
        new Random(size).NextBytes(data);
        var target = new RecordingStream();
        await WholeBufferCopy.CopyAsync(new TrickleStream(data, 1000), target, 4096, CancellationToken.None);
        Assert.Equal(data, target.ToArray());
        // Every write but the last is a full buffer, however small the source's reads were.
        Assert.All(target.Writes.SkipLast(1), n => Assert.Equal(4096, n));
        Assert.Equal((size + 4095) / 4096, target.Writes.Count);
    }

    [Fact]
    public async Task A_failing_source_fails_the_copy_after_the_pending_write_finished()
    {
        var target = new RecordingStream { WriteDelay = TimeSpan.FromMilliseconds(50) };
        var source = new TrickleStream(new byte[10_000], 1000) { FailAfter = 6000 };
        var e = await Assert.ThrowsAsync<IOException>(() => WholeBufferCopy.CopyAsync(source, target, 4096, CancellationToken.None));
        Assert.Equal("source failed", e.Message);
        Assert.Equal(0, target.WritesInFlight);
        Assert.Equal([4096], target.Writes);
    }

    /// <summary>Returns at most <c>chunk</c> bytes per read, as a request body arriving over the network does.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : ReadOnlyForwardStream
    {
        private int _position;

        public int FailAfter { get; init; } = int.MaxValue;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            await Task.Yield();
            if (_position >= FailAfter) throw new IOException("source failed");
            var n = Math.Min(Math.Min(chunk, buffer.Length), data.Length - _position);
            data.AsMemory(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }
    }

    private sealed class RecordingStream : MemoryStream
    {
        public List<int> Writes { get; } = [];
        public TimeSpan WriteDelay { get; init; }
        public int WritesInFlight;

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
        {
            Interlocked.Increment(ref WritesInFlight);
            try
            {
                if (WriteDelay > TimeSpan.Zero) await Task.Delay(WriteDelay, ct);
                Writes.Add(buffer.Length);
                await base.WriteAsync(buffer, ct);
            }
            finally
            {
                Interlocked.Decrement(ref WritesInFlight);
            }
        }
    }
}
