using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Sharpflow.Server.Http;

/// <summary>
/// Logs as Cloud Logging reads them from a container's stdout: one JSON object per line with "severity", "message",
/// "time", and, inside a request, "logging.googleapis.com/trace" taken from Cloud Run's X-Cloud-Trace-Context (or W3C
/// traceparent) header so a log line links to its request; server errors also carry "httpRequest".
/// See https://cloud.google.com/logging/docs/structured-logging for the field names.
/// </summary>
public sealed class CloudLoggingFormatter() : ConsoleFormatter(Name)
{
    public new const string Name = "cloud-json";
    internal const string TraceKey = "logging.googleapis.com/trace";
    internal const string HttpRequestKey = "httpRequest";

    public override void Write<TState>(in LogEntry<TState> entry, IExternalScopeProvider? scopes, TextWriter textWriter)
    {
        var message = entry.Formatter(entry.State, entry.Exception);
        if (entry.Exception is not null) message += Environment.NewLine + entry.Exception;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("severity", Severity(entry.LogLevel));
            json.WriteString("message", message);
            json.WriteString("time", DateTimeOffset.UtcNow.ToString("O"));
            json.WriteString("logger", entry.Category);
            scopes?.ForEachScope((scope, w) =>
            {
                if (scope is not IEnumerable<KeyValuePair<string, object?>> pairs) return;
                foreach (var (key, value) in pairs)
                {
                    if (key == TraceKey && value is string trace) w.WriteString(TraceKey, trace);
                    else if (key == HttpRequestKey && value is HttpRequestLog req) req.WriteTo(w);
                }
            }, json);
            json.WriteEndObject();
        }
        textWriter.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    private static string Severity(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARNING",
        LogLevel.Error => "ERROR",
        LogLevel.Critical => "CRITICAL",
        _ => "DEFAULT",
    };

    /// <summary>Cloud Logging's trace name for the request, or null without a trace header or project id.</summary>
    public static string? TraceName(IHeaderDictionary headers, string? project)
    {
        if (string.IsNullOrEmpty(project)) return null;
        string? id = null;
        var cloud = headers["X-Cloud-Trace-Context"].FirstOrDefault();
        if (!string.IsNullOrEmpty(cloud)) id = cloud.Split('/', ';')[0];
        else if (headers["traceparent"].FirstOrDefault() is { Length: >= 55 } tp && tp[2] == '-') id = tp.Substring(3, 32);
        return string.IsNullOrEmpty(id) ? null : $"projects/{project}/traces/{id}";
    }
}

/// <summary>The httpRequest fields Cloud Logging shows for a request.</summary>
internal sealed record HttpRequestLog(string Method, string Url, int Status, TimeSpan Latency, string? UserAgent, string? RemoteIp)
{
    public void WriteTo(Utf8JsonWriter w)
    {
        w.WriteStartObject(CloudLoggingFormatter.HttpRequestKey);
        w.WriteString("requestMethod", Method);
        w.WriteString("requestUrl", Url);
        w.WriteNumber("status", Status);
        w.WriteString("latency", $"{Latency.TotalSeconds:0.000}s");
        if (UserAgent is not null) w.WriteString("userAgent", UserAgent);
        if (RemoteIp is not null) w.WriteString("remoteIp", RemoteIp);
        w.WriteEndObject();
    }
}

public static class CloudLoggingMiddleware
{
    /// <summary>
    /// With JSON logs: every log line written during a request carries its trace, and a request answered with a
    /// server error is logged once with its httpRequest (Cloud Run's request log has the rest).
    /// </summary>
    public static void UseCloudLogging(this WebApplication app, ILogger log)
    {
        var project = Environment.GetEnvironmentVariable("GOOGLE_CLOUD_PROJECT") ?? Environment.GetEnvironmentVariable("GCP_PROJECT");
        app.Use(async (http, next) =>
        {
            var trace = CloudLoggingFormatter.TraceName(http.Request.Headers, project);
            using var scope = trace is null ? null : log.BeginScope(new Dictionary<string, object?> { [CloudLoggingFormatter.TraceKey] = trace });
            var started = Stopwatch.GetTimestamp();
            await next(http);
            if (http.Response.StatusCode >= 500)
            {
                var req = new HttpRequestLog(http.Request.Method, http.Request.Path + http.Request.QueryString, http.Response.StatusCode,
                    Stopwatch.GetElapsedTime(started), http.Request.Headers.UserAgent.FirstOrDefault(), http.Connection.RemoteIpAddress?.ToString());
                using (log.BeginScope(new Dictionary<string, object?> { [CloudLoggingFormatter.HttpRequestKey] = req }))
                    log.LogError("{Method} {Path} answered {Status}", req.Method, http.Request.Path.Value, req.Status);
            }
        });
    }
}
