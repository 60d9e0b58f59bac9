using Sharpflow.Store.Sql;

namespace Sharpflow.Store.Tracing;

/// <summary>
/// The trace store: trace_info (+ tags, request metadata), spans and assessments. Split into partial files by concern:
/// TraceStore.Info*.cs (start/get/search/delete/tags/link), TraceStore.Spans*.cs (log_spans, OTLP ingestion, span loading),
/// TraceStore.Assessments*.cs. Every method is one transaction and set-based SQL.
/// </summary>
public sealed partial class TraceStore(SqlDatabase db)
{
    public SqlDatabase Db { get; } = db;

    internal static long NowMillis() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}
