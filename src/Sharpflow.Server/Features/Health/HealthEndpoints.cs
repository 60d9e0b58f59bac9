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

    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", () => Results.Text("OK", "text/html; charset=utf-8"));
        app.MapGet("/version", () => Results.Text(MlflowVersion, "text/html; charset=utf-8"));
        app.MapGet("/ajax-api/3.0/mlflow/server-info", (SqlDatabase db) =>
            Reply.Json(new ServerInfoResponse(db.Dialect.Kind == DbKind.Sqlite ? "SqlStore" : "SqlStore", false),
                SharpflowJsonContext.Default.ServerInfoResponse));
    }
}
