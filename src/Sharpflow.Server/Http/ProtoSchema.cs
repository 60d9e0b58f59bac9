namespace Sharpflow.Server.Http;

public enum ProtoType { String, Int64, Double, Bool, Enum, Message }

/// <summary>A request field as service.proto declares it; drives protobuf-style JSON parsing.</summary>
public sealed record ProtoField(string Name, ProtoType Type, bool Repeated = false, ProtoMessage? Message = null, string[]? EnumNames = null);

/// <summary>A request message: its fields by JSON name. Unknown fields in a request are ignored, as MLflow does.</summary>
public sealed class ProtoMessage
{
    public ProtoMessage(params ProtoField[] fields) => Fields = fields.ToDictionary(f => f.Name);

    public IReadOnlyDictionary<string, ProtoField> Fields { get; }

    public static ProtoField Str(string name) => new(name, ProtoType.String);
    public static ProtoField Int(string name) => new(name, ProtoType.Int64);
    public static ProtoField Dbl(string name) => new(name, ProtoType.Double);
    public static ProtoField Bool(string name) => new(name, ProtoType.Bool);
    public static ProtoField Enum(string name, params string[] names) => new(name, ProtoType.Enum, EnumNames: names);
    public static ProtoField StrList(string name) => new(name, ProtoType.String, Repeated: true);
    public static ProtoField Msg(string name, ProtoMessage m) => new(name, ProtoType.Message, Message: m);
    public static ProtoField MsgList(string name, ProtoMessage m) => new(name, ProtoType.Message, Repeated: true, Message: m);
}

/// <summary>The request messages of the tracking service that Sharpflow serves.</summary>
public static class TrackingMessages
{
    private static readonly string[] ViewTypes = ["ACTIVE_ONLY", "DELETED_ONLY", "ALL"];
    private static readonly string[] RunStatuses = ["RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"];

    public static readonly ProtoMessage Tag = new(ProtoMessage.Str("key"), ProtoMessage.Str("value"));
    public static readonly ProtoMessage Metric = new(ProtoMessage.Str("key"), ProtoMessage.Dbl("value"), ProtoMessage.Int("timestamp"),
        ProtoMessage.Int("step"), ProtoMessage.Str("dataset_name"), ProtoMessage.Str("dataset_digest"), ProtoMessage.Str("model_id"), ProtoMessage.Str("run_id"));
    public static readonly ProtoMessage Dataset = new(ProtoMessage.Str("name"), ProtoMessage.Str("digest"), ProtoMessage.Str("source_type"),
        ProtoMessage.Str("source"), ProtoMessage.Str("schema"), ProtoMessage.Str("profile"));
    public static readonly ProtoMessage DatasetInput = new(ProtoMessage.MsgList("tags", Tag), ProtoMessage.Msg("dataset", Dataset));
    public static readonly ProtoMessage ModelInput = new(ProtoMessage.Str("model_id"));
    public static readonly ProtoMessage ModelOutput = new(ProtoMessage.Str("model_id"), ProtoMessage.Int("step"));

    public static readonly ProtoMessage CreateExperiment = new(ProtoMessage.Str("name"), ProtoMessage.Str("artifact_location"), ProtoMessage.MsgList("tags", Tag));
    public static readonly ProtoMessage GetExperiment = new(ProtoMessage.Str("experiment_id"));
    public static readonly ProtoMessage GetExperimentByName = new(ProtoMessage.Str("experiment_name"));
    public static readonly ProtoMessage ExperimentId = new(ProtoMessage.Str("experiment_id"));
    public static readonly ProtoMessage UpdateExperiment = new(ProtoMessage.Str("experiment_id"), ProtoMessage.Str("new_name"));
    public static readonly ProtoMessage SetExperimentTag = new(ProtoMessage.Str("experiment_id"), ProtoMessage.Str("key"), ProtoMessage.Str("value"));
    public static readonly ProtoMessage DeleteExperimentTag = new(ProtoMessage.Str("experiment_id"), ProtoMessage.Str("key"));
    public static readonly ProtoMessage SearchExperiments = new(ProtoMessage.Int("max_results"), ProtoMessage.Str("page_token"),
        ProtoMessage.Str("filter"), ProtoMessage.StrList("order_by"), ProtoMessage.Enum("view_type", ViewTypes));

    public static readonly ProtoMessage CreateRun = new(ProtoMessage.Str("experiment_id"), ProtoMessage.Str("user_id"), ProtoMessage.Str("run_name"),
        ProtoMessage.Int("start_time"), ProtoMessage.MsgList("tags", Tag));
    public static readonly ProtoMessage UpdateRun = new(ProtoMessage.Str("run_id"), ProtoMessage.Str("run_uuid"),
        ProtoMessage.Enum("status", RunStatuses), ProtoMessage.Int("end_time"), ProtoMessage.Str("run_name"));
    public static readonly ProtoMessage RunId = new(ProtoMessage.Str("run_id"), ProtoMessage.Str("run_uuid"));
    public static readonly ProtoMessage LogMetric = new(ProtoMessage.Str("run_id"), ProtoMessage.Str("run_uuid"), ProtoMessage.Str("key"),
        ProtoMessage.Dbl("value"), ProtoMessage.Int("timestamp"), ProtoMessage.Int("step"), ProtoMessage.Str("model_id"),
        ProtoMessage.Str("dataset_name"), ProtoMessage.Str("dataset_digest"));
    public static readonly ProtoMessage LogParam = new(ProtoMessage.Str("run_id"), ProtoMessage.Str("run_uuid"), ProtoMessage.Str("key"), ProtoMessage.Str("value"));
    public static readonly ProtoMessage SetTag = LogParam;
    public static readonly ProtoMessage DeleteTag = new(ProtoMessage.Str("run_id"), ProtoMessage.Str("key"));
    public static readonly ProtoMessage SearchRuns = new(ProtoMessage.StrList("experiment_ids"), ProtoMessage.Str("filter"),
        ProtoMessage.Enum("run_view_type", ViewTypes), ProtoMessage.Int("max_results"), ProtoMessage.StrList("order_by"), ProtoMessage.Str("page_token"));
    public static readonly ProtoMessage LogBatch = new(ProtoMessage.Str("run_id"), ProtoMessage.MsgList("metrics", Metric),
        ProtoMessage.MsgList("params", Tag), ProtoMessage.MsgList("tags", Tag));
    public static readonly ProtoMessage LogModel = new(ProtoMessage.Str("run_id"), ProtoMessage.Str("model_json"));
    public static readonly ProtoMessage LogInputs = new(ProtoMessage.Str("run_id"), ProtoMessage.MsgList("datasets", DatasetInput),
        ProtoMessage.MsgList("models", ModelInput));
    public static readonly ProtoMessage LogOutputs = new(ProtoMessage.Str("run_id"), ProtoMessage.MsgList("models", ModelOutput));
    public static readonly ProtoMessage GetMetricHistory = new(ProtoMessage.Str("run_id"), ProtoMessage.Str("run_uuid"), ProtoMessage.Str("metric_key"),
        ProtoMessage.Str("page_token"), ProtoMessage.Int("max_results"));
    public static readonly ProtoMessage GetMetricHistoryBulkInterval = new(ProtoMessage.StrList("run_ids"), ProtoMessage.Str("metric_key"),
        ProtoMessage.Int("start_step"), ProtoMessage.Int("end_step"), ProtoMessage.Int("max_results"));
    public static readonly ProtoMessage SearchDatasets = new(ProtoMessage.StrList("experiment_ids"));
}
