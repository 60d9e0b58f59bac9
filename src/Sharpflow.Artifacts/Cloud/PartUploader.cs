using System.Buffers;

namespace Sharpflow.Artifacts.Cloud;

/// <summary>
/// Streams a body of unknown length to a store in parts: reads <see cref="ObjectArtifactStore.PartSize"/> bytes
/// at a time into pooled buffers and uploads up to <see cref="ObjectArtifactStore.UploadConcurrency"/> parts at
/// once, so memory is bounded by (concurrency + 1) parts whatever the file size, and the next part is read from
/// the client while earlier ones are in flight. A body that fits in one part is handed over whole instead, since
/// one request is cheaper and stores replace small objects atomically that way.
/// </summary>
public static class PartUploader
{
    private const int PartSize = ObjectArtifactStore.PartSize;
    private static readonly ArrayPool<byte> Buffers = ArrayPool<byte>.Create(PartSize, 4 * ObjectArtifactStore.UploadConcurrency);

    /// <summary>Uploads <paramref name="content"/>; returns the parts' results by part number, or null after a single upload.</summary>
    /// <param name="single">Uploads a body that fitted in one part (the memory is only valid during the call).</param>
    /// <param name="part">Uploads part n (from 1); the memory is only valid during the call.</param>
    /// <param name="maxParts">The store's limit on part numbers.</param>
    public static async Task<IReadOnlyList<T>?> UploadAsync<T>(Stream content, Func<ReadOnlyMemory<byte>, CancellationToken, Task> single,
        Func<int, ReadOnlyMemory<byte>, CancellationToken, Task<T>> part, int maxParts, CancellationToken ct)
    {
        var buffer = Buffers.Rent(PartSize);
        int length;
        try
        {
            length = await ReadPartAsync(content, buffer, ct).ConfigureAwait(false);
            if (length < PartSize)
            {
                await single(buffer.AsMemory(0, length), ct).ConfigureAwait(false);
                return null;
            }
        }
        catch
        {
            Buffers.Return(buffer);
            throw;
        }
        // Ownership of `buffer` passes to the part loop.
        return await UploadPartsAsync(content, buffer, length, part, maxParts, ct).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<T>> UploadPartsAsync<T>(Stream content, byte[] first, int firstLength,
        Func<int, ReadOnlyMemory<byte>, CancellationToken, Task<T>> part, int maxParts, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = new List<Task<(int, T)>>();
        var done = new List<(int Number, T Result)>();
        byte[]? buffer = first;
        var (length, number) = (firstLength, 1);
        try
        {
            while (true)
            {
                if (number > maxParts)
                    throw new IOException($"The upload is larger than the store allows in {maxParts} parts of {PartSize} bytes.");
                running.Add(RunPartAsync(number, buffer, length, part, cts.Token));
                buffer = null;
                if (length < PartSize) break; // a short part is the last one
                while (running.Count >= ObjectArtifactStore.UploadConcurrency)
                {
                    var finished = await Task.WhenAny(running).ConfigureAwait(false);
                    running.Remove(finished);
                    done.Add(await finished.ConfigureAwait(false));
                }
                buffer = Buffers.Rent(PartSize);
                length = await ReadPartAsync(content, buffer, cts.Token).ConfigureAwait(false);
                number++;
                if (length == 0) break; // the body ended exactly on a part boundary
            }
            done.AddRange(await Task.WhenAll(running).ConfigureAwait(false));
        }
        catch
        {
            // Stop the other parts before the caller aborts the upload; the first error is the one reported.
            await cts.CancelAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(running).ConfigureAwait(false);
            }
            catch
            {
                // already failing
            }
            throw;
        }
        finally
        {
            if (buffer is not null) Buffers.Return(buffer);
        }
        done.Sort((a, b) => a.Number.CompareTo(b.Number));
        return done.Select(d => d.Result).ToList();
    }

    private static async Task<(int, T)> RunPartAsync<T>(int number, byte[] buffer, int length,
        Func<int, ReadOnlyMemory<byte>, CancellationToken, Task<T>> part, CancellationToken ct)
    {
        try
        {
            return (number, await part(number, buffer.AsMemory(0, length), ct).ConfigureAwait(false));
        }
        finally
        {
            Buffers.Return(buffer);
        }
    }

    /// <summary>Fills the buffer from the stream; fewer bytes only at the end of the stream.</summary>
    private static async Task<int> ReadPartAsync(Stream content, byte[] buffer, CancellationToken ct)
    {
        var total = 0;
        while (total < PartSize)
        {
            var n = await content.ReadAsync(buffer.AsMemory(total, PartSize - total), ct).ConfigureAwait(false);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    /// <summary>A read-only stream over a part's memory, for SDKs that take streams.</summary>
    public static Stream AsStream(ReadOnlyMemory<byte> memory) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(memory, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(memory.ToArray(), writable: false);
}
