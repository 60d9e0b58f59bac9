using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Sharpflow.Core.Errors;
using Sharpflow.Server.Contracts;

namespace Sharpflow.Server.Http;

/// <summary>One place that turns errors into MLflow's JSON error body and HTTP status.</summary>
public static class ErrorHandling
{
    public static async Task WriteErrorAsync(HttpContext http, MlflowException e)
    {
        if (http.Response.HasStarted) return;
        http.Response.Clear();
        http.Response.StatusCode = e.HttpStatus;
        http.Response.ContentType = "application/json";
        var body = new ErrorResponse(e.Code.ToString(), e.Message, ErrorTable.SqlState(e.Code), ErrorTable.ErrorClass(e.Code));
        await JsonSerializer.SerializeAsync(http.Response.Body, body, SharpflowJsonContext.Default.ErrorResponse);
    }

    public static IApplicationBuilder UseMlflowErrors(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            try
            {
                await next(http);
            }
            catch (MlflowException e)
            {
                await WriteErrorAsync(http, e);
            }
            catch (BadHttpRequestException e)
            {
                await WriteErrorAsync(http, new MlflowException(ErrorCode.BAD_REQUEST, e.Message));
            }
            catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
            {
                // The client went away; nothing to answer.
            }
            catch (Exception e)
            {
                var log = http.RequestServices.GetService(typeof(ILogger<MlflowException>)) as ILogger;
                log?.LogError(e, "Unhandled error on {Method} {Path}", http.Request.Method, http.Request.Path);
                await WriteErrorAsync(http, new MlflowException(ErrorCode.INTERNAL_ERROR, "Internal server error: " + e.GetType().Name));
            }
        });

    private const string NotFoundHtml =
        "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n";

    private const string MethodNotAllowedHtml =
        "<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n";

    /// <summary>Unknown routes and wrong methods answer with the HTML pages MLflow's server gives.</summary>
    public static IApplicationBuilder UseMlflowStatusPages(this IApplicationBuilder app) =>
        app.UseStatusCodePages(async ctx =>
        {
            var res = ctx.HttpContext.Response;
            var html = res.StatusCode switch { 404 => NotFoundHtml, 405 => MethodNotAllowedHtml, _ => null };
            if (html is null) return;
            res.ContentType = "text/html; charset=utf-8";
            await res.WriteAsync(html);
        });
}
