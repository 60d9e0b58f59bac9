using Sharpflow.Core.Errors;

namespace Sharpflow.Artifacts;

/// <summary>
/// Base of every store: applies the rules all stores share before the store-specific part runs. Names that
/// cannot exist (<see cref="ArtifactPath.CanExist"/>) are never looked up: not found, empty, nothing to delete, and
/// writes refused. The root itself is neither written nor deleted. Listings come back sorted by name.
/// </summary>
public abstract class ArtifactStore(string rootUri) : IArtifactStore
{
    public string RootUri { get; } = rootUri;

    public Task<ArtifactEntry?> GetInfoAsync(ArtifactPath path, CancellationToken ct = default) =>
        path.CanExist ? GetInfoCoreAsync(path, ct) : Task.FromResult<ArtifactEntry?>(null);

    public async Task<IReadOnlyList<ArtifactEntry>> ListAsync(ArtifactPath folder, CancellationToken ct = default)
    {
        if (!folder.CanExist) return [];
        var entries = await ListCoreAsync(folder, ct).ConfigureAwait(false);
        var sorted = entries.ToList();
        sorted.Sort((a, b) => CompareCodePoints(a.Name, b.Name));
        return sorted;
    }

    public Task<ArtifactContent?> OpenReadAsync(ArtifactPath path, CancellationToken ct = default) =>
        path.CanExist && !path.IsRoot ? OpenReadCoreAsync(path, ct) : Task.FromResult<ArtifactContent?>(null);

    public Task<long> WriteAsync(ArtifactPath path, Stream content, CancellationToken ct = default)
    {
        if (!path.CanExist || path.IsRoot) throw ArtifactPath.InvalidPath();
        return WriteCoreAsync(path, content, ct);
    }

    public Task<bool> DeleteAsync(ArtifactPath path, CancellationToken ct = default)
    {
        if (path.IsRoot) throw MlflowException.InvalidParameter("Invalid path: the artifact root itself cannot be deleted.");
        return path.CanExist ? DeleteCoreAsync(path, ct) : Task.FromResult(false);
    }

    protected abstract Task<ArtifactEntry?> GetInfoCoreAsync(ArtifactPath path, CancellationToken ct);

    protected abstract Task<IReadOnlyList<ArtifactEntry>> ListCoreAsync(ArtifactPath folder, CancellationToken ct);

    protected abstract Task<ArtifactContent?> OpenReadCoreAsync(ArtifactPath path, CancellationToken ct);

    protected abstract Task<long> WriteCoreAsync(ArtifactPath path, Stream content, CancellationToken ct);

    protected abstract Task<bool> DeleteCoreAsync(ArtifactPath path, CancellationToken ct);

    /// <summary>Python's str ordering (by code point), which MLflow's sorted() listings use.</summary>
    public static int CompareCodePoints(string a, string b)
    {
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            var x = a[i];
            var y = b[i];
            if (x == y) continue;
            // Surrogates encode code points above every BMP character.
            if (char.IsSurrogate(x) != char.IsSurrogate(y)) return char.IsSurrogate(x) ? 1 : -1;
            return x.CompareTo(y);
        }
        return a.Length.CompareTo(b.Length);
    }
}
