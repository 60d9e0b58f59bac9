using Sharpflow.Artifacts;
using Sharpflow.Core.Errors;

namespace Sharpflow.Server.Features.Artifacts;

/// <summary>
/// A request body read as a stream with a size limit, checked to be non-empty first (MLflow's UI upload refuses
/// an empty body and anything over 10 MB; it reads the whole body into memory, this streams it).
/// </summary>
public sealed class LimitedBody : ReadOnlyForwardStream
{
    private readonly Stream _inner;
    private readonly long _limit;
    private readonly Func<MlflowException> _tooLarge;
    private readonly byte[] _first;
    private int _firstOffset;
    private long _total;

    private LimitedBody(Stream inner, long limit, Func<MlflowException> tooLarge, byte[] first, int firstLength)
    {
        _inner = inner;
        _limit = limit;
        _tooLarge = tooLarge;
        _first = first[..firstLength];
        _total = firstLength;
    }

    /// <summary>The body as a limited stream, or null when it is empty.</summary>
    public static async Task<Stream?> OpenAsync(Stream body, long limit, Func<MlflowException> tooLarge, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        var n = await body.ReadAsync(buffer, ct).ConfigureAwait(false);
        if (n == 0) return null;
        if (n > limit) throw tooLarge();
        return new LimitedBody(body, limit, tooLarge, buffer, n);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (_firstOffset < _first.Length)
        {
            var n = Math.Min(buffer.Length, _first.Length - _firstOffset);
            _first.AsMemory(_firstOffset, n).CopyTo(buffer);
            _firstOffset += n;
            return n;
        }
        var read = await _inner.ReadAsync(buffer, ct).ConfigureAwait(false);
        _total += read;
        if (_total > _limit) throw _tooLarge();
        return read;
    }
}
