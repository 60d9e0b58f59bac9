using System.Text.Json;
using Sharpflow.Core.Entities;

namespace Sharpflow.Server.Features.Traces;

/// <summary>
/// Assessments inside a TraceInfoV3 (`assessments`): their JSON belongs to the assessment endpoints (AssessmentJson,
/// AssessmentRequest); trace infos only embed it. This is the one place where the two meet.
/// </summary>
internal static class TraceAssessmentsJson
{
    public static void Write(Utf8JsonWriter w, Assessment a) => AssessmentJson.Write(w, a);

    public static Assessment Parse(JsonElement json) => AssessmentRequest.Parse(json);
}
