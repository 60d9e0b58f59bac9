using System.Data.Common;
using Sharpflow.Core.Entities;

namespace Sharpflow.Store.Tracing;

/// <summary>
/// Where trace infos meet assessments: the assessments partial (TraceStore.Assessments*.cs) owns the table's
/// reading and writing; trace infos only ask for the assessments of a page of traces and store the ones a
/// StartTraceV3 request carries.
/// </summary>
public sealed partial class TraceStore
{
    private Task<Dictionary<string, List<Assessment>>> LoadAssessmentsForInfosAsync(DbConnection c, DbTransaction? tx,
        IReadOnlyList<string> traceIds, CancellationToken ct) =>
        LoadAssessmentsAsync(c, tx, traceIds, ct);

    private static Task<List<Assessment>> StoreStartTraceAssessmentsAsync(DbConnection c, DbTransaction tx, string traceId,
        IReadOnlyList<Assessment> assessments, CancellationToken ct) => InsertAssessmentsAsync(c, tx, traceId, assessments, ct);
}
