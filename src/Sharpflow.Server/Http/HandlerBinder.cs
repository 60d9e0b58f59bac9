using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Sharpflow.Server.Http;

/// <summary>
/// Turns an RPC handler into a RequestDelegate without ASP.NET's RequestDelegateFactory. That factory compiles an
/// expression tree per endpoint the first time the route table is used, which for our few hundred endpoints cost about
/// 200 ms in front of the first request after start (a Cloud Run cold start). Our handlers only take the HttpContext, a
/// CancellationToken, route values (string parameters named like the route's {segments}) and registered services, so
/// binding them is a fixed table per parameter, built once; anything else falls back to the framework's binding.
/// </summary>
internal static class HandlerBinder
{
    private enum Source { Context, Cancellation, Route, Service }

    /// <returns>The request delegate, or null when the handler needs the framework's binding.</returns>
    public static RequestDelegate? TryBind(Delegate handler, IReadOnlySet<string> routeParameters)
    {
        var method = handler.Method;
        var returnType = method.ReturnType;
        if (returnType != typeof(Task<IResult>) && returnType != typeof(IResult)) return null;
        var parameters = method.GetParameters();
        var sources = new Source[parameters.Length];
        var names = new string[parameters.Length];
        var types = new Type[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            types[i] = p.ParameterType;
            names[i] = p.Name ?? "";
            if (p.ParameterType == typeof(HttpContext)) sources[i] = Source.Context;
            else if (p.ParameterType == typeof(CancellationToken)) sources[i] = Source.Cancellation;
            else if (p.ParameterType == typeof(string) && routeParameters.Contains(names[i])) sources[i] = Source.Route;
            else if (p.ParameterType.IsClass && p.ParameterType != typeof(string) && p.GetCustomAttributes().All(a => a.GetType().Namespace != "Microsoft.AspNetCore.Mvc"))
                sources[i] = Source.Service;
            else return null;
        }
        var target = handler.Target;
        // MethodInvoker is .NET's fast path for calling one method many times (no argument-array checks, exceptions
        // not wrapped in TargetInvocationException); the per-request cost is an array of the handler's arguments.
        var invoker = MethodInvoker.Create(method);
        return async http =>
        {
            var args = new object?[sources.Length];
            for (var i = 0; i < sources.Length; i++)
                args[i] = sources[i] switch
                {
                    Source.Context => http,
                    Source.Cancellation => http.RequestAborted,
                    Source.Route => http.Request.RouteValues[names[i]] as string ?? "",
                    _ => http.RequestServices.GetRequiredService(types[i]),
                };
            var returned = invoker.Invoke(target, args.AsSpan());
            var result = returned is Task<IResult> pending ? await pending : (IResult?)returned;
            if (result is not null) await result.ExecuteAsync(http);
        };
    }

    /// <summary>The {name} segments of a route pattern ("{**path}" and "{id:int}" forms included).</summary>
    public static HashSet<string> RouteParameters(string pattern)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var start = pattern.IndexOf('{');
        while (start >= 0)
        {
            var end = pattern.IndexOf('}', start);
            if (end < 0) break;
            var name = pattern[(start + 1)..end].TrimStart('*');
            var colon = name.IndexOfAny([':', '=', '?']);
            names.Add(colon >= 0 ? name[..colon] : name);
            start = pattern.IndexOf('{', end);
        }
        return names;
    }
}
