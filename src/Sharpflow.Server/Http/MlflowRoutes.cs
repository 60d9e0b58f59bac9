using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Sharpflow.Server.Http;

/// <summary>
/// Registers an MLflow RPC once and serves it where MLflow does: /api/{v}.0/mlflow/... for clients and
/// /ajax-api/{v}.0/mlflow/... for the UI.
/// </summary>
public static class MlflowRoutes
{
    public static readonly string[] Get = ["GET"];
    public static readonly string[] Post = ["POST"];
    public static readonly string[] GetPost = ["GET", "POST"];
    public static readonly string[] Patch = ["PATCH"];
    public static readonly string[] Delete = ["DELETE"];

    public static void MapRpc(this IEndpointRouteBuilder app, string[] methods, string path, Delegate handler, int version = 2)
    {
        var bound = HandlerBinder.TryBind(handler, HandlerBinder.RouteParameters(path));
        Map(app, $"/api/{version}.0/mlflow{path}", methods, handler, bound);
        Map(app, $"/ajax-api/{version}.0/mlflow{path}", methods, handler, bound);
    }

    public static void MapAjaxOnly(this IEndpointRouteBuilder app, string[] methods, string path, Delegate handler, int version = 2) =>
        Map(app, $"/ajax-api/{version}.0/mlflow{path}", methods, handler, HandlerBinder.TryBind(handler, HandlerBinder.RouteParameters(path)));

    // Every RPC handler must bind through HandlerBinder: the framework's delegate binding needs dynamic code, which a
    // Native AOT build does not have, so a handler it cannot bind fails the start (and every test) instead of a request.
    private static void Map(IEndpointRouteBuilder app, string pattern, string[] methods, Delegate handler, RequestDelegate? bound) =>
        app.MapMethods(pattern, methods, bound ?? throw new InvalidOperationException(
            $"The handler {handler.Method.DeclaringType?.Name}.{handler.Method.Name} for {pattern} takes a parameter HandlerBinder cannot bind."));
}
