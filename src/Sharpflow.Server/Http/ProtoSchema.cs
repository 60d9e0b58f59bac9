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

/// <summary>The request messages of the model registry service (model_registry.proto).</summary>
public static class RegistryMessages
{
    private static ProtoField S(string name) => ProtoMessage.Str(name);

    public static readonly ProtoMessage Tag = new(S("key"), S("value"));
    public static readonly ProtoMessage CreateRegisteredModel = new(S("name"), ProtoMessage.MsgList("tags", Tag), S("description"), S("deployment_job_id"));
    public static readonly ProtoMessage RenameRegisteredModel = new(S("name"), S("new_name"));
    public static readonly ProtoMessage UpdateRegisteredModel = new(S("name"), S("description"), S("deployment_job_id"));
    public static readonly ProtoMessage Name = new(S("name"));
    public static readonly ProtoMessage SearchRegisteredModels = new(S("filter"), ProtoMessage.Int("max_results"), ProtoMessage.StrList("order_by"), S("page_token"));
    public static readonly ProtoMessage GetLatestVersions = new(S("name"), ProtoMessage.StrList("stages"));
    public static readonly ProtoMessage CreateModelVersion = new(S("name"), S("source"), S("run_id"), ProtoMessage.MsgList("tags", Tag), S("run_link"),
        S("description"), S("model_id"));
    public static readonly ProtoMessage UpdateModelVersion = new(S("name"), S("version"), S("description"));
    public static readonly ProtoMessage TransitionModelVersionStage = new(S("name"), S("version"), S("stage"), ProtoMessage.Bool("archive_existing_versions"));
    public static readonly ProtoMessage NameVersion = new(S("name"), S("version"));
    public static readonly ProtoMessage SearchModelVersions = SearchRegisteredModels;
    public static readonly ProtoMessage SetRegisteredModelTag = new(S("name"), S("key"), S("value"));
    public static readonly ProtoMessage DeleteRegisteredModelTag = new(S("name"), S("key"));
    public static readonly ProtoMessage SetModelVersionTag = new(S("name"), S("version"), S("key"), S("value"));
    public static readonly ProtoMessage DeleteModelVersionTag = new(S("name"), S("version"), S("key"));
    public static readonly ProtoMessage SetRegisteredModelAlias = new(S("name"), S("alias"), S("version"));
    public static readonly ProtoMessage Alias = new(S("name"), S("alias"));
}

/// <summary>The logged-model request messages of the tracking service (service.proto, MLflow 3).</summary>
public static class LoggedModelMessages
{
    private static ProtoField S(string name) => ProtoMessage.Str(name);

    public static readonly ProtoMessage KeyValue = new(S("key"), S("value"));
    public static readonly ProtoMessage Create = new(S("experiment_id"), S("name"), S("model_type"), S("source_run_id"),
        ProtoMessage.MsgList("params", KeyValue), ProtoMessage.MsgList("tags", KeyValue));
    public static readonly ProtoMessage Finalize = new(S("model_id"),
        ProtoMessage.Enum("status", "LOGGED_MODEL_PENDING", "LOGGED_MODEL_READY", "LOGGED_MODEL_UPLOAD_FAILED"));
    public static readonly ProtoMessage SetTags = new(S("model_id"), ProtoMessage.MsgList("tags", KeyValue));
    public static readonly ProtoMessage LogParams = new(S("model_id"), ProtoMessage.MsgList("params", KeyValue));
    public static readonly ProtoMessage Dataset = new(S("dataset_name"), S("dataset_digest"));
    public static readonly ProtoMessage OrderBy = new(S("field_name"), ProtoMessage.Bool("ascending"), S("dataset_name"), S("dataset_digest"));
    public static readonly ProtoMessage Search = new(ProtoMessage.StrList("experiment_ids"), S("filter"), ProtoMessage.MsgList("datasets", Dataset),
        ProtoMessage.Int("max_results"), ProtoMessage.MsgList("order_by", OrderBy), S("page_token"));
    public static readonly ProtoMessage ListArtifacts = new(S("model_id"), S("artifact_directory_path"), S("page_token"));
}

/// <summary>The request messages of the webhook service (webhooks.proto).</summary>
public static class WebhookMessages
{
    private static ProtoField S(string name) => ProtoMessage.Str(name);

    /// <summary>Enum names after the proto's 0 = *_UNSPECIFIED value, so index + 1 is the proto number.</summary>
    public static readonly string[] Entities =
    [
        "REGISTERED_MODEL", "MODEL_VERSION", "MODEL_VERSION_TAG", "MODEL_VERSION_ALIAS", "PROMPT", "PROMPT_VERSION", "PROMPT_TAG",
        "PROMPT_VERSION_TAG", "PROMPT_ALIAS", "BUDGET_POLICY",
    ];

    public static readonly string[] Actions = ["CREATED", "UPDATED", "DELETED", "SET", "EXCEEDED"];
    public static readonly string[] Statuses = ["ACTIVE", "DISABLED"];

    public static readonly ProtoMessage Event = new(ProtoMessage.Enum("entity", Entities), ProtoMessage.Enum("action", Actions));
    public static readonly ProtoMessage Create = new(S("name"), S("description"), S("url"), ProtoMessage.MsgList("events", Event), S("secret"),
        ProtoMessage.Enum("status", Statuses));
    public static readonly ProtoMessage List = new(ProtoMessage.Int("max_results"), S("page_token"));
    public static readonly ProtoMessage Update = new(S("webhook_id"), S("name"), S("description"), S("url"), ProtoMessage.MsgList("events", Event),
        S("secret"), ProtoMessage.Enum("status", Statuses));
    public static readonly ProtoMessage Test = new(S("webhook_id"), ProtoMessage.Msg("event", Event));
}
