using Sharpflow.Server.Http;

namespace Sharpflow.Server.Features.Traces;

/// <summary>The trace request messages of service.proto (TraceInfoV3 and the legacy v2 TraceInfo requests).</summary>
public static class TraceMessages
{
    private static ProtoField S(string name) => ProtoMessage.Str(name);

    public static readonly ProtoMessage KeyValue = new(S("key"), S("value"));

    public static readonly ProtoMessage TraceLocation = new(
        ProtoMessage.Enum("type", "MLFLOW_EXPERIMENT", "INFERENCE_TABLE"),
        ProtoMessage.Msg("mlflow_experiment", new ProtoMessage(S("experiment_id"))),
        ProtoMessage.Msg("inference_table", new ProtoMessage(S("full_table_name"))));

    /// <summary>
    /// TraceInfoV3. Timestamp and Duration are strings in protobuf JSON; the maps (trace_metadata, tags) and the
    /// assessments are read by <see cref="TraceInfoJson.ParseV3"/>, so only their JSON kind is declared here.
    /// </summary>
    public static readonly ProtoMessage TraceInfoV3 = new(S("trace_id"), S("client_request_id"), ProtoMessage.Msg("trace_location", TraceLocation),
        S("request"), S("response"), S("request_preview"), S("response_preview"), S("request_time"), S("execution_duration"),
        ProtoMessage.Enum("state", "OK", "ERROR", "IN_PROGRESS"), ProtoMessage.Msg("trace_metadata", new ProtoMessage()),
        ProtoMessage.MsgList("assessments", new ProtoMessage()), ProtoMessage.Msg("tags", new ProtoMessage()));

    public static readonly ProtoMessage Trace = new(ProtoMessage.Msg("trace_info", TraceInfoV3), ProtoMessage.MsgList("spans", new ProtoMessage()));

    public static readonly ProtoMessage StartTraceV3 = new(ProtoMessage.Msg("trace", Trace));
    public static readonly ProtoMessage GetTraceInfoV3 = new(S("trace_id"));
    public static readonly ProtoMessage BatchGetTraceInfos = new(ProtoMessage.StrList("trace_ids"));

    public static readonly ProtoMessage SearchTracesV3 = new(ProtoMessage.MsgList("locations", TraceLocation), S("filter"),
        ProtoMessage.Int("max_results"), ProtoMessage.StrList("order_by"), S("page_token"));

    public static readonly ProtoMessage SearchTraces = new(ProtoMessage.StrList("experiment_ids"), S("filter"), ProtoMessage.Int("max_results"),
        ProtoMessage.StrList("order_by"), S("page_token"));

    public static readonly ProtoMessage DeleteTraces = new(S("experiment_id"), ProtoMessage.Int("max_timestamp_millis"), ProtoMessage.Int("max_traces"),
        ProtoMessage.StrList("request_ids"));

    public static readonly ProtoMessage SetTraceTag = new(S("request_id"), S("trace_id"), S("key"), S("value"));
    public static readonly ProtoMessage DeleteTraceTag = new(S("request_id"), S("trace_id"), S("key"));
    public static readonly ProtoMessage LinkTracesToRun = new(ProtoMessage.StrList("trace_ids"), S("run_id"));

    public static readonly ProtoMessage LinkPromptsToTrace = new(S("trace_id"),
        ProtoMessage.MsgList("prompt_versions", new ProtoMessage(S("name"), S("version"))));

    public static readonly ProtoMessage CalculateTraceFilterCorrelation = new(ProtoMessage.StrList("experiment_ids"), S("filter_string1"),
        S("filter_string2"), S("base_filter"));

    // Legacy v2 (TraceStatus: TRACE_STATUS_UNSPECIFIED = 0, then these).
    private static readonly string[] TraceStatuses = ["OK", "ERROR", "IN_PROGRESS"];

    public static readonly ProtoMessage StartTrace = new(S("experiment_id"), ProtoMessage.Int("timestamp_ms"),
        ProtoMessage.MsgList("request_metadata", KeyValue), ProtoMessage.MsgList("tags", KeyValue));

    public static readonly ProtoMessage EndTrace = new(S("request_id"), ProtoMessage.Int("timestamp_ms"), ProtoMessage.Enum("status", TraceStatuses),
        ProtoMessage.MsgList("request_metadata", KeyValue), ProtoMessage.MsgList("tags", KeyValue));

    public static readonly ProtoMessage GetTraceInfo = new(S("request_id"));
}
