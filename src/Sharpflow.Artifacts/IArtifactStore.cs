namespace Sharpflow.Artifacts;

/// <summary>
/// One artifact store (a local folder now; GCS, S3 and Azure Blob to come), addressed by checked
/// <see cref="ArtifactPath"/>s relative to its root. Implementations derive from <see cref="ArtifactStore"/>, which
/// applies the rules every store shares; <c>Sharpflow.Artifacts.Tests</c> holds the contract suite each one must pass.
/// </summary>
public interface IArtifactStore
{
    /// <summary>The root as configured (a path or URI); MLflow prints it in download errors.</summary>
    string RootUri { get; }

    /// <summary>What is at <paramref name="path"/>: a file (with its size), a folder, or null when nothing is.</summary>
    Task<ArtifactEntry?> GetInfoAsync(ArtifactPath path, CancellationToken ct = default);

    /// <summary>The direct children of a folder, sorted by name (code point order); empty when it is not a folder.</summary>
    Task<IReadOnlyList<ArtifactEntry>> ListAsync(ArtifactPath folder, CancellationToken ct = default);

    /// <summary>Opens a file for streaming; null when there is no file there (nothing, or a folder).</summary>
    Task<ArtifactContent?> OpenReadAsync(ArtifactPath path, CancellationToken ct = default);

    /// <summary>
    /// Writes a file from a stream without holding it in memory, creating folders on the way and replacing an
    /// existing file; readers see the old or the new content, never a partial one. Returns the bytes written.
    /// </summary>
    Task<long> WriteAsync(ArtifactPath path, Stream content, CancellationToken ct = default);

    /// <summary>Deletes a file, or a folder with everything in it; nothing there is not an error. True if something was deleted.</summary>
    Task<bool> DeleteAsync(ArtifactPath path, CancellationToken ct = default);
}

/// <summary>A file or folder in a store; <see cref="Size"/> is null for folders.</summary>
public sealed record ArtifactEntry(string Name, bool IsDir, long? Size);

/// <summary>An open artifact: its content stream (seekable when the store allows ranges) and its length.</summary>
public sealed class ArtifactContent(Stream stream, long length, DateTimeOffset? lastModified) : IAsyncDisposable, IDisposable
{
    public Stream Stream { get; } = stream;

    public long Length { get; } = length;

    public DateTimeOffset? LastModified { get; } = lastModified;

    public ValueTask DisposeAsync() => Stream.DisposeAsync();

    public void Dispose() => Stream.Dispose();
}
