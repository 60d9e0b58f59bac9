using System.Net;
using System.Security.Cryptography;
using Google.Apis.Auth.OAuth2;
using Sharpflow.Artifacts.Gcs;

namespace Sharpflow.Artifacts.Tests.Cloud;

/// <summary>
/// GCS presigned single-file URLs. The emulator speaks the JSON API only, so the signed XML-API URLs point at a small
/// front that checks what GCS would check before its signature (V4 parameters present; for the PUT, Content-Type
/// among the signed headers and sent with the signed value) and passes the request on: a PUT becomes an upload into
/// the emulator, a GET is forwarded to the emulator's /bucket/object download (Range included). The URLs are real V4
/// signatures made with a throwaway service-account key.
/// </summary>
[RequiresEmulator(Emulators.Gcs)]
public sealed class GcsPresignedTests : IAsyncLifetime
{
    private const string Bucket = "sharpflow-tests";
    private readonly string _prefix = "presigned-" + Guid.NewGuid().ToString("N")[..10];
    private readonly HttpListener _listener = new();
    private readonly HttpClient _forward = new();
    private readonly List<string> _problems = [];
    private string _base = "";
    private Task _serving = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        await GcsArtifactStoreTests.EnsureBucketAsync(Bucket);
        using (var s = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            s.Start();
            _base = $"http://127.0.0.1:{((IPEndPoint)s.LocalEndpoint).Port}";
        }
        _listener.Prefixes.Add(_base + "/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public async Task DisposeAsync()
    {
        _listener.Stop();
        await _serving.ContinueWith(_ => { });
    }

    private GcsArtifactStore NewStore(bool canSign = true)
    {
        var account = new ServiceAccountCredential(new ServiceAccountCredential.Initializer("sharpflow-test@demo-test.iam.gserviceaccount.com") { Key = RSA.Create(2048) });
        var emulator = GcsArtifactStoreTests.Settings.Connect().Client;
        return new GcsArtifactStore($"gs://{Bucket}/{_prefix}", new GcsConnection(emulator, canSign ? GoogleCredential.FromServiceAccountCredential(account) : null), _base);
    }

    [StoreFact]
    public async Task Signed_put_and_ranged_get_move_the_bytes()
    {
        var store = NewStore();
        await PresignedScenarios.UploadAndDownloadAsync(store, store, "X-Goog-Expires");
        Assert.Empty(_problems);
    }

    [StoreFact]
    public async Task A_credential_that_cannot_sign_answers_not_implemented()
    {
        var store = NewStore(canSign: false);
        Assert.False(store.CanSign);
        var e = await Assert.ThrowsAsync<Core.Errors.MlflowException>(() => store.GetPresignedDownloadUrlAsync(ArtifactPath.Parse("x.bin"), TimeSpan.FromMinutes(1)));
        Assert.Equal(PresignedUrls.DownloadNotSupportedMessage, e.Message);
        Assert.Equal(501, e.HttpStatus);
    }

    private async Task ServeAsync()
    {
        var emulator = "http://" + Emulators.Require(Emulators.Gcs).Replace("http://", "", StringComparison.Ordinal);
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }
            var req = ctx.Request;
            var query = System.Web.HttpUtility.ParseQueryString(req.Url!.Query);
            foreach (var p in new[] { "X-Goog-Algorithm", "X-Goog-Credential", "X-Goog-Date", "X-Goog-Expires", "X-Goog-SignedHeaders", "X-Goog-Signature" })
                if (query[p] is null) lock (_problems) _problems.Add($"{req.HttpMethod} without {p}");
            var signed = (query["X-Goog-SignedHeaders"] ?? "").Split(';');
            var path = req.Url.AbsolutePath; // /bucket/key, as the XML API names objects
            using var forward = new HttpRequestMessage(new HttpMethod(req.HttpMethod), emulator + path);
            if (req.HttpMethod == "PUT")
            {
                if (!signed.Contains("content-type") || req.ContentType is null) lock (_problems) _problems.Add("PUT without a signed Content-Type");
                var key = Uri.UnescapeDataString(path[(Bucket.Length + 2)..]);
                forward.RequestUri = new Uri($"{emulator}/upload/storage/v1/b/{Bucket}/o?uploadType=media&name={Uri.EscapeDataString(key)}");
                forward.Method = HttpMethod.Post;
                forward.Content = new StreamContent(req.InputStream);
                forward.Content.Headers.TryAddWithoutValidation("Content-Type", req.ContentType);
            }
            else if (req.Headers["Range"] is { } range)
            {
                forward.Headers.TryAddWithoutValidation("Range", range);
            }
            using var answer = await _forward.SendAsync(forward);
            var body = await answer.Content.ReadAsByteArrayAsync();
            ctx.Response.StatusCode = (int)answer.StatusCode;
            ctx.Response.ContentLength64 = body.Length;
            await ctx.Response.OutputStream.WriteAsync(body);
            ctx.Response.Close();
        }
    }
}
