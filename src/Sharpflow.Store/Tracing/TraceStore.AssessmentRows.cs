using System.Data.Common;
using Sharpflow.Core.Entities;
using Sharpflow.Core.Python;
using Sharpflow.Store.Sql;

namespace Sharpflow.Store.Tracing;

/// <summary>
/// How an assessment sits in MLflow's `assessments` row: value, error and metadata are JSON text written the way
/// Python's json.dumps writes them (", " and ": " separators, non-ASCII escaped), so MLflow reading our rows and we
/// reading MLflow's see the same thing.
/// </summary>
public sealed partial class TraceStore
{
    private const string AssessmentColumns =
        "assessment_id, trace_id, name, assessment_type, value, error, created_timestamp, last_updated_timestamp, source_type, " +
        "source_id, run_id, span_id, rationale, overrides, valid, assessment_metadata";

    /// <summary>Metadata key whose value MLflow copies into the run_id column (assessments logged by an evaluation run).</summary>
    private const string SourceRunIdKey = "mlflow.assessment.sourceRunId";

    private static Assessment ReadAssessment(DbDataReader r) => new()
    {
        AssessmentId = r.GetString(0),
        TraceId = r.GetString(1),
        Name = r.GetString(2),
        Kind = r.GetString(3),
        ValueJson = r.GetString(4),
        Error = ParseError(r.Str(5)),
        CreateTimeMs = r.Long(6) ?? 0,
        LastUpdateTimeMs = r.Long(7) ?? 0,
        Source = new AssessmentSource(r.GetString(8), r.Str(9)),
        RunId = r.Str(10),
        SpanId = r.Str(11),
        Rationale = r.Str(12),
        Overrides = r.Str(13),
        Valid = r.Bool(14),
        Metadata = ParseMetadata(r.Str(15)),
    };

    /// <summary>What MLflow's entity → row conversion adds: an id, times, the run id from metadata; rows start valid.</summary>
    private static Assessment Complete(Assessment a, long now) => a with
    {
        AssessmentId = string.IsNullOrEmpty(a.AssessmentId) ? "a-" + Guid.NewGuid().ToString("N") : a.AssessmentId,
        CreateTimeMs = a.CreateTimeMs != 0 ? a.CreateTimeMs : now,
        LastUpdateTimeMs = a.LastUpdateTimeMs != 0 ? a.LastUpdateTimeMs : now,
        RunId = a.RunId ?? (a.Metadata is { } m && m.TryGetValue(SourceRunIdKey, out var run) ? run : null),
        Metadata = a.Metadata is { Count: > 0 } ? a.Metadata : null,
        Valid = true,
    };

    private static Task InsertAssessmentAsync(DbConnection c, DbTransaction tx, Assessment a, CancellationToken ct) =>
        c.Sql($"INSERT INTO assessments ({AssessmentColumns}) VALUES (@id, @t, @n, @k, @v, @e, @ct, @ut, @st, @si, @run, @span, @r, @o, @ok, @m)", tx)
            .P("@id", a.AssessmentId).P("@t", a.TraceId).P("@n", a.Name).P("@k", a.Kind).P("@v", a.ValueJson).P("@e", ErrorJson(a.Error))
            .P("@ct", a.CreateTimeMs).P("@ut", a.LastUpdateTimeMs).P("@st", a.Source.SourceType).P("@si", a.Source.SourceId)
            .P("@run", a.RunId).P("@span", a.SpanId).P("@r", a.Rationale).P("@o", a.Overrides).P("@ok", a.Valid)
            .P("@m", MetadataJson(a.Metadata)).ExecAsync(ct);

    private static string? ErrorJson(AssessmentError? e) => e is null ? null : PyJson.Dumps(new List<KeyValuePair<string, object?>>
    {
        new("error_code", e.ErrorCode), new("error_message", e.ErrorMessage), new("stack_trace", e.StackTrace),
    });

    private static string? MetadataJson(IReadOnlyDictionary<string, string>? m) =>
        m is not { Count: > 0 } ? null : PyJson.Dumps(m.Select(kv => new KeyValuePair<string, object?>(kv.Key, kv.Value)).ToList());

    private static AssessmentError? ParseError(string? json)
    {
        if (json is null || PyJson.Loads(json) is not List<KeyValuePair<string, object?>> d) return null;
        string? Field(string name) => d.LastOrDefault(kv => kv.Key == name).Value is { } v ? PyStr(v) : null;
        return new AssessmentError(Field("error_code"), Field("error_message"), Field("stack_trace"));
    }

    private static Dictionary<string, string>? ParseMetadata(string? json)
    {
        if (json is null || PyJson.Loads(json) is not List<KeyValuePair<string, object?>> d || d.Count == 0) return null;
        var m = new Dictionary<string, string>();
        foreach (var (k, v) in d) m[k] = PyStr(v);
        return m;
    }

    /// <summary>Python's str() of a JSON-decoded value (MLflow writes metadata values into a string map with str()).</summary>
    private static string PyStr(object? v) => v as string ?? PythonRepr.Json(v);

    private enum IntegrityKind { ForeignKey, DuplicateId }

    /// <summary>
    /// The text of the IntegrityError MLflow answers (BAD_REQUEST) when the insert fails: SQLAlchemy's rendering of the
    /// driver error, statement and parameters on SQLite; on PostgreSQL the driver's first lines.
    /// </summary>
    private string IntegrityMessage(IntegrityKind kind, Assessment a)
    {
        const string background = "(Background on this error at: https://sqlalche.me/e/20/gkpj)";
        if (Db.Dialect.Kind == DbKind.Postgres)
        {
            return kind == IntegrityKind.ForeignKey
                ? "(psycopg2.errors.ForeignKeyViolation) insert or update on table \"assessments\" violates foreign key constraint " +
                  $"\"fk_assessments_trace_id\"\nDETAIL:  Key (trace_id)=({a.TraceId}) is not present in table \"trace_info\".\n\n{background}"
                : "(psycopg2.errors.UniqueViolation) duplicate key value violates unique constraint \"assessments_pk\"\n" +
                  $"DETAIL:  Key (assessment_id)=({a.AssessmentId}) already exists.\n\n{background}";
        }
        static string Q(string? s) => s is null ? "None" : PythonRepr.Str(s);
        var parameters = string.Join(", ", Q(a.AssessmentId), Q(a.TraceId), Q(a.Name), Q(a.Kind), Q(a.ValueJson), Q(ErrorJson(a.Error)),
            a.CreateTimeMs, a.LastUpdateTimeMs, Q(a.Source.SourceType), Q(a.Source.SourceId), Q(a.RunId), Q(a.SpanId), Q(a.Rationale),
            Q(a.Overrides), a.Valid ? 1 : 0, Q(MetadataJson(a.Metadata)));
        var first = kind == IntegrityKind.ForeignKey ? "FOREIGN KEY constraint failed" : "UNIQUE constraint failed: assessments.assessment_id";
        return $"(sqlite3.IntegrityError) {first}\n[SQL: INSERT INTO assessments ({AssessmentColumns}) VALUES " +
               $"({string.Join(", ", Enumerable.Repeat("?", 16))})]\n[parameters: ({parameters})]\n{background}";
    }
}
