using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Sharpflow.Server.Http;

/// <summary>
/// `--artifacts-only`: tracking routes answer 503 with MLflow's text; the proxy routes (/mlflow-artifacts/...), /get-artifact,
/// the UI's upload-artifact (MLflow does not disable it either) and /health stay up.
/// </summary>
public static class ArtifactsOnly
{
    public static IApplicationBuilder UseArtifactsOnly(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            var path = http.Request.Path.Value ?? "";
            var tracking = (path.StartsWith("/api/", StringComparison.Ordinal) || path.StartsWith("/ajax-api/", StringComparison.Ordinal))
                           && path.Contains("/mlflow/", StringComparison.Ordinal)
                           && path != "/ajax-api/2.0/mlflow/upload-artifact";
            if (!tracking)
            {
                await next(http);
                return;
            }
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            http.Response.ContentType = "text/html; charset=utf-8";
            await http.Response.WriteAsync(
                $"Endpoint: {path} disabled due to the mlflow server running in `--artifacts-only` mode. " +
                "To enable tracking server functionality, run `mlflow server` without `--artifacts-only`");
        });
}
