using System.Runtime.ExceptionServices;
using Sharpflow.Core.Errors;

namespace Sharpflow.Artifacts.Cloud;

/// <summary>An object in a bucket (or container) as a listing or a metadata read returns it.</summary>
public sealed record StoredObject(string Key, long Size, DateTimeOffset? LastModified = null);

/// <summary>One page of a listing: the objects, and with a delimiter the common prefixes ("folders", ending in '/').</summary>
public sealed record ObjectPage(IReadOnlyList<StoredObject> Objects, IReadOnlyList<string> Prefixes);

/// <summary>
/// The artifact semantics every object store shares (GCS, S3, Azure Blob), written once over a few primitives.
/// A path maps to the key <c>prefix/path</c>; folders exist only as key prefixes, so they are derived from
/// listings with the '/' delimiter, as MLflow's gcs/s3/azure_blob repositories do. Beyond MLflow, a write checks
/// that it would not hide a file behind a folder of the same name (or the reverse), since the local store cannot
/// hold that and the contract suite keeps every store equal; and a delete removes the object and everything below
/// <c>path/</c> only (MLflow's S3 delete uses the bare prefix, which also deletes <c>path2</c>).
/// </summary>
public abstract class ObjectArtifactStore : ArtifactStore
{
    /// <summary>Part (chunk, block) size of streamed uploads: memory per upload is a few of these, never the file.</summary>
    public const int PartSize = 8 * 1024 * 1024;

    /// <summary>Parts of one upload in flight at once: enough to keep a link busy (boto3 uses 10), small enough to keep memory flat.</summary>
    public const int UploadConcurrency = 8;

    protected ObjectArtifactStore(string rootUri, string container, string prefix) : base(rootUri)
    {
        Container = container;
        Prefix = prefix.Trim('/');
    }

    /// <summary>The bucket or container.</summary>
    public string Container { get; }

    /// <summary>The key prefix of the root ("" for the whole bucket), without leading or trailing '/'.</summary>
    public string Prefix { get; }

    /// <summary>The object key for a path (the prefix itself for the root).</summary>
    public string KeyOf(ArtifactPath path) =>
        path.IsRoot ? Prefix : Prefix.Length == 0 ? path.Normalized : Prefix + "/" + path.Normalized;

    private string FolderPrefix(ArtifactPath path)
    {
        var key = KeyOf(path);
        return key.Length == 0 ? "" : key + "/";
    }

    // ---- primitives -------------------------------------------------------------------------------------------

    /// <summary>Lists keys under a prefix, page by page; with <paramref name="delimited"/>, one level only.</summary>
    protected abstract IAsyncEnumerable<ObjectPage> ListPagesAsync(string prefix, bool delimited, int? pageSize, CancellationToken ct);

    /// <summary>The object at exactly this key, or null.</summary>
    protected abstract Task<StoredObject?> HeadAsync(string key, CancellationToken ct);

    /// <summary>Opens the object for reading (streamed, with ranges where possible), or null when there is none.</summary>
    protected abstract Task<ArtifactContent?> OpenObjectAsync(string key, CancellationToken ct);

    /// <summary>Writes the object from a stream of unknown length, in parts; replaces an existing one atomically.</summary>
    protected abstract Task UploadObjectAsync(string key, Stream content, string contentType, CancellationToken ct);

    /// <summary>Deletes these objects (missing ones are not an error).</summary>
    protected abstract Task DeleteObjectsAsync(IReadOnlyList<string> keys, CancellationToken ct);

    /// <summary>The MLflow error for a store failure (permissions, missing bucket), or null to let it through.</summary>
    protected abstract MlflowException? Translate(Exception error);

    // ---- the shared semantics ---------------------------------------------------------------------------------

    protected override Task<ArtifactEntry?> GetInfoCoreAsync(ArtifactPath path, CancellationToken ct) => Guard(async () =>
    {
        if (path.IsRoot) return new ArtifactEntry("", true, null);
        if (await HeadAsync(KeyOf(path), ct).ConfigureAwait(false) is { } obj) return new ArtifactEntry(path.Name, false, obj.Size);
        return await HasAnythingUnderAsync(FolderPrefix(path), ct).ConfigureAwait(false) ? new ArtifactEntry(path.Name, true, null) : null;
    });

    protected override Task<IReadOnlyList<ArtifactEntry>> ListCoreAsync(ArtifactPath folder, CancellationToken ct) => Guard(async () =>
    {
        var prefix = FolderPrefix(folder);
        var result = new List<ArtifactEntry>();
        await foreach (var page in ListPagesAsync(prefix, delimited: true, null, ct).ConfigureAwait(false))
        {
            foreach (var p in page.Prefixes)
            {
                var name = p[prefix.Length..].TrimEnd('/');
                if (name.Length > 0) result.Add(new ArtifactEntry(name, true, null));
            }
            foreach (var o in page.Objects)
            {
                // A "folder marker" object (key == prefix, as consoles create) is the folder itself, not a child.
                var name = o.Key[prefix.Length..];
                if (name.Length > 0) result.Add(new ArtifactEntry(name, false, o.Size));
            }
        }
        return (IReadOnlyList<ArtifactEntry>)result;
    });

    protected override Task<ArtifactContent?> OpenReadCoreAsync(ArtifactPath path, CancellationToken ct) =>
        Guard(() => OpenObjectAsync(KeyOf(path), ct));

    protected override async Task<long> WriteCoreAsync(ArtifactPath path, Stream content, CancellationToken ct)
    {
        var key = KeyOf(path);
        await Guard(() => EnsureWritableAsync(path, ct)).ConfigureAwait(false);
        var source = new CountingReadStream(content);
        try
        {
            await UploadObjectAsync(key, source, ArtifactMimeTypes.Guess(path.Name), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (source.Failure is not null && e != source.Failure)
        {
            // The client's body failed (disconnect, size limit): report that, not the SDK's wrapper around it.
            ExceptionDispatchInfo.Capture(source.Failure).Throw();
        }
        catch (Exception e) when (Translate(e) is { } mapped)
        {
            throw mapped;
        }
        return source.BytesRead;
    }

    protected override Task<bool> DeleteCoreAsync(ArtifactPath path, CancellationToken ct) => Guard(async () =>
    {
        var keys = new List<string>();
        var key = KeyOf(path);
        if (await HeadAsync(key, ct).ConfigureAwait(false) is not null) keys.Add(key);
        await foreach (var page in ListPagesAsync(FolderPrefix(path), delimited: false, null, ct).ConfigureAwait(false))
            keys.AddRange(page.Objects.Select(o => o.Key));
        for (var i = 0; i < keys.Count; i += 1000)
            await DeleteObjectsAsync(keys.GetRange(i, Math.Min(1000, keys.Count - i)), ct).ConfigureAwait(false);
        return keys.Count > 0;
    });

    /// <summary>The local store cannot put a file over a folder or under a file; neither may an object store.</summary>
    protected async Task EnsureWritableAsync(ArtifactPath path, CancellationToken ct)
    {
        if (!path.CanExist || path.IsRoot) throw ArtifactPath.InvalidPath();
        var folderBelow = HasAnythingUnderAsync(KeyOf(path) + "/", ct);
        var ancestors = new List<Task<StoredObject?>>();
        for (var p = path.Parent; !p.IsRoot; p = p.Parent) ancestors.Add(HeadAsync(KeyOf(p), ct));
        if (await folderBelow.ConfigureAwait(false))
            throw MlflowException.InvalidParameter($"Cannot write artifact '{path.Normalized}': it is a folder.");
        foreach (var a in await Task.WhenAll(ancestors).ConfigureAwait(false))
            if (a is not null)
                throw MlflowException.InvalidParameter(
                    $"Cannot write artifact '{path.Normalized}': a file stands where one of its folders would be.");
    }

    private async Task<bool> HasAnythingUnderAsync(string prefix, CancellationToken ct)
    {
        await foreach (var page in ListPagesAsync(prefix, delimited: false, 1, ct).ConfigureAwait(false))
            return page.Objects.Count > 0 || page.Prefixes.Count > 0; // a folder marker alone is a folder too
        return false;
    }

    /// <summary>Runs a store call, turning the store's own errors into MLflow's.</summary>
    protected async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not MlflowException && e is not OperationCanceledException && Translate(e) is { } mapped)
        {
            throw mapped;
        }
    }

    protected async Task Guard(Func<Task> call) => await Guard(async () =>
    {
        await call().ConfigureAwait(false);
        return true;
    }).ConfigureAwait(false);

    /// <summary>MLflow's wording for a store call that failed, with the store's own message.</summary>
    protected MlflowException Failure(ErrorCode code, string message) =>
        new(code, $"Artifact store {RootUri} failed: {message}");
}
