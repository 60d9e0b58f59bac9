namespace Sharpflow.Artifacts;

/// <summary>
/// A store whose uploads stage data it must clean up itself. The local store writes each upload to a hidden
/// temporary file next to the target; a failed or aborted upload deletes it, but a process that dies mid-upload
/// (killed, out of memory, power loss) cannot, so the server sweeps old ones at start. Object stores need none of
/// this: an unfinished upload never becomes an object there (S3 and GCS multipart uploads are aborted on failure,
/// Azure drops uncommitted blocks after 7 days).
/// </summary>
public interface IStaleUploadSweeper
{
    /// <summary>Deletes upload temporaries not written to for <paramref name="olderThan"/>; returns how many.</summary>
    int RemoveStaleUploads(TimeSpan olderThan, CancellationToken ct = default);
}
