using System.Collections.Concurrent;
using System.Net;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace Sharpflow.Artifacts.S3;

/// <summary>
/// How to reach S3, read from the variables MLflow's S3 repository reads: <c>MLFLOW_S3_ENDPOINT_URL</c> (MinIO,
/// moto, any S3-compatible service; path-style addressing then, as boto3 with an endpoint), <c>MLFLOW_S3_IGNORE_TLS</c>,
/// <c>MLFLOW_BOTO_CLIENT_ADDRESSING_STYLE</c> (path | virtual | auto) and <c>AWS_REGION</c>/<c>AWS_DEFAULT_REGION</c>.
/// Credentials come from the AWS SDK's default chain: <c>AWS_ACCESS_KEY_ID</c>/<c>AWS_SECRET_ACCESS_KEY</c>/
/// <c>AWS_SESSION_TOKEN</c>, <c>AWS_PROFILE</c> and ~/.aws, then container and instance roles.
/// </summary>
/// <param name="AccessKeyId">An explicit key (with <paramref name="SecretAccessKey"/>) instead of the default chain; for tests.</param>
/// <param name="UploadChecksums">
/// Send CRC32 checksums with uploads, as boto3 does since 1.36 (its default, <c>when_supported</c>). Off with
/// <c>AWS_REQUEST_CHECKSUM_CALCULATION=when_required</c>, the setting boto3 users give S3-compatible services that
/// refuse the checksum headers; the same variable then keeps such a service working with this server.
/// </param>
public sealed record S3Settings(string? EndpointUrl, bool IgnoreTls, string? AddressingStyle, string? Region,
    string? AccessKeyId = null, string? SecretAccessKey = null, bool UploadChecksums = true)
{
    private static readonly ConcurrentDictionary<S3Settings, Lazy<AmazonS3Client>> Clients = new();

    public static S3Settings FromEnvironment() => new(
        Env("MLFLOW_S3_ENDPOINT_URL"),
        Env("MLFLOW_S3_IGNORE_TLS")?.Trim().ToLowerInvariant() is "true" or "1" or "yes",
        Env("MLFLOW_BOTO_CLIENT_ADDRESSING_STYLE"),
        Env("AWS_REGION") ?? Env("AWS_DEFAULT_REGION"),
        UploadChecksums: !string.Equals(Env("AWS_REQUEST_CHECKSUM_CALCULATION")?.Trim(), "when_required", StringComparison.OrdinalIgnoreCase));

    /// <summary>One client per setting for the whole process: clients own connection pools and are thread-safe.</summary>
    public AmazonS3Client Client() => Clients.GetOrAdd(this, s => new Lazy<AmazonS3Client>(s.Build)).Value;

    /// <summary>Presigned URLs must use the endpoint's own scheme (the SDK would otherwise sign https URLs).</summary>
    public Protocol UrlProtocol =>
        EndpointUrl is not null && EndpointUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? Protocol.HTTP : Protocol.HTTPS;

    private AmazonS3Client Build()
    {
        var config = new AmazonS3Config
        {
            // The SDK adds no checksums of its own (it would send them as aws-chunked trailers, which third-party S3
            // services and emulators take differently); the store sets a CRC32 header itself (UploadChecksums).
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            Timeout = TimeSpan.FromMinutes(10),
            // The SDK copies a request body to the socket through a buffer of this size (8 KiB by default): an 8 MiB
            // part went out as 1,024 sends, and the receiving end took as many small reads. 256 KiB buffers cut the
            // proxy's CPU per byte and let moto keep up (bench/RESULTS.md, artifacts).
            BufferSize = 256 * 1024,
        };
        // No region lookup through instance metadata: that is a network call at start-up; boto3 also falls back to us-east-1.
        var region = Region ?? "us-east-1";
        if (EndpointUrl is not null)
        {
            config.ServiceURL = EndpointUrl;
            config.AuthenticationRegion = region;
            config.ForcePathStyle = !string.Equals(AddressingStyle, "virtual", StringComparison.OrdinalIgnoreCase);
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
            config.ForcePathStyle = string.Equals(AddressingStyle, "path", StringComparison.OrdinalIgnoreCase);
        }
        if (IgnoreTls) config.HttpClientFactory = new InsecureHttpClientFactory();
        return AccessKeyId is null ? new AmazonS3Client(config) : new AmazonS3Client(new BasicAWSCredentials(AccessKeyId, SecretAccessKey), config);
    }

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;

    /// <summary>MLFLOW_S3_IGNORE_TLS: boto3's verify=False, for self-signed S3-compatible endpoints.</summary>
    private sealed class InsecureHttpClientFactory : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
            new(new SocketsHttpHandler
            {
                AutomaticDecompression = DecompressionMethods.None,
                SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
            });
    }
}
