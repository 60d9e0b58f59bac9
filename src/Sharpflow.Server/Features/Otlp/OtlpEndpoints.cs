using Microsoft.AspNetCore.Routing;

namespace Sharpflow.Server.Features.Otlp;

/// <summary>OTLP/HTTP trace ingestion (POST /v1/traces), as MLflow's FastAPI route serves it.</summary>
public static class OtlpEndpoints
{
    public static void MapOtlp(this IEndpointRouteBuilder app)
    {
    }
}
