using Sharpflow.Server.Http;

namespace Sharpflow.Server.Features.Artifacts;

/// <summary>The artifact request messages (service.proto ListArtifacts, mlflow_artifacts.proto ListArtifacts).</summary>
public static class ArtifactMessages
{
    public static readonly ProtoMessage ListRunArtifacts = new(ProtoMessage.Str("run_id"), ProtoMessage.Str("run_uuid"),
        ProtoMessage.Str("path"), ProtoMessage.Str("page_token"));

    public static readonly ProtoMessage ListProxy = new(ProtoMessage.Str("path"));
}
