using System.Text.RegularExpressions;
using Sharpflow.Core.Errors;

namespace Sharpflow.Artifacts;

/// <summary>
/// Artifacts as files under a root folder (MLflow's LocalArtifactRepository). Every path is resolved the way the
/// kernel would (symbolic links followed one component at a time) and must stay inside the resolved root, so a
/// link that points out of the root is refused ("Invalid path: resolved path is outside the artifact directory",
/// MLflow's message). Uploads go to a hidden temporary file next to the target and are renamed over it when complete.
/// </summary>
public sealed partial class LocalArtifactStore : ArtifactStore, IStaleUploadSweeper
{
    private const int CopyBufferSize = 1 << 20;
    private const int MaxLinkDepth = 40;

    [GeneratedRegex(@"^\.sharpflow-upload-[0-9a-f]{32}\.tmp$", RegexOptions.CultureInvariant)]
    private static partial Regex UploadTempName();

    private readonly string _root;

    /// <param name="rootFolder">The folder (need not exist yet; it is created by the first write).</param>
    /// <param name="rootUri">How the root is named in messages; defaults to <paramref name="rootFolder"/>.</param>
    public LocalArtifactStore(string rootFolder, string? rootUri = null) : base(rootUri ?? rootFolder)
    {
        _root = Path.GetFullPath(rootFolder);
    }

    /// <summary>The root folder (absolute, as configured; not resolved).</summary>
    public string RootFolder => _root;

    /// <summary>True for the names of in-flight uploads, which listings leave out and clients cannot write.</summary>
    public static bool IsReservedName(string name) => UploadTempName().IsMatch(name);

    protected override Task<ArtifactEntry?> GetInfoCoreAsync(ArtifactPath path, CancellationToken ct)
    {
        var full = ResolveInside(path);
        ArtifactEntry? entry = Directory.Exists(full) ? new ArtifactEntry(path.Name, true, null)
            : File.Exists(full) && !IsReservedName(path.Name) ? new ArtifactEntry(path.Name, false, new FileInfo(full).Length)
            : null;
        return Task.FromResult(entry);
    }

    protected override Task<IReadOnlyList<ArtifactEntry>> ListCoreAsync(ArtifactPath folder, CancellationToken ct)
    {
        var full = ResolveInside(folder);
        if (!Directory.Exists(full)) return Task.FromResult<IReadOnlyList<ArtifactEntry>>([]);
        var root = RealRoot();
        var result = new List<ArtifactEntry>();
        foreach (var info in new DirectoryInfo(full).EnumerateFileSystemInfos())
        {
            ct.ThrowIfCancellationRequested();
            if (IsReservedName(info.Name)) continue;
            var target = info.FullName;
            if (info.LinkTarget is not null)
            {
                // A link is listed as what it points to, and only when that stays inside the root.
                target = RealPath(info.FullName);
                if (!IsInside(target, root) || !Path.Exists(target)) continue;
            }
            if (Directory.Exists(target)) result.Add(new ArtifactEntry(info.Name, true, null));
            else if (File.Exists(target)) result.Add(new ArtifactEntry(info.Name, false, new FileInfo(target).Length));
        }
        return Task.FromResult<IReadOnlyList<ArtifactEntry>>(result);
    }

    protected override Task<ArtifactContent?> OpenReadCoreAsync(ArtifactPath path, CancellationToken ct)
    {
        if (IsReservedName(path.Name)) return Task.FromResult<ArtifactContent?>(null);
        var full = ResolveInside(path);
        if (!File.Exists(full)) return Task.FromResult<ArtifactContent?>(null);
        FileStream stream;
        try
        {
            stream = new FileStream(full, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
                BufferSize = 0,
            });
        }
        catch (FileNotFoundException)
        {
            return Task.FromResult<ArtifactContent?>(null);
        }
        catch (DirectoryNotFoundException)
        {
            return Task.FromResult<ArtifactContent?>(null);
        }
        var content = new ArtifactContent(stream, stream.Length, new DateTimeOffset(File.GetLastWriteTimeUtc(full), TimeSpan.Zero));
        return Task.FromResult<ArtifactContent?>(content);
    }

    protected override async Task<long> WriteCoreAsync(ArtifactPath path, Stream content, CancellationToken ct)
    {
        if (IsReservedName(path.Name)) throw ArtifactPath.InvalidPath();
        ResolveInside(path); // an existing link at the target must not lead out of the root either
        var folder = ResolveInside(path.Parent);
        var created = MissingFolders(folder);
        var target = Path.Join(folder, path.Name);
        if (Directory.Exists(target) && new DirectoryInfo(target).LinkTarget is null)
            throw MlflowException.InvalidParameter($"Cannot write artifact '{path.Normalized}': it is a folder.");
        var temp = Path.Join(folder, $".sharpflow-upload-{Guid.NewGuid():N}.tmp");
        long written;
        try
        {
            await using (var file = OpenTemp(folder, temp, path))
            {
                await WholeBufferCopy.CopyAsync(content, file, CopyBufferSize, ct).ConfigureAwait(false);
                written = file.Length;
            }
            // The rename replaces the directory entry: an existing file (or a link) is swapped, never written through.
            File.Move(temp, target, overwrite: true);
        }
        catch
        {
            // A client that went away (or any failure) leaves nothing behind: not the partial file, and not the
            // folders this write created, which would otherwise show up in listings (MLflow, which stages uploads in
            // a temporary folder, leaves nothing either). A folder another upload has written into meanwhile stays.
            TryDelete(temp);
            for (var i = created.Count - 1; i >= 0; i--) TryRemoveEmptyFolder(created[i]);
            throw;
        }
        return written;
    }

    /// <summary>Creates the folder (and its missing parents) and the temporary file in it, exclusively.</summary>
    private static FileStream OpenTemp(string folder, string temp, ArtifactPath path)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                Directory.CreateDirectory(folder);
            }
            catch (IOException)
            {
                throw MlflowException.InvalidParameter(
                    $"Cannot write artifact '{path.Normalized}': a file stands where one of its folders would be.");
            }
            try
            {
                return new FileStream(temp, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    Share = FileShare.None,
                    Options = FileOptions.Asynchronous,
                    BufferSize = 0,
                });
            }
            catch (DirectoryNotFoundException) when (attempt < 3)
            {
                // A failed upload next door removed the (then empty) folder between the two steps: create it again.
            }
        }
    }

    /// <summary>The folders from the first missing ancestor of <paramref name="folder"/> down to it (empty when it exists).</summary>
    private List<string> MissingFolders(string folder)
    {
        var missing = new List<string>();
        var root = RealRoot();
        for (var f = folder; !Directory.Exists(f) && IsInside(f, root); f = Path.GetDirectoryName(f)!)
        {
            missing.Insert(0, f);
            if (f == root) break;
        }
        return missing;
    }

    private static void TryRemoveEmptyFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: false);
        }
        catch (IOException)
        {
            // not empty (another upload's file), or already gone
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    protected override Task<bool> DeleteCoreAsync(ArtifactPath path, CancellationToken ct)
    {
        // The folder part must resolve inside the root; the last name is removed itself, never followed.
        var folder = ResolveInside(path.Parent);
        var target = Path.Join(folder, path.Name);
        var info = new FileInfo(target);
        if (info.LinkTarget is not null)
        {
            File.Delete(target);
            return Task.FromResult(true);
        }
        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
            return Task.FromResult(true);
        }
        if (File.Exists(target))
        {
            File.Delete(target);
            return Task.FromResult(true);
        }
        return Task.FromResult(false);
    }

    public int RemoveStaleUploads(TimeSpan olderThan, CancellationToken ct = default)
    {
        var root = RealRoot();
        if (!Directory.Exists(root)) return 0;
        var cutoff = DateTime.UtcNow - olderThan;
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            AttributesToSkip = 0, // names starting with '.' count as hidden on Unix; the temporaries are such names
            MatchType = MatchType.Simple,
        };
        var removed = 0;
        // Only this store's own temporaries (the exact generated name), and never through a link: a link may lead
        // out of the root or into a folder another store (another server) is writing to.
        var candidates = new System.IO.Enumeration.FileSystemEnumerable<string>(root,
            (ref System.IO.Enumeration.FileSystemEntry e) => e.ToFullPath(), options)
        {
            ShouldIncludePredicate = (ref System.IO.Enumeration.FileSystemEntry e) =>
                !e.IsDirectory && (e.Attributes & FileAttributes.ReparsePoint) == 0 && IsReservedName(e.FileName.ToString())
                && e.LastWriteTimeUtc.UtcDateTime < cutoff,
            ShouldRecursePredicate = (ref System.IO.Enumeration.FileSystemEntry e) => (e.Attributes & FileAttributes.ReparsePoint) == 0,
        };
        foreach (var file in candidates)
        {
            ct.ThrowIfCancellationRequested();
            if (TryDelete(file)) removed++;
        }
        return removed;
    }

    private static bool TryDelete(string file)
    {
        try
        {
            File.Delete(file);
            return true;
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return false;
    }

    /// <summary>The real (link-free) location of a path, which must lie inside the real root.</summary>
    private string ResolveInside(ArtifactPath path)
    {
        var root = RealRoot();
        var full = Walk(root, path.Segments, 0);
        if (!IsInside(full, root))
            throw MlflowException.InvalidParameter("Invalid path: resolved path is outside the artifact directory");
        return full;
    }

    private string RealRoot() => RealPath(_root);

    private static bool IsInside(string path, string root) =>
        path == root || path.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>realpath(3) in managed code: every component that is a symbolic link is replaced by its resolved target.</summary>
    internal static string RealPath(string path, int depth = 0)
    {
        var full = Path.IsPathRooted(path) ? path : Path.Join(Directory.GetCurrentDirectory(), path);
        var rootPart = Path.GetPathRoot(full)!;
        var segments = full[rootPart.Length..].Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
        return Walk(rootPart, segments, depth);
    }

    private static string Walk(string start, IEnumerable<string> segments, int depth)
    {
        if (depth > MaxLinkDepth) throw new IOException("Too many levels of symbolic links");
        var current = start;
        foreach (var segment in segments)
        {
            if (segment == ".") continue;
            if (segment == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }
            var next = Path.Join(current, segment);
            string? link = null;
            try
            {
                link = new FileInfo(next).LinkTarget;
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
            current = link is null ? next : RealPath(Path.IsPathRooted(link) ? link : Path.Join(current, link), depth + 1);
        }
        return current;
    }
}
