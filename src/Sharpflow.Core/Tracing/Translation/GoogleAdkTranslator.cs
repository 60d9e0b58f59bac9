namespace Sharpflow.Core.Tracing.Translation;

/// <summary>Google ADK: GenAI conventions otherwise, with its own request/response and tool-call attributes.</summary>
internal sealed class GoogleAdkTranslator() : SpanTranslator(new ConventionKeys
{
    Inputs = ["gcp.vertex.agent.llm_request", "gcp.vertex.agent.tool_call_args"],
    Outputs = ["gcp.vertex.agent.llm_response", "gcp.vertex.agent.tool_response"],
});
