using System.Numerics;
using System.Text.Json;
using Sharpflow.Core.Entities;
using Sharpflow.Core.Python;
using Sharpflow.Core.Validation;

namespace Sharpflow.Server.Features.Traces;

/// <summary>
/// The Assessment message (assessments.proto) as MLflow 3.11's server writes it: proto JSON with snake_case names, fields
/// in field-number order, RFC 3339 times, google.protobuf.Value payloads. Public because TraceInfoV3 embeds assessments
/// (`trace_info.assessments`): they call <see cref="Write"/> with their Utf8JsonWriter.
/// Reading a request's Assessment is in AssessmentRequest.cs.
/// </summary>
public static class AssessmentJson
{
    /// <summary>MLflow truncates long feedback stack traces when it renders them (not when it stores them).</summary>
    private const int StackTraceLimit = 10000;
    private const string StackTracePrefix = "[Stack trace is truncated]\n...\n";

    public static void Write(Utf8JsonWriter w, Assessment a)
    {
        w.WriteStartObject();
        w.WriteString("assessment_id", a.AssessmentId);
        w.WriteString("assessment_name", a.Name);
        w.WriteString("trace_id", a.TraceId);
        if (a.SpanId is not null) w.WriteString("span_id", a.SpanId);
        w.WriteStartObject("source");
        w.WriteString("source_type", a.Source.SourceType);
        if (a.Source.SourceId is not null) w.WriteString("source_id", a.Source.SourceId);
        w.WriteEndObject();
        w.WriteString("create_time", AssessmentTime.Format(a.CreateTimeMs));
        w.WriteString("last_update_time", AssessmentTime.Format(a.LastUpdateTimeMs));
        var value = PyJson.Loads(a.ValueJson);
        switch (a.Kind)
        {
            case AssessmentKinds.Feedback:
                w.WriteStartObject("feedback");
                w.WritePropertyName("value");
                WriteValue(w, value);
                if (a.Error is { } e)
                {
                    w.WriteStartObject("error");
                    w.WriteString("error_code", e.ErrorCode ?? "");
                    if (!string.IsNullOrEmpty(e.ErrorMessage)) w.WriteString("error_message", e.ErrorMessage);
                    if (!string.IsNullOrEmpty(e.StackTrace)) w.WriteString("stack_trace", Truncate(e.StackTrace));
                    w.WriteEndObject();
                }
                w.WriteEndObject();
                break;
            case AssessmentKinds.Expectation:
                w.WriteStartObject("expectation");
                // Scalars travel as a Value; lists and objects as a JSON string, so their numbers keep their types.
                if (value is List<object?> or List<KeyValuePair<string, object?>>)
                {
                    w.WriteStartObject("serialized_value");
                    w.WriteString("serialization_format", AssessmentValidation.JsonFormat);
                    w.WriteString("value", PyJson.Dumps(value));
                    w.WriteEndObject();
                }
                else
                {
                    w.WritePropertyName("value");
                    WriteValue(w, value);
                }
                w.WriteEndObject();
                break;
        }
        if (a.Rationale is not null) w.WriteString("rationale", a.Rationale);
        if (a.Metadata is { Count: > 0 } metadata)
        {
            w.WriteStartObject("metadata");
            foreach (var (k, v) in metadata) w.WriteString(k, v);
            w.WriteEndObject();
        }
        if (!string.IsNullOrEmpty(a.Overrides)) w.WriteString("overrides", a.Overrides);
        w.WriteBoolean("valid", a.Valid);
        // issue is field 16 of the oneof, so protobuf writes it after valid.
        if (a.Kind == AssessmentKinds.Issue)
        {
            w.WriteStartObject("issue");
            var name = value is List<KeyValuePair<string, object?>> d ? d.LastOrDefault(kv => kv.Key == "issue_name").Value as string : null;
            w.WriteString("issue_name", name ?? "");
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>`{"assessment": {...}}`, the response of create, get and update.</summary>
    internal static byte[] Response(Assessment a)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WritePropertyName("assessment");
            Write(w, a);
            w.WriteEndObject();
        }
        return ms.ToArray();
    }

    /// <summary>
    /// A decoded JSON value written as protobuf writes a google.protobuf.Value: every number is a double, printed as
    /// Python prints floats (1.0, 1e-05), since MLflow's server serialises with Python's json module.
    /// </summary>
    private static void WriteValue(Utf8JsonWriter w, object? v)
    {
        switch (v)
        {
            case null: w.WriteNullValue(); break;
            case bool b: w.WriteBooleanValue(b); break;
            case string s: w.WriteStringValue(s); break;
            case BigInteger i: WriteNumber(w, (double)i); break;
            case double d: WriteNumber(w, d); break;
            case List<KeyValuePair<string, object?>> dict:
                w.WriteStartObject();
                // A Struct is a map: a repeated key keeps its last value.
                foreach (var key in dict.Select(kv => kv.Key).Distinct())
                {
                    w.WritePropertyName(key);
                    WriteValue(w, dict.Last(kv => kv.Key == key).Value);
                }
                w.WriteEndObject();
                break;
            case List<object?> list:
                w.WriteStartArray();
                foreach (var item in list) WriteValue(w, item);
                w.WriteEndArray();
                break;
            default: w.WriteNullValue(); break;
        }
    }

    private static void WriteNumber(Utf8JsonWriter w, double d)
    {
        // JSON has no NaN or infinities (MLflow fails to serialise them); their protobuf JSON names are the closest answer.
        if (!double.IsFinite(d)) w.WriteStringValue(double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
        else w.WriteRawValue(PythonRepr.Float(d));
    }

    private static string Truncate(string trace) =>
        trace.Length <= StackTraceLimit ? trace : StackTracePrefix + trace[^(StackTraceLimit - StackTracePrefix.Length)..];
}

/// <summary>google.protobuf.Timestamp's JSON form, at the millisecond precision MLflow stores.</summary>
internal static class AssessmentTime
{
    private static readonly System.Text.RegularExpressions.Regex Rfc3339 = new(
        @"^(\d{4})-(\d{1,2})-(\d{1,2})T(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{0,9}))?(?:(Z)|([+-])(\d{1,2}):(\d{1,2}))$",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>protobuf's rendering: UTC, "Z", no fraction for whole seconds, else 3 digits (milliseconds).</summary>
    public static string Format(long ms)
    {
        var t = DateTime.UnixEpoch.AddMilliseconds(ms);
        var frac = ((ms % 1000) + 1000) % 1000;
        return t.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss", System.Globalization.CultureInfo.InvariantCulture) +
               (frac == 0 ? "" : "." + frac.ToString("000", System.Globalization.CultureInfo.InvariantCulture)) + "Z";
    }

    /// <summary>Milliseconds since the epoch, or null when protobuf would refuse the text (MLflow then leaves the time unset).</summary>
    public static long? ParseMillis(string s)
    {
        var m = Rfc3339.Match(s);
        if (!m.Success) return null;
        int G(int i) => int.Parse(m.Groups[i].Value, System.Globalization.CultureInfo.InvariantCulture);
        DateTime dt;
        try
        {
            dt = new DateTime(G(1), G(2), G(3), G(4), G(5), G(6), DateTimeKind.Utc);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
        var seconds = (long)(dt - DateTime.UnixEpoch).TotalSeconds;
        if (m.Groups[9].Success)
        {
            var offset = (G(10) * 60 + G(11)) * 60;
            seconds += m.Groups[9].Value == "+" ? -offset : offset;
        }
        var nanos = m.Groups[7].Value.Length == 0 ? 0 : (long)Math.Round(double.Parse("0." + m.Groups[7].Value, System.Globalization.CultureInfo.InvariantCulture) * 1e9);
        return seconds * 1000 + nanos / 1_000_000;
    }
}
