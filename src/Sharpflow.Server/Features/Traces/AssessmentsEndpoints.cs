using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sharpflow.Core.Entities;
using Sharpflow.Core.Validation;
using Sharpflow.Server.Http;
using Sharpflow.Store.Tracing;
using static Sharpflow.Server.Http.MlflowRoutes;

namespace Sharpflow.Server.Features.Traces;

/// <summary>Assessments (feedback and expectations) on traces: /api/3.0/mlflow/traces/{trace_id}/assessments.</summary>
public static class AssessmentsEndpoints
{
    // Only the top level is declared: the Assessment message is read by AssessmentRequest, which applies protobuf's
    // rules to its maps, Values and Timestamps field by field.
    private static readonly ProtoMessage CreateMessage = new(ProtoMessage.Msg("assessment", new ProtoMessage()));
    private static readonly ProtoMessage UpdateMessage = new(ProtoMessage.Msg("assessment", new ProtoMessage()), ProtoMessage.Str("update_mask"));

    public static void MapAssessments(this IEndpointRouteBuilder app)
    {
        app.MapRpc(Post, "/traces/{trace_id}/assessments", Create, version: 3);
        app.MapRpc(Get, "/traces/{trace_id}/assessments/{assessment_id}", GetAssessment, version: 3);
        app.MapRpc(Patch, "/traces/{trace_id}/assessments/{assessment_id}", Update, version: 3);
        app.MapRpc(Delete, "/traces/{trace_id}/assessments/{assessment_id}", DeleteAssessment, version: 3);
    }

    private static IResult Reply(Assessment a) => Results.Bytes(AssessmentJson.Response(a), "application/json");

    private static async Task<IResult> Create(HttpContext http, TraceStore store, string trace_id)
    {
        var r = (await ProtoRequest.ReadAsync(http, CreateMessage)).Check("assessment", Rule.Required);
        // MLflow takes the trace from the path, whatever the body's assessment.trace_id says.
        var assessment = AssessmentRequest.Parse(r.GetMessage("assessment"), trace_id);
        return Reply(await store.CreateAssessmentAsync(assessment, http.RequestAborted));
    }

    private static async Task<IResult> GetAssessment(TraceStore store, string trace_id, string assessment_id, CancellationToken ct) =>
        Reply(await store.GetAssessmentAsync(trace_id, assessment_id, ct));

    private static async Task<IResult> Update(HttpContext http, TraceStore store, string trace_id, string assessment_id)
    {
        var r = (await ProtoRequest.ReadAsync(http, UpdateMessage)).Check("assessment", Rule.Required).Check("update_mask", Rule.Required);
        // A FieldMask travels as one string of lowerCamelCase paths; any other JSON leaves it empty, as in protobuf.
        var paths = AssessmentValidation.FieldMaskPaths(r.GetString("update_mask") ?? "");
        var update = AssessmentRequest.ParseUpdate(r.GetMessage("assessment"), paths);
        return Reply(await store.UpdateAssessmentAsync(trace_id, assessment_id, update, http.RequestAborted));
    }

    private static async Task<IResult> DeleteAssessment(TraceStore store, string trace_id, string assessment_id, CancellationToken ct)
    {
        await store.DeleteAssessmentAsync(trace_id, assessment_id, ct);
        return Http.Reply.Empty();
    }
}
