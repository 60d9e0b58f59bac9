using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sharpflow.Core.Errors;

namespace Sharpflow.Server.Features.Prometheus;

/// <summary>
/// <c>--expose-prometheus DIR</c>: times every request and serves <c>GET /metrics</c> (see <see cref="HttpMetrics"/>).
/// Without the flag nothing is added to the pipeline, so the feature costs nothing when off.
/// As in MLflow: /metrics is at the root even with --static-prefix (prometheus_flask_exporter registers it without
/// the prefix), requests whose path starts with /health or /version are not counted (probes would drown the rest), nor
/// are scrapes, and DIR is created if missing. MLflow keeps gunicorn workers' metrics in DIR; Sharpflow is one process
/// and keeps them in memory, so the folder stays empty.
/// </summary>
public static class PrometheusEndpoints
{
    public static void UsePrometheus(this IApplicationBuilder app, SharpflowOptions options)
    {
        if (string.IsNullOrEmpty(options.ExposePrometheus)) return;
        try
        {
            Directory.CreateDirectory(options.ExposePrometheus);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw MlflowException.InvalidParameter($"Cannot create the --expose-prometheus directory '{options.ExposePrometheus}': {e.Message}");
        }
        var metrics = new HttpMetrics();
        app.Use(async (http, next) =>
        {
            var path = http.Request.Path.Value ?? "";
            if (path == "/metrics" && (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)))
            {
                await ServeAsync(http, metrics);
                return;
            }
            if (path.StartsWith("/health", StringComparison.Ordinal) || path.StartsWith("/version", StringComparison.Ordinal))
            {
                await next(http);
                return;
            }
            var start = Stopwatch.GetTimestamp();
            var failed = false;
            try
            {
                await next(http);
            }
            catch
            {
                // Nothing inside answered: the server will close with a 500, so count it as one.
                failed = true;
                throw;
            }
            finally
            {
                // The matched endpoint stays on the context after routing; its template is the route label.
                var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
                metrics.Observe(Method(http.Request.Method), route, failed && !http.Response.HasStarted ? 500 : http.Response.StatusCode,
                    Stopwatch.GetTimestamp() - start);
            }
        });
    }

    private static async Task ServeAsync(HttpContext http, HttpMetrics metrics)
    {
        var names = http.Request.Query["name[]"];
        var text = metrics.Render(names.Count == 0 ? null : names.Where(n => n is not null).Select(n => n!).ToHashSet(StringComparer.Ordinal));
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = HttpMetrics.ContentType;
        if (!HttpMethods.IsHead(http.Request.Method)) await http.Response.WriteAsync(text);
    }

    /// <summary>The method label: the standard methods as Kestrel interns them; anything else one value, so clients cannot add series at will.</summary>
    private static string Method(string method) =>
        HttpMethods.IsGet(method) ? HttpMethods.Get
        : HttpMethods.IsPost(method) ? HttpMethods.Post
        : HttpMethods.IsPut(method) ? HttpMethods.Put
        : HttpMethods.IsDelete(method) ? HttpMethods.Delete
        : HttpMethods.IsPatch(method) ? HttpMethods.Patch
        : HttpMethods.IsHead(method) ? HttpMethods.Head
        : HttpMethods.IsOptions(method) ? HttpMethods.Options
        : "OTHER";
}
