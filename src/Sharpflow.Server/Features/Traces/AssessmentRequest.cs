using System.Text.Json;
using Sharpflow.Core.Entities;
using Sharpflow.Core.Python;
using Sharpflow.Core.Validation;

namespace Sharpflow.Server.Features.Traces;

/// <summary>
/// Reads an Assessment message from request JSON the way MLflow 3.11 does: protobuf JSON parsing, then its entity
/// classes (Feedback / Expectation / IssueReference .from_proto), whose quirks decide what is kept. A field protobuf would
/// refuse (wrong JSON type, bad timestamp) counts as unset, as MLflow goes on with what it parsed. Public because
/// StartTraceV3 carries assessments inside `trace.trace_info.assessments`.
/// </summary>
public static class AssessmentRequest
{
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    /// <summary>
    /// An assessment to create. Empty assessment_id and zero times mean "let the store choose". Only feedback keeps
    /// `overrides` and `rationale`; MLflow's Expectation drops both, its IssueReference drops `overrides`.
    /// </summary>
    public static Assessment Parse(JsonElement? message, string traceId)
    {
        var obj = message ?? default;
        var isObj = message is { ValueKind: JsonValueKind.Object };
        string? Str(string name) => isObj ? Text(obj, name) : null;

        var (kind, body) = isObj ? ValueOneof(obj) : (null, default);
        if (kind is null) throw AssessmentValidation.UnknownType();
        string valueJson;
        AssessmentError? error = null;
        switch (kind)
        {
            case AssessmentKinds.Feedback:
                (valueJson, error) = Feedback(body);
                break;
            case AssessmentKinds.Expectation:
                valueJson = ExpectationValue(body);
                break;
            default:
                valueJson = PyJson.Dumps(new List<KeyValuePair<string, object?>> { new("issue_name", Text(body, "issue_name") ?? "") });
                break;
        }
        return new Assessment
        {
            AssessmentId = Str("assessment_id") ?? "",
            Name = Str("assessment_name") ?? "",
            TraceId = traceId,
            SpanId = NonEmpty(Str("span_id")),
            Source = Source(isObj && obj.TryGetProperty("source", out var s) ? s : default),
            CreateTimeMs = Time(Str("create_time")),
            LastUpdateTimeMs = Time(Str("last_update_time")),
            Kind = kind,
            ValueJson = valueJson,
            Error = error,
            Rationale = kind == AssessmentKinds.Expectation ? null : NonEmpty(Str("rationale")),
            Metadata = isObj ? Metadata(obj) : null,
            Overrides = kind == AssessmentKinds.Feedback ? NonEmpty(Str("overrides")) : null,
        };
    }

    /// <summary>
    /// An assessment carried inside a trace (StartTraceV3): its own trace_id, or "" for the store to fill in with the
    /// trace's (<c>TraceStore.InsertAssessmentsAsync</c>).
    /// </summary>
    public static Assessment Parse(JsonElement message) =>
        Parse(message, message.ValueKind == JsonValueKind.Object ? Text(message, "trace_id") ?? "" : "");

    /// <summary>
    /// The fields named by an update_mask, read from the request's assessment (unset ones as protobuf defaults: "" for
    /// strings, null for a feedback value, true for valid). Paths MLflow does not know are ignored, as it does.
    /// </summary>
    public static AssessmentUpdate ParseUpdate(JsonElement? message, IReadOnlyList<string> paths)
    {
        var obj = message is { ValueKind: JsonValueKind.Object } m ? m : EmptyObject;
        var update = new AssessmentUpdate();
        foreach (var path in paths)
        {
            update = path switch
            {
                "assessment_name" => update with { Name = Text(obj, "assessment_name") ?? "" },
                "expectation" => update with { ExpectationValueJson = ExpectationValue(Child(obj, "expectation")) },
                "feedback" => Feedback(Child(obj, "feedback")) is var (value, error)
                    ? update with { FeedbackValueJson = value, FeedbackError = error }
                    : update,
                "rationale" => update with { Rationale = Text(obj, "rationale") ?? "" },
                "metadata" => update with { Metadata = Metadata(obj) ?? new Dictionary<string, string>() },
                // proto2 declares `valid` with default true.
                "valid" => update with { Valid = obj.TryGetProperty("valid", out var v) && v.ValueKind == JsonValueKind.False ? false : true },
                _ => update,
            };
        }
        return update;
    }

    /// <summary>The first of the `value` oneof's members present (protobuf stops at a second one, keeping the first).</summary>
    private static (string? Kind, JsonElement Body) ValueOneof(JsonElement obj)
    {
        foreach (var p in obj.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.Object) continue;
            switch (p.Name)
            {
                case "feedback": return (AssessmentKinds.Feedback, p.Value);
                case "expectation": return (AssessmentKinds.Expectation, p.Value);
                case "issue": return (AssessmentKinds.Issue, p.Value);
            }
        }
        return (null, default);
    }

    /// <summary>Feedback value (any JSON; absent = None) and error, as stored.</summary>
    private static (string ValueJson, AssessmentError? Error) Feedback(JsonElement feedback)
    {
        var value = feedback.ValueKind == JsonValueKind.Object && feedback.TryGetProperty("value", out var v) ? ToPython(v) : null;
        AssessmentError? error = null;
        if (feedback.ValueKind == JsonValueKind.Object && feedback.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object)
            error = new AssessmentError(Text(e, "error_code") ?? "", NonEmpty(Text(e, "error_message")), NonEmpty(Text(e, "stack_trace")));
        return (PyJson.Dumps(value), error);
    }

    /// <summary>An expectation's value as stored: serialized_value (JSON_FORMAT only) wins over value; None is refused.</summary>
    private static string ExpectationValue(JsonElement expectation)
    {
        object? value = null;
        if (expectation.ValueKind == JsonValueKind.Object && expectation.TryGetProperty("serialized_value", out var sv) && sv.ValueKind == JsonValueKind.Object)
        {
            var format = Text(sv, "serialization_format") ?? "";
            if (format != AssessmentValidation.JsonFormat) throw AssessmentValidation.UnknownSerializationFormat(format);
            try
            {
                value = PyJson.Loads(Text(sv, "value") ?? "");
            }
            catch (Exception e) when (e is PyJson.DecodeException or PyJson.TooDeepException)
            {
                throw AssessmentValidation.SerializedValueNotJson(e.Message);
            }
        }
        else if (expectation.ValueKind == JsonValueKind.Object && expectation.TryGetProperty("value", out var v))
        {
            value = ToPython(v);
        }
        return value is null ? throw AssessmentValidation.ExpectationValueRequired() : PyJson.Dumps(value);
    }

    private static AssessmentSource Source(JsonElement source)
    {
        if (source.ValueKind != JsonValueKind.Object) return new AssessmentSource(AssessmentSourceTypes.Unspecified, null);
        var type = AssessmentSourceTypes.Unspecified;
        if (source.TryGetProperty("source_type", out var t))
        {
            if (t.ValueKind == JsonValueKind.String && AssessmentSourceTypes.Names.Contains(t.GetString())) type = t.GetString()!;
            else if (t.ValueKind == JsonValueKind.Number && t.TryGetInt32(out var n) && n >= 0 && n < AssessmentSourceTypes.Names.Length)
                type = AssessmentSourceTypes.Names[n];
        }
        return new AssessmentSource(type, NonEmpty(Text(source, "source_id")));
    }

    /// <summary>A map&lt;string, string&gt;: entries up to the first non-string value (where protobuf stops parsing).</summary>
    private static Dictionary<string, string>? Metadata(JsonElement obj)
    {
        if (!obj.TryGetProperty("metadata", out var m) || m.ValueKind != JsonValueKind.Object) return null;
        var map = new Dictionary<string, string>();
        foreach (var p in m.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.String) break;
            map[p.Name] = p.Value.GetString()!;
        }
        return map.Count == 0 ? null : map;
    }

    /// <summary>
    /// A google.protobuf.Value read back into Python (MessageToDict): every number becomes a float, objects keep their
    /// first key order with the last value of a repeated key (as Python's json module builds dicts).
    /// </summary>
    private static object? ToPython(JsonElement v)
    {
        switch (v.ValueKind)
        {
            case JsonValueKind.String: return v.GetString();
            case JsonValueKind.True: return true;
            case JsonValueKind.False: return false;
            case JsonValueKind.Number:
                return v.TryGetDouble(out var d) ? d : double.Parse(v.GetRawText(), System.Globalization.CultureInfo.InvariantCulture);
            case JsonValueKind.Array: return v.EnumerateArray().Select(ToPython).ToList();
            case JsonValueKind.Object:
                var dict = new List<KeyValuePair<string, object?>>();
                foreach (var p in v.EnumerateObject())
                {
                    var i = dict.FindIndex(kv => kv.Key == p.Name);
                    if (i >= 0) dict[i] = new(p.Name, ToPython(p.Value));
                    else dict.Add(new(p.Name, ToPython(p.Value)));
                }
                return dict;
            default: return null;
        }
    }

    private static long Time(string? text) => text is null ? 0 : AssessmentTime.ParseMillis(text) ?? 0;

    private static string? Text(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static JsonElement Child(JsonElement obj, string name) => obj.TryGetProperty(name, out var v) ? v : default;

    private static string? NonEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
