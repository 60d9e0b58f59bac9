using System.Buffers;

namespace Sharpflow.Artifacts;

/// <summary>
/// Copies a stream in writes of whole buffers, reading the next buffer while the previous one is written.
/// <see cref="Stream.CopyToAsync(Stream, int, CancellationToken)"/> writes whatever each read returned, and a request
/// body read as fast as it arrives returns a few KiB at a time: a 512 MiB upload became ~96,000 small file writes.
/// </summary>
public static class WholeBufferCopy
{
    public static async Task CopyAsync(Stream source, Stream destination, int bufferSize, CancellationToken ct)
    {
        var filling = ArrayPool<byte>.Shared.Rent(bufferSize);
        var writing = ArrayPool<byte>.Shared.Rent(bufferSize);
        var pending = Task.CompletedTask;
        try
        {
            while (true)
            {
                var n = await source.ReadAtLeastAsync(filling.AsMemory(0, bufferSize), bufferSize, throwOnEndOfStream: false, ct)
                    .ConfigureAwait(false);
                await pending.ConfigureAwait(false);
                if (n == 0) break;
                pending = destination.WriteAsync(filling.AsMemory(0, n), ct).AsTask();
                (filling, writing) = (writing, filling);
                if (n < bufferSize) break; // the source ended inside this buffer
            }
            await pending.ConfigureAwait(false);
        }
        catch
        {
            // The buffers go back to the pool only once no write is still using one.
            try
            {
                await pending.ConfigureAwait(false);
            }
            catch
            {
                // already failing
            }
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(filling);
            ArrayPool<byte>.Shared.Return(writing);
        }
    }
}
