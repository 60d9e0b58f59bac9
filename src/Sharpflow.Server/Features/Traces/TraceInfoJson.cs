using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Sharpflow.Core.Entities;
using Sharpflow.Core.Errors;

namespace Sharpflow.Server.Features.Traces;

/// <summary>
/// TraceInfoV3 and the legacy v2 TraceInfo in MLflow's protobuf JSON, written directly (maps, Timestamp and Duration
/// strings do not fit the source-generated contracts). Fields come in proto field order, unset ones are left out.
/// Public so the span and assessment endpoints can embed trace infos in their responses.
/// </summary>
public static class TraceInfoJson
{
    // MLflow truncates keys and values when it converts a trace info to proto (_truncate_request_metadata/_truncate_tags).
    private const int MaxMetadataChars = 250;
    private const int MaxTagKeyChars = 250;
    private const int MaxTagValueChars = 4096;

    /// <summary>A JSON response written by <paramref name="write"/> inside the top-level object.</summary>
    public static IResult Reply(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            write(w);
            w.WriteEndObject();
        }
        return TypedResults.Bytes(buffer.WrittenMemory.ToArray(), "application/json");
    }

    /// <summary>A TraceInfoV3 object (the value only: call after WritePropertyName or inside an array).</summary>
    public static void WriteV3(Utf8JsonWriter w, TraceInfo t)
    {
        w.WriteStartObject();
        w.WriteString("trace_id", t.TraceId);
        if (t.ClientRequestId is not null) w.WriteString("client_request_id", t.ClientRequestId);
        w.WritePropertyName("trace_location");
        w.WriteStartObject();
        w.WriteString("type", "MLFLOW_EXPERIMENT");
        w.WritePropertyName("mlflow_experiment");
        w.WriteStartObject();
        w.WriteString("experiment_id", t.ExperimentId);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteString("request_time", FormatTimestamp(t.TimestampMs));
        if (t.ExecutionTimeMs is { } ms) w.WriteString("execution_duration", FormatDuration(ms));
        w.WriteString("state", t.State);
        WriteMap(w, "trace_metadata", t.Metadata, MaxMetadataChars, MaxMetadataChars);
        if (t.Assessments.Count > 0)
        {
            w.WritePropertyName("assessments");
            w.WriteStartArray();
            foreach (var a in t.Assessments) TraceAssessmentsJson.Write(w, a);
            w.WriteEndArray();
        }
        WriteMap(w, "tags", t.Tags, MaxTagKeyChars, MaxTagValueChars);
        if (t.RequestPreview is not null) w.WriteString("request_preview", t.RequestPreview);
        if (t.ResponsePreview is not null) w.WriteString("response_preview", t.ResponsePreview);
        w.WriteEndObject();
    }

    /// <summary>The legacy v2 TraceInfo (request_id, experiment_id, timestamp_ms, execution_time_ms, status, request_metadata, tags).</summary>
    public static void WriteV2(Utf8JsonWriter w, TraceInfo t)
    {
        w.WriteStartObject();
        w.WriteString("request_id", t.TraceId);
        w.WriteString("experiment_id", t.ExperimentId);
        w.WriteNumber("timestamp_ms", t.TimestampMs);
        // TraceInfoV2.to_proto writes `execution_time_ms or 0`.
        w.WriteNumber("execution_time_ms", t.ExecutionTimeMs ?? 0);
        w.WriteString("status", TraceStates.ToV2Status(t.State));
        WritePairs(w, "request_metadata", t.Metadata, MaxMetadataChars, MaxMetadataChars);
        WritePairs(w, "tags", t.Tags, MaxTagKeyChars, MaxTagValueChars);
        w.WriteEndObject();
    }

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..max];

    // Python's str() of a missing value is "None".
    private static IEnumerable<(string Key, string Value)> Truncated(IReadOnlyList<KeyValue> pairs, int maxKey, int maxValue)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in pairs) seen[Cut(p.Key, maxKey)] = Cut(p.Value ?? "None", maxValue);
        return seen.Select(kv => (kv.Key, kv.Value));
    }

    private static void WriteMap(Utf8JsonWriter w, string name, IReadOnlyList<KeyValue> pairs, int maxKey, int maxValue)
    {
        if (pairs.Count == 0) return;
        w.WritePropertyName(name);
        w.WriteStartObject();
        foreach (var (k, v) in Truncated(pairs, maxKey, maxValue)) w.WriteString(k, v);
        w.WriteEndObject();
    }

    private static void WritePairs(Utf8JsonWriter w, string name, IReadOnlyList<KeyValue> pairs, int maxKey, int maxValue)
    {
        if (pairs.Count == 0) return;
        w.WritePropertyName(name);
        w.WriteStartArray();
        foreach (var (k, v) in Truncated(pairs, maxKey, maxValue))
        {
            w.WriteStartObject();
            w.WriteString("key", k);
            w.WriteString("value", v);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>google.protobuf.Timestamp JSON of a millisecond time: RFC 3339 UTC with 0 or 3 fraction digits.</summary>
    public static string FormatTimestamp(long ms)
    {
        var t = DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime;
        var frac = (int)(((ms % 1000) + 1000) % 1000);
        return t.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + (frac == 0 ? "" : "." + frac.ToString("000", CultureInfo.InvariantCulture)) + "Z";
    }

    /// <summary>google.protobuf.Duration JSON of milliseconds: "1s", "0.661s", "-1.500s".</summary>
    public static string FormatDuration(long ms)
    {
        var sign = ms < 0 ? "-" : "";
        var a = Math.Abs(ms);
        var frac = a % 1000;
        return sign + (a / 1000).ToString(CultureInfo.InvariantCulture) + (frac == 0 ? "" : "." + frac.ToString("000", CultureInfo.InvariantCulture)) + "s";
    }

    /// <summary>Milliseconds of a protobuf JSON Timestamp (RFC 3339 with Z or an offset), as Timestamp.ToMilliseconds.</summary>
    public static long ParseTimestamp(string text)
    {
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            || !text.Contains('T'))
            throw MlflowException.InvalidParameter($"Failed to parse request_time field: Invalid timestamp {text}.");
        return t.ToUnixTimeMilliseconds();
    }

    /// <summary>Milliseconds of a protobuf JSON Duration ("0.661s", "-2s"), truncated toward zero like Duration.ToMilliseconds.</summary>
    public static long ParseDuration(string text)
    {
        if (text.Length < 2 || text[^1] != 's' || !decimal.TryParse(text[..^1], NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint,
                CultureInfo.InvariantCulture, out var seconds))
            throw MlflowException.InvalidParameter($"Failed to parse execution_duration field: Duration must end with letter \"s\": {text}.");
        return (long)decimal.Truncate(seconds * 1000);
    }

    /// <summary>A TraceInfoV3 from a StartTraceV3 request's trace.trace_info (absent fields as protobuf leaves them).</summary>
    public static TraceInfo ParseV3(JsonElement info)
    {
        string? Str(JsonElement o, string name) => o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString() : null;
        var location = info.TryGetProperty("trace_location", out var loc) ? loc : default;
        var experiment = location.ValueKind == JsonValueKind.Object && location.TryGetProperty("mlflow_experiment", out var e) ? e : default;
        var state = TraceStates.Unspecified;
        if (info.TryGetProperty("state", out var s))
        {
            if (s.ValueKind == JsonValueKind.String && TraceStates.Names.Contains(s.GetString())) state = s.GetString()!;
            else if (s.ValueKind == JsonValueKind.Number && s.TryGetInt32(out var n) && n >= 0 && n < TraceStates.Names.Length) state = TraceStates.Names[n];
        }
        var requestTime = Str(info, "request_time");
        var duration = Str(info, "execution_duration");
        return new TraceInfo
        {
            TraceId = Str(info, "trace_id") ?? "",
            ExperimentId = Str(experiment, "experiment_id") ?? "",
            ClientRequestId = Str(info, "client_request_id"),
            RequestPreview = Str(info, "request_preview"),
            ResponsePreview = Str(info, "response_preview"),
            TimestampMs = requestTime is null ? 0 : ParseTimestamp(requestTime),
            ExecutionTimeMs = duration is null ? null : ParseDuration(duration),
            State = state,
            Metadata = Map(info, "trace_metadata"),
            Tags = Map(info, "tags"),
            Assessments = info.TryGetProperty("assessments", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.Object).Select(TraceAssessmentsJson.Parse).ToList()
                : [],
        };
    }

    private static List<KeyValue> Map(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var map) || map.ValueKind != JsonValueKind.Object) return [];
        return map.EnumerateObject().Select(p => new KeyValue(p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()
            : p.Value.ValueKind == JsonValueKind.Null ? "" : p.Value.GetRawText())).ToList();
    }
}
