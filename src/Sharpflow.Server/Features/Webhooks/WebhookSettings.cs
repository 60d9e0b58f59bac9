namespace Sharpflow.Server.Features.Webhooks;

/// <summary>
/// Webhook delivery settings, read from MLflow's environment variables (same names and defaults as `mlflow server`).
/// Private targets (loopback, RFC 1918, link-local, metadata servers) stay refused unless
/// MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS=true, and only https is allowed unless MLFLOW_WEBHOOK_ALLOWED_SCHEMES says otherwise.
/// </summary>
public sealed record WebhookSettings
{
    public IReadOnlyList<string> AllowedSchemes { get; init; } = ["https"];
    public bool AllowPrivateIps { get; init; }
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public int MaxRetries { get; init; } = 3;
    public int MaxWorkers { get; init; } = 10;
    public TimeSpan CacheTtl { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>First retry delay, doubled per attempt (with up to a second of jitter) and capped at a minute, as urllib3's Retry.</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Events waiting for delivery beyond this are dropped (and logged) rather than growing memory without bound.</summary>
    public int QueueCapacity { get; init; } = 10_000;

    public static WebhookSettings FromEnvironment()
    {
        static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
        static int Int(string name, int fallback) => int.TryParse(Env(name), out var v) ? v : fallback;
        var settings = new WebhookSettings();
        return settings with
        {
            AllowedSchemes = Env("MLFLOW_WEBHOOK_ALLOWED_SCHEMES")?.Split(',').Select(s => s.Trim()).ToList() ?? settings.AllowedSchemes,
            AllowPrivateIps = Env("MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS")?.ToLowerInvariant() is "true" or "1",
            RequestTimeout = TimeSpan.FromSeconds(Int("MLFLOW_WEBHOOK_REQUEST_TIMEOUT", 30)),
            MaxRetries = Int("MLFLOW_WEBHOOK_REQUEST_MAX_RETRIES", 3),
            MaxWorkers = Math.Max(1, Int("MLFLOW_WEBHOOK_DELIVERY_MAX_WORKERS", 10)),
            CacheTtl = TimeSpan.FromSeconds(Int("MLFLOW_WEBHOOK_CACHE_TTL", 60)),
        };
    }
}
