using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Sharpflow.Server.Http;

/// <summary>
/// MLflow 3.11's server protections, on unless --disable-security-middleware: Host header allow-list
/// (DNS rebinding), blocking of cross-origin state-changing API calls, CORS headers for allowed
/// origins, and nosniff / X-Frame-Options on every response.
/// </summary>
public static partial class SecurityMiddleware
{
    private static readonly string[] LocalhostVariants = ["localhost", "127.0.0.1", "[::1]", "0.0.0.0"];
    private static readonly string[] CorsLocalhostHosts = ["localhost", "127.0.0.1", "[::1]", "::1"];
    private static readonly string[] StateChanging = ["POST", "PUT", "DELETE", "PATCH"];

    [GeneratedRegex(@"^http://(localhost|127\.0\.0\.1|\[::1\])(:[0-9]+)?$")]
    private static partial Regex LocalhostOrigin();

    public static IReadOnlyList<string> DefaultAllowedHosts()
    {
        var hosts = new List<string>(LocalhostVariants);
        foreach (var h in LocalhostVariants) hosts.Add(h.StartsWith('[') ? h.Replace("[", "[[]", StringComparison.Ordinal) + ":*" : h + ":*");
        hosts.AddRange(["192.168.*", "10.*"]);
        for (var i = 16; i < 32; i++) hosts.Add($"172.{i}.*");
        hosts.AddRange(["fc00:*", "fd00:*"]);
        return hosts;
    }

    private static List<string>? SplitList(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Split(',').Select(s => s.Trim()).Where(s => s.Length > 0).ToList();

    private static bool Matches(IReadOnlyList<string> patterns, string value) =>
        patterns.Any(p => p.Contains('*') ? Fnmatch.IsMatch(value, p) : value == p);

    private static bool IsApiPath(string path) =>
        (path.StartsWith("/api/", StringComparison.Ordinal) || path.StartsWith("/ajax-api/", StringComparison.Ordinal))
        && path is not "/test" and not "/api/test";

    private static bool IsLocalhostOrigin(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var u) && CorsLocalhostHosts.Contains(u.Host);

    public static IApplicationBuilder UseMlflowSecurity(this IApplicationBuilder app, SharpflowOptions options, ILogger log)
    {
        if (options.DisableSecurityMiddleware) return app;
        var allowedHosts = SplitList(options.AllowedHosts) ?? DefaultAllowedHosts();
        var allowedOrigins = SplitList(options.CorsAllowedOrigins) ?? [];
        var anyOrigin = allowedOrigins.Contains("*");
        var frameOptions = options.XFrameOptions?.ToUpperInvariant();

        return app.Use(async (http, next) =>
        {
            var req = http.Request;
            var path = req.Path.Value ?? "";
            var host = req.Host.Value ?? "";
            if (!allowedHosts.Contains("*") && path is not ("/health" or "/version") && (host.Length == 0 || !Matches(allowedHosts, host)))
            {
                log.LogWarning("Rejected request with invalid Host header: {Host}", host);
                await PlainAsync(http, 403, "Invalid Host header - possible DNS rebinding attack detected");
                return;
            }

            http.Response.OnStarting(() =>
            {
                var h = http.Response.Headers;
                h["X-Content-Type-Options"] = "nosniff";
                if (!string.IsNullOrEmpty(frameOptions) && frameOptions != "NONE") h["X-Frame-Options"] = frameOptions;
                return Task.CompletedTask;
            });

            var origin = req.Headers.Origin.ToString();
            var originAllowed = origin.Length > 0 && (anyOrigin || LocalhostOrigin().IsMatch(origin) || Matches(allowedOrigins, origin));
            if (origin.Length > 0 && HttpMethods.IsOptions(req.Method) && req.Headers.ContainsKey("Access-Control-Request-Method"))
            {
                if (!originAllowed)
                {
                    await PlainAsync(http, 400, "Disallowed CORS origin");
                    return;
                }
                var h = http.Response.Headers;
                h["Access-Control-Allow-Origin"] = anyOrigin ? "*" : origin;
                h["Access-Control-Allow-Credentials"] = "true";
                h["Access-Control-Allow-Methods"] = anyOrigin ? req.Headers.AccessControlRequestMethod.ToString() : "GET, POST, PUT, DELETE, OPTIONS, PATCH";
                var requested = req.Headers.AccessControlRequestHeaders.ToString();
                if (requested.Length > 0) h["Access-Control-Allow-Headers"] = requested;
                h["Access-Control-Max-Age"] = "600";
                h.Vary = "Origin";
                await PlainAsync(http, IsApiPath(path) ? 204 : 200, IsApiPath(path) ? "" : "OK");
                return;
            }
            if (!anyOrigin && IsApiPath(path) && origin.Length > 0 && StateChanging.Contains(req.Method)
                && !IsLocalhostOrigin(origin) && !Matches(allowedOrigins, origin))
            {
                log.LogWarning("Blocked cross-origin request from {Origin}", origin);
                await PlainAsync(http, 403, "Cross-origin request blocked");
                return;
            }
            if (originAllowed)
            {
                var h = http.Response.Headers;
                h["Access-Control-Allow-Origin"] = anyOrigin ? "*" : origin;
                h["Access-Control-Allow-Credentials"] = "true";
                h["Access-Control-Expose-Headers"] = "*";
                h.Vary = "Origin";
            }
            await next(http);
        });
    }

    private static async Task PlainAsync(HttpContext http, int status, string text)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/plain";
        if (text.Length > 0) await http.Response.WriteAsync(text);
    }
}
