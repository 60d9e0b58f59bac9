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

    /// <summary>The root new experiments get: the proxy scheme when serving artifacts, as MLflow does.</summary>
    public string EffectiveDefaultArtifactRoot =>
        !string.IsNullOrEmpty(DefaultArtifactRoot) ? DefaultArtifactRoot
        : ServeArtifacts ? "mlflow-artifacts:/"
        : Path.GetFullPath("./mlruns");
}
