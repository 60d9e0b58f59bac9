namespace Sharpflow.Server;

/// <summary>
/// Settings of `sharpflow server`, named after `mlflow server`'s flags.
/// To add a setting: add the property here, the flag (with its MLFLOW_* variable) in Sharpflow.Cli's
/// ServerCommand, and a line in the CLI test that maps every mlflow flag.
/// </summary>
public sealed class SharpflowOptions
{
    public string BackendStoreUri { get; set; } = "sqlite:///mlflow.db";
    public string? RegistryStoreUri { get; set; }
    public string? DefaultArtifactRoot { get; set; }
    public bool ServeArtifacts { get; set; } = true;
    public bool ArtifactsOnly { get; set; }
    public string ArtifactsDestination { get; set; } = "./mlartifacts";
    public string Host { get; set; } = "127.0.0.1";
    public int Port { get; set; } = 5000;
    public int? Workers { get; set; }
    public string? StaticPrefix { get; set; }
    public string? AllowedHosts { get; set; }
    public string? CorsAllowedOrigins { get; set; }
    public string XFrameOptions { get; set; } = "SAMEORIGIN";
    public bool DisableSecurityMiddleware { get; set; }
    public string? AppName { get; set; }
    public string? ExposePrometheus { get; set; }
    public bool Dev { get; set; }

    /// <summary>PostgreSQL: log in with a Cloud SQL IAM access token from Application Default Credentials instead of a password.</summary>
    public bool CloudSqlIamAuth { get; set; }

    /// <summary>PostgreSQL: where passwords come from when not in the URI (overrides <see cref="CloudSqlIamAuth"/>; tests).</summary>
    public Func<CancellationToken, ValueTask<string>>? DatabasePasswordProvider { get; set; }

    /// <summary>"text" (one line per event) or "json" (one object per line with Cloud Logging's field names).</summary>
    public string LogFormat { get; set; } = "text";

    /// <summary>
    /// How long SIGTERM waits for in-flight requests before the process exits. Cloud Run allows 10 s between SIGTERM
    /// and SIGKILL, so the default leaves a second for the process to finish.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(9);

    /// <summary>Webhook delivery settings; null reads MLflow's MLFLOW_WEBHOOK_* variables.</summary>
    public Features.Webhooks.WebhookSettings? Webhooks { get; set; }

    /// <summary>
    /// Serve HTTP/2 over cleartext with prior knowledge (h2c) instead of HTTP/1.1, for Cloud Run's "HTTP/2 end-to-end"
    /// setting, which lifts its 32 MiB cap on HTTP/1 request bodies. Kestrel cannot offer both on one cleartext port
    /// (there is no TLS to negotiate with), so HTTP/1 clients must then come through a proxy that speaks h2c.
    /// </summary>
    public bool H2c { get; set; }

    /// <summary>How gs://, s3:// and wasbs:// stores are reached; null reads MLflow's variables from the environment (not a flag).</summary>
    public Sharpflow.Artifacts.CloudStoreSettings? CloudStores { get; set; }

    /// <summary>
    /// How long presigned download URLs stay valid; null reads MLflow's MLFLOW_PRESIGNED_DOWNLOAD_URL_TTL_SECONDS
    /// (default 300 s), a server-side variable and not a flag in MLflow either.
    /// </summary>
    public TimeSpan? PresignedDownloadUrlTtl { get; set; }

    /// <summary>The root new experiments get: the proxy scheme when serving artifacts, as MLflow does.</summary>
    public string EffectiveDefaultArtifactRoot =>
        !string.IsNullOrEmpty(DefaultArtifactRoot) ? DefaultArtifactRoot
        : ServeArtifacts ? "mlflow-artifacts:/"
        : Path.GetFullPath("./mlruns");
}
