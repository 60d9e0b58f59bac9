using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Xml.Linq;
using Google;
using Google.Cloud.Storage.V1;

namespace Sharpflow.Artifacts.Gcs;

/// <summary>
/// Client-side multipart uploads to GCS, as MLflow's GCSArtifactRepository does them (google-resumable-media's
/// XMLMPUContainer plus <c>blob.generate_signed_url</c>): the server starts an XML-API multipart upload, hands out
/// one V4-signed PUT URL per part (valid 60 minutes), and completes or aborts it with the parts' ETags. The parts
/// go from the client to GCS directly, so Cloud Run's request cap and the server's bandwidth are out of the way.
/// Needs a credential that can sign (a service-account key, or Cloud Run's account with
/// roles/iam.serviceAccountTokenCreator on itself); otherwise MLflow's "not supported" makes clients fall back to PUT.
/// </summary>
public sealed partial class GcsArtifactStore
{
    public Task<MultipartUploadStart> CreateMultipartUploadAsync(ArtifactPath path, int numParts, CancellationToken ct = default) => Guard(async () =>
    {
        MultipartUpload.CheckPartCount(numParts);
        var signer = RequireXmlApi();
        await EnsureWritableAsync(path, ct).ConfigureAwait(false);
        var key = KeyOf(path);
        using var request = new HttpRequestMessage(HttpMethod.Post, ObjectUrl(key) + "?uploads") { Content = new ByteArrayContent([]) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(ArtifactMimeTypes.Guess(path.Name));
        var answer = XDocument.Parse(await SendXmlAsync(request, ct).ConfigureAwait(false));
        var uploadId = answer.Descendants().FirstOrDefault(e => e.Name.LocalName == "UploadId")?.Value
                       ?? throw new GoogleApiException("storage", "the multipart upload answer has no UploadId");

        var options = SigningOptions(MultipartUpload.UrlLifetime);
        var credentials = new List<MultipartUploadCredential>(numParts);
        for (var i = 1; i <= numParts; i++)
        {
            var template = UrlSigner.RequestTemplate.FromBucket(Container).WithObjectName(key).WithHttpMethod(HttpMethod.Put)
                .WithQueryParameters(new Dictionary<string, IEnumerable<string>>
                {
                    ["partNumber"] = [i.ToString(CultureInfo.InvariantCulture)],
                    ["uploadId"] = [uploadId],
                });
            var url = await signer.SignAsync(template, options, ct).ConfigureAwait(false);
            credentials.Add(new MultipartUploadCredential(url, i, new Dictionary<string, string>()));
        }
        return new MultipartUploadStart(uploadId, credentials);
    });

    public Task CompleteMultipartUploadAsync(ArtifactPath path, string? uploadId, IReadOnlyList<MultipartUploadPart> parts, CancellationToken ct = default) =>
        Guard(async () =>
        {
            RequireXmlApi();
            var body = new XElement("CompleteMultipartUpload", parts.OrderBy(p => p.PartNumber).Select(p =>
                new XElement("Part", new XElement("PartNumber", p.PartNumber), new XElement("ETag", p.ETag ?? ""))));
            using var request = new HttpRequestMessage(HttpMethod.Post, ObjectUrl(KeyOf(path)) + "?uploadId=" + Uri.EscapeDataString(RequireUploadId(uploadId)))
            {
                Content = new StringContent(body.ToString(SaveOptions.DisableFormatting), Encoding.UTF8, "application/xml"),
            };
            await SendXmlAsync(request, ct).ConfigureAwait(false);
        });

    public Task AbortMultipartUploadAsync(ArtifactPath path, string? uploadId, CancellationToken ct = default) =>
        Guard(async () =>
        {
            RequireXmlApi();
            using var request = new HttpRequestMessage(HttpMethod.Delete, ObjectUrl(KeyOf(path)) + "?uploadId=" + Uri.EscapeDataString(RequireUploadId(uploadId)));
            await SendXmlAsync(request, ct).ConfigureAwait(false);
        });

    private UrlSigner RequireXmlApi() =>
        _xmlApiBase is not null && _gcs.Signer is { } signer ? signer : throw MultipartUpload.NotSupported();

    private static string RequireUploadId(string? uploadId) =>
        string.IsNullOrEmpty(uploadId) ? throw Core.Errors.MlflowException.InvalidParameter("upload_id is required for a GCS multipart upload.") : uploadId;

    /// <summary>The XML-API URL of an object: https://storage.googleapis.com/bucket/key, each name percent-encoded.</summary>
    private string ObjectUrl(string key) =>
        $"{_xmlApiBase}/{Uri.EscapeDataString(Container)}/{string.Join('/', key.Split('/').Select(Uri.EscapeDataString))}";

    /// <summary>Part URLs point at the XML API this store uses (another host only in tests).</summary>
    private UrlSigner.Options SigningOptions(TimeSpan lifetime)
    {
        var options = UrlSigner.Options.FromDuration(lifetime).WithSigningVersion(SigningVersion.V4);
        var xml = new Uri(_xmlApiBase!);
        if (xml.Host == "storage.googleapis.com" && xml.Scheme == "https") return options;
        return options.WithScheme(xml.Scheme).WithHost(xml.Host).WithPort(xml.IsDefaultPort ? null : xml.Port);
    }

    /// <summary>Sends an XML-API request on the client's authorised channel; the body of a success, else a GoogleApiException.</summary>
    private async Task<string> SendXmlAsync(HttpRequestMessage request, CancellationToken ct)
    {
        using var response = await Client.Service.HttpClient.SendAsync(request, ct).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new GoogleApiException("storage", $"{(int)response.StatusCode} {response.ReasonPhrase}: {text}") { HttpStatusCode = response.StatusCode };
        return text;
    }
}
