using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Sharpflow.Core.Python;

namespace Sharpflow.Server.Http;

/// <summary>
/// Routes see the path the client sent, decoded the way MLflow's server (uvicorn) decodes it: Kestrel removes
/// "." and ".." segments and keeps %2F encoded, so <c>artifacts/../mlflow.db</c> would silently become another
/// route. With the raw path, such requests reach the artifact routes and are refused there ("Invalid path"), as in
/// MLflow, instead of being answered for a different resource. (Kestrel itself rejects %00 in a path with a 400.)
/// </summary>
public static class RawRequestPath
{
    public static IApplicationBuilder UseRawRequestPath(this IApplicationBuilder app) =>
        app.Use((http, next) =>
        {
            var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget;
            if (raw is { Length: > 0 } && raw[0] == '/')
            {
                var query = raw.IndexOf('?');
                var decoded = PyUrl.Unquote(query < 0 ? raw : raw[..query]);
                if (!string.Equals(decoded, http.Request.Path.Value, StringComparison.Ordinal)) http.Request.Path = new PathString(decoded);
            }
            return next(http);
        });
}
