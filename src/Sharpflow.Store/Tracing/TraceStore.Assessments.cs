using System.Data.Common;
using Sharpflow.Core.Entities;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Validation;
using Sharpflow.Store.Sql;

namespace Sharpflow.Store.Tracing;

/// <summary>
/// Assessments (feedback, expectations, issue references) on traces, in MLflow's `assessments` table, with MLflow 3.11's
/// override rules: a new feedback that `overrides` another marks that one invalid, and deleting the overriding one makes
/// it valid again. Row (de)serialisation lives in TraceStore.AssessmentRows.cs.
/// </summary>
public sealed partial class TraceStore
{
    /// <summary>
    /// Creates an assessment on <see cref="Assessment.TraceId"/>. An empty <see cref="Assessment.AssessmentId"/> gets a
    /// new `a-&lt;32 hex&gt;` id (a client-chosen one is kept, as MLflow does); a zero create/update time means now.
    /// </summary>
    public async Task<Assessment> CreateAssessmentAsync(Assessment assessment, CancellationToken ct = default)
    {
        var row = Complete(assessment, NowMillis());
        try
        {
            return await Db.WriteAsync(async (c, tx) =>
            {
                // MLflow invalidates the overridden assessment first, so a wrong id is reported even when the trace is
                // missing too; the transaction makes the pair atomic.
                if (!string.IsNullOrEmpty(row.Overrides))
                {
                    var n = await c.Sql("UPDATE assessments SET valid = @f WHERE trace_id = @t AND assessment_id = @o", tx)
                        .P("@f", false).P("@t", row.TraceId).P("@o", row.Overrides).ExecAsync(ct);
                    if (n == 0) throw AssessmentValidation.OverriddenNotFound(row.Overrides);
                }
                // MLflow leaves this to the foreign key and answers its IntegrityError; we look first so the answer does
                // not depend on whether the database enforces foreign keys.
                if (!await TraceExistsAsync(c, tx, row.TraceId, ct))
                    throw new MlflowException(ErrorCode.BAD_REQUEST, IntegrityMessage(IntegrityKind.ForeignKey, row));
                await InsertAssessmentAsync(c, tx, row, ct);
                return row;
            }, ct);
        }
        catch (DbException e) when (Db.Dialect.IsUniqueViolation(e))
        {
            throw new MlflowException(ErrorCode.BAD_REQUEST, IntegrityMessage(IntegrityKind.DuplicateId, row));
        }
    }

    public Task<Assessment> GetAssessmentAsync(string traceId, string assessmentId, CancellationToken ct = default) =>
        Db.ReadAsync(c => FindAssessmentAsync(c, null, traceId, assessmentId, ct), ct);

    /// <summary>
    /// Applies an update_mask as MLflow's SQL store does: source, span, trace and creation time never change; the value
    /// must match the assessment's kind; metadata is merged; last_update_time becomes now. Feedback keeps its rationale
    /// unless the mask names it; an expectation's rationale is cleared (MLflow rebuilds it without one).
    /// </summary>
    public Task<Assessment> UpdateAssessmentAsync(string traceId, string assessmentId, AssessmentUpdate update, CancellationToken ct = default) =>
        Db.WriteAsync(async (c, tx) =>
        {
            var existing = await FindAssessmentAsync(c, tx, traceId, assessmentId, ct);
            if (update.ExpectationValueJson is not null && update.FeedbackValueJson is not null) throw AssessmentValidation.BothValues();
            if (update.ExpectationValueJson is not null && existing.Kind != AssessmentKinds.Expectation) throw AssessmentValidation.ExpectationOnFeedback();
            if (update.FeedbackValueJson is not null && existing.Kind != AssessmentKinds.Feedback) throw AssessmentValidation.FeedbackOnExpectation();
            if (existing.Kind == AssessmentKinds.Issue) throw AssessmentValidation.IssueNotUpdatable();

            Dictionary<string, string>? metadata = null;
            if (existing.Metadata is { Count: > 0 } || update.Metadata is { Count: > 0 })
            {
                metadata = new Dictionary<string, string>(existing.Metadata ?? new Dictionary<string, string>());
                foreach (var (k, v) in update.Metadata ?? new Dictionary<string, string>()) metadata[k] = v;
            }
            var isExpectation = existing.Kind == AssessmentKinds.Expectation;
            var updated = existing with
            {
                Name = update.Name ?? existing.Name,
                TraceId = traceId,
                ValueJson = (isExpectation ? update.ExpectationValueJson : update.FeedbackValueJson) ?? existing.ValueJson,
                Error = isExpectation ? null : update.FeedbackValueJson is not null ? update.FeedbackError : existing.Error,
                Rationale = isExpectation ? null : update.Rationale ?? existing.Rationale,
                Metadata = metadata is { Count: > 0 } ? metadata : null,
                LastUpdateTimeMs = NowMillis(),
                // MLflow 3.11's mask accepts "valid" but its store has no such parameter (the request fails with a 500);
                // the proto documents the field, so we apply it.
                Valid = update.Valid ?? existing.Valid,
            };
            await c.Sql("UPDATE assessments SET name = @n, value = @v, error = @e, last_updated_timestamp = @u, rationale = @r, " +
                        "assessment_metadata = @m, valid = @ok WHERE trace_id = @t AND assessment_id = @id", tx)
                .P("@n", updated.Name).P("@v", updated.ValueJson).P("@e", ErrorJson(updated.Error)).P("@u", updated.LastUpdateTimeMs)
                .P("@r", updated.Rationale).P("@m", MetadataJson(updated.Metadata)).P("@ok", updated.Valid)
                .P("@t", traceId).P("@id", assessmentId).ExecAsync(ct);
            return updated;
        }, ct);

    /// <summary>
    /// Deletes an assessment; a missing one is not an error (MLflow's delete is idempotent, even for an unknown trace).
    /// If it overrode another assessment, that one becomes valid again.
    /// </summary>
    public Task DeleteAssessmentAsync(string traceId, string assessmentId, CancellationToken ct = default) =>
        Db.WriteAsync(async (c, tx) =>
        {
            var found = await c.Sql("SELECT overrides FROM assessments WHERE trace_id = @t AND assessment_id = @id", tx)
                .P("@t", traceId).P("@id", assessmentId).ListAsync(r => r.Str(0), ct);
            if (found.Count == 0) return;
            // MLflow restores the overridden assessment by id alone, whichever trace holds it.
            if (!string.IsNullOrEmpty(found[0]))
                await c.Sql("UPDATE assessments SET valid = @ok WHERE assessment_id = @o", tx).P("@ok", true).P("@o", found[0]).ExecAsync(ct);
            await c.Sql("DELETE FROM assessments WHERE trace_id = @t AND assessment_id = @id", tx)
                .P("@t", traceId).P("@id", assessmentId).ExecAsync(ct);
        }, ct);

    /// <summary>
    /// The assessments of many traces in one query per 500 ids, for building TraceInfoV3 (`trace_info.assessments`):
    /// every assessment including invalid (overridden) ones, each trace's list ordered by creation time as MLflow's
    /// trace_id/created_timestamp index returns them. Traces without assessments have no entry. Call it on the
    /// connection (and transaction, if one is open: SQLite requires it on the command) of the surrounding unit of work.
    /// </summary>
    public static async Task<Dictionary<string, List<Assessment>>> LoadAssessmentsAsync(DbConnection conn, DbTransaction? tx,
        IReadOnlyList<string> traceIds, CancellationToken ct)
    {
        var result = new Dictionary<string, List<Assessment>>();
        const int chunk = 500;
        for (var start = 0; start < traceIds.Count; start += chunk)
        {
            var ids = traceIds.Skip(start).Take(chunk).Distinct().ToList();
            var cmd = conn.Sql("", tx);
            cmd.CommandText = $"SELECT {AssessmentColumns} FROM assessments WHERE trace_id IN ({cmd.InList("t", ids)}) " +
                              "ORDER BY trace_id, created_timestamp, assessment_id";
            foreach (var a in await cmd.ListAsync(ReadAssessment, ct))
            {
                if (!result.TryGetValue(a.TraceId, out var list)) result[a.TraceId] = list = [];
                list.Add(a);
            }
        }
        return result;
    }

    /// <inheritdoc cref="LoadAssessmentsAsync(DbConnection, DbTransaction?, IReadOnlyList{string}, CancellationToken)"/>
    public static Task<Dictionary<string, List<Assessment>>> LoadAssessmentsAsync(DbConnection conn, IReadOnlyList<string> traceIds, CancellationToken ct) =>
        LoadAssessmentsAsync(conn, null, traceIds, ct);

    /// <summary>
    /// Inserts assessments that arrive inside a trace (StartTraceV3's `trace.trace_info.assessments`), in the caller's
    /// transaction, after the trace_info row. As MLflow's start_trace: ids and times are filled in when missing, every row
    /// is valid and `overrides` is stored without invalidating anything. Returns the rows as stored.
    /// </summary>
    public static async Task<List<Assessment>> InsertAssessmentsAsync(DbConnection conn, DbTransaction tx, string traceId,
        IEnumerable<Assessment> assessments, CancellationToken ct)
    {
        var now = NowMillis();
        var rows = new List<Assessment>();
        foreach (var a in assessments)
        {
            var row = Complete(a with { TraceId = string.IsNullOrEmpty(a.TraceId) ? traceId : a.TraceId }, now);
            await InsertAssessmentAsync(conn, tx, row, ct);
            rows.Add(row);
        }
        return rows;
    }

    private static async Task<Assessment> FindAssessmentAsync(DbConnection c, DbTransaction? tx, string traceId, string assessmentId, CancellationToken ct)
    {
        var rows = await c.Sql($"SELECT {AssessmentColumns} FROM assessments WHERE trace_id = @t AND assessment_id = @id", tx)
            .P("@t", traceId).P("@id", assessmentId).ListAsync(ReadAssessment, ct);
        if (rows.Count > 0) return rows[0];
        throw await TraceExistsAsync(c, tx, traceId, ct)
            ? AssessmentValidation.AssessmentNotFound(assessmentId, traceId)
            : AssessmentValidation.TraceNotFound(traceId);
    }

    private static async Task<bool> TraceExistsAsync(DbConnection c, DbTransaction? tx, string traceId, CancellationToken ct) =>
        await c.Sql("SELECT 1 FROM trace_info WHERE request_id = @t", tx).P("@t", traceId).ScalarAsync(ct) is not null;
}
