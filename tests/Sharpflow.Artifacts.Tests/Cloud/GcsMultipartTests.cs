using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Xml.Linq;
using Google.Apis.Auth.OAuth2;
using Sharpflow.Artifacts.Gcs;

namespace Sharpflow.Artifacts.Tests.Cloud;

/// <summary>
/// GCS client-side multipart upload. The emulator has no XML API, so the XML side is a small fake that speaks GCS's
/// XML multipart protocol (initiate, signed part PUTs, complete, abort) and, on completion, writes the assembled
/// object into the emulator as GCS would; the JSON side (checks, reads) is the emulator. Signing uses a throwaway
/// service-account key, so the part URLs are real V4 signed URLs (pointed at the fake's host).
/// </summary>
[RequiresEmulator(Emulators.Gcs)]
public sealed class GcsMultipartTests : IAsyncLifetime
{
    private const string Bucket = "sharpflow-tests";
    private readonly string _prefix = "mpu-" + Guid.NewGuid().ToString("N")[..10];
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<int, byte[]> _parts = new();
    private readonly List<string> _log = [];
    private string _xmlBase = "";
    private Task _serving = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        await GcsArtifactStoreTests.EnsureBucketAsync(Bucket);
        var port = FreePort();
        _xmlBase = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(_xmlBase + "/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public async Task DisposeAsync()
    {
        _listener.Stop();
        await _serving.ContinueWith(_ => { });
    }

    private GcsArtifactStore NewStore()
    {
        var key = RSA.Create(2048);
        var account = new ServiceAccountCredential(new ServiceAccountCredential.Initializer("sharpflow-test@demo-test.iam.gserviceaccount.com") { Key = key });
        var emulator = GcsArtifactStoreTests.Settings.Connect().Client;
        return new GcsArtifactStore($"gs://{Bucket}/{_prefix}", new GcsConnection(emulator, GoogleCredential.FromServiceAccountCredential(account)), _xmlBase);
    }

    [StoreFact]
    public async Task Parts_put_to_signed_urls_are_assembled_on_complete()
    {
        var store = NewStore();
        var path = ArtifactPath.Parse("models/model weights.bin");
        var start = await store.CreateMultipartUploadAsync(path, 3);
        Assert.Equal("upload-1", start.UploadId);
        Assert.Contains($"POST /{Bucket}/{_prefix}/models/model%20weights.bin?uploads", _log);
        foreach (var c in start.Credentials)
        {
            var url = new Uri(c.Url);
            Assert.Equal($"{_xmlBase}/{Bucket}/{_prefix}/models/model%20weights.bin", url.GetLeftPart(UriPartial.Path));
            Assert.Contains($"partNumber={c.PartNumber}", url.Query);
            Assert.Contains("uploadId=upload-1", url.Query);
            Assert.Contains("X-Goog-Signature=", url.Query);
            Assert.Contains("X-Goog-Algorithm=GOOG4-RSA-SHA256", url.Query);
        }

        using var http = new HttpClient();
        var parts = new List<MultipartUploadPart>();
        foreach (var c in start.Credentials.Reverse()) // any order, as the client's thread pool finishes them
        {
            using var put = await http.PutAsync(c.Url, new ByteArrayContent([(byte)('a' + c.PartNumber), (byte)('A' + c.PartNumber)]));
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            parts.Add(new MultipartUploadPart(c.PartNumber, put.Headers.ETag!.ToString(), c.Url));
        }
        await store.CompleteMultipartUploadAsync(path, start.UploadId, parts);
        await using var content = await store.OpenReadAsync(path);
        using var reader = new StreamReader(content!.Stream);
        Assert.Equal("bBcCdD", await reader.ReadToEndAsync());

        await store.AbortMultipartUploadAsync(path, "upload-2");
        Assert.Contains($"DELETE /{Bucket}/{_prefix}/models/model%20weights.bin?uploadId=upload-2", _log);
    }

    private static int FreePort()
    {
        using var s = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        s.Start();
        return ((IPEndPoint)s.LocalEndpoint).Port;
    }

    /// <summary>The XML API's multipart calls, as storage.googleapis.com answers them.</summary>
    private async Task ServeAsync()
    {
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
            var pathAndQuery = req.RawUrl!;
            lock (_log) _log.Add($"{req.HttpMethod} {pathAndQuery}");
            var res = ctx.Response;
            if (req.HttpMethod == "POST" && pathAndQuery.EndsWith("?uploads", StringComparison.Ordinal))
            {
                await WriteAsync(res, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><InitiateMultipartUploadResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" +
                                      $"<Bucket>{Bucket}</Bucket><Key>k</Key><UploadId>upload-1</UploadId></InitiateMultipartUploadResult>");
            }
            else if (req.HttpMethod == "PUT" && query["partNumber"] is { } number)
            {
                using var ms = new MemoryStream();
                await req.InputStream.CopyToAsync(ms);
                _parts[int.Parse(number)] = ms.ToArray();
                res.Headers["ETag"] = $"\"etag-{number}\"";
                await WriteAsync(res, "");
            }
            else if (req.HttpMethod == "POST" && query["uploadId"] is not null)
            {
                var body = XDocument.Load(req.InputStream);
                var numbers = body.Descendants("Part").Select(p => (N: int.Parse(p.Element("PartNumber")!.Value), ETag: p.Element("ETag")!.Value)).ToList();
                var ok = numbers.Select(p => p.N).SequenceEqual([1, 2, 3]) && numbers.All(p => p.ETag == $"\"etag-{p.N}\"");
                if (ok)
                {
                    var key = Uri.UnescapeDataString(req.Url.AbsolutePath[(Bucket.Length + 2)..]);
                    var whole = numbers.SelectMany(p => _parts[p.N]).ToArray();
                    await GcsArtifactStoreTests.Settings.Connect().Client.UploadObjectAsync(Bucket, key, null, new MemoryStream(whole));
                }
                res.StatusCode = ok ? 200 : 400;
                await WriteAsync(res, ok ? "<CompleteMultipartUploadResult/>" : "<Error><Code>InvalidPart</Code></Error>");
            }
            else
            {
                res.StatusCode = req.HttpMethod == "DELETE" ? 204 : 400;
                await WriteAsync(res, "");
            }
        }
    }

    private static async Task WriteAsync(HttpListenerResponse res, string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        res.ContentLength64 = bytes.Length;
        await res.OutputStream.WriteAsync(bytes);
        res.Close();
    }
}
