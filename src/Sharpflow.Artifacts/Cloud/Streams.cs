using System.IO.Hashing;

namespace Sharpflow.Artifacts.Cloud;

/// <summary>
/// A read-only wrapper over an upload's source that counts the bytes read and remembers the first error the
/// source itself raised, so the store can tell a client that went away from a failing store (SDKs wrap both).
/// </summary>
public sealed class CountingReadStream(Stream inner) : ReadOnlyForwardStream
{
    public long BytesRead { get; private set; }

    /// <summary>The exception the source threw, if it did.</summary>
    public Exception? Failure { get; private set; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        int n;
        try
        {
            n = await inner.ReadAsync(buffer, ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Failure ??= e;
            throw;
        }
        BytesRead += n;
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        int n;
        try
        {
            n = inner.Read(buffer, offset, count);
        }
        catch (Exception e)
        {
            Failure ??= e;
            throw;
        }
        BytesRead += n;
        return n;
    }

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
}

/// <summary>
/// A seekable view of a remote object whose bytes are fetched by ranged GETs: it starts on the response that
/// opened the object (so a whole download is one request) and re-opens at the new offset only after a seek.
/// ASP.NET's range processing seeks and then reads, so HTTP Range requests become store range reads and the
/// object is never buffered.
/// </summary>
public sealed class RangedReadStream : Stream
{
    private readonly Func<long, CancellationToken, Task<Stream>> _openAt;
    private Stream? _current;
    private long _position;

    /// <param name="first">The body of a GET from offset 0 (or null to open lazily).</param>
    /// <param name="length">The object's size.</param>
    /// <param name="openAt">Opens the object's bytes from an offset to its end.</param>
    public RangedReadStream(Stream? first, long length, Func<long, CancellationToken, Task<Stream>> openAt)
    {
        _current = first;
        Length = length;
        _openAt = openAt;
    }

    public override long Length { get; }

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (_position >= Length || buffer.Length == 0) return 0;
        _current ??= await _openAt(_position, ct).ConfigureAwait(false);
        var max = (int)Math.Min(buffer.Length, Length - _position);
        var n = await _current.ReadAsync(buffer[..max], ct).ConfigureAwait(false);
        if (n == 0) throw new IOException($"The store ended the object after {_position} of {Length} bytes.");
        _position += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => Length + offset,
        };
        if (target < 0) throw new IOException("Seek before the start of the object.");
        if (target != _position)
        {
            _current?.Dispose();
            _current = null;
            _position = target;
        }
        return _position;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _current?.Dispose();
        _current = null;
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_current is not null) await _current.DisposeAsync().ConfigureAwait(false);
        _current = null;
        await base.DisposeAsync().ConfigureAwait(false);
    }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>
/// A read-only pass-through that feeds every byte read into a hash, for stores that check an upload's checksum
/// against the one the store computed (the bytes are hashed once, as they go by, never re-read).
/// </summary>
public sealed class HashingReadStream(Stream inner, NonCryptographicHashAlgorithm hash) : ReadOnlyForwardStream
{
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        var n = await inner.ReadAsync(buffer, ct).ConfigureAwait(false);
        hash.Append(buffer.Span[..n]);
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        hash.Append(buffer[..n]);
        return n;
    }

}
