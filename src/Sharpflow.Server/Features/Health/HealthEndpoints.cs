using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Builder;
using Sharpflow.Server.Contracts;
using Sharpflow.Server.Http;
using Sharpflow.Store;
using Sharpflow.Store.Sql;

namespace Sharpflow.Server.Features.Health;

public static class HealthEndpoints
{
    /// <summary>The MLflow version we are compatible with; clients switch features on it.</summary>
    public const string MlflowVersion = "3.11.2.dev0";

    /// <summary>
    /// GET /health answered before routing: a liveness probe (Cloud Run's start-up probe) does not wait for the route
    /// table, which ASP.NET builds on first use. Same answer as the routed endpoint below.
    /// </summary>
    public static void UseHealthBeforeRouting(this IApplicationBuilder app) =>
        app.Use((http, next) =>
        {
            if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method) || http.Request.Path != "/health") return next(http);
            http.Response.ContentType = "text/html; charset=utf-8";
            http.Response.ContentLength = 2;
            return HttpMethods.IsHead(http.Request.Method) ? Task.CompletedTask : http.Response.WriteAsync("OK");
        });

    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", () => Results.Text("OK", "text/html; charset=utf-8"));
        app.MapGet("/version", () => Results.Text(MlflowVersion, "text/html; charset=utf-8"));
        // /health answers as long as the process serves (MLflow's liveness check). /ready also proves the database
        // answers, for a readiness or startup probe: 503 while it does not, so a load balancer sends traffic elsewhere.
        app.MapGet("/ready", async (SqlDatabase db, CancellationToken ct) =>
        {
            try
            {
                await db.ReadAsync(async c => await c.Sql("SELECT 1").ScalarAsync(ct), ct);
                return Results.Text("OK", "text/plain; charset=utf-8");
            }
            catch (Sharpflow.Core.Errors.MlflowException e)
            {
                return Results.Text($"database unavailable: {e.Message}", "text/plain; charset=utf-8", statusCode: 503);
            }
        });
        app.MapGet("/ajax-api/3.0/mlflow/server-info", (SqlDatabase db) =>
            Reply.Json(new ServerInfoResponse(db.Dialect.Kind == DbKind.Sqlite ? "SqlStore" : "SqlStore", false),
                SharpflowJsonContext.Default.ServerInfoResponse));
    }
}
