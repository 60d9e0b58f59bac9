using Microsoft.AspNetCore.Routing;

namespace Sharpflow.Server.Features.Traces;

/// <summary>MLflow's trace API (v3 and the v2 routes the 3.x client still calls): start, get, search, delete, tags, link to runs.</summary>
public static class TracesEndpoints
{
    public static void MapTraces(this IEndpointRouteBuilder app)
    {
    }
}
