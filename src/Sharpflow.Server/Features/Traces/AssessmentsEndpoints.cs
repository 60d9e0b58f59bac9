using Microsoft.AspNetCore.Routing;

namespace Sharpflow.Server.Features.Traces;

/// <summary>Assessments (feedback and expectations) on traces: /api/3.0/mlflow/traces/{trace_id}/assessments.</summary>
public static class AssessmentsEndpoints
{
    public static void MapAssessments(this IEndpointRouteBuilder app)
    {
    }
}
