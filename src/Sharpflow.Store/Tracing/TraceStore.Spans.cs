using System.Data.Common;
using System.Globalization;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Python;
using Sharpflow.Core.Tracing;
using Sharpflow.Store.Sql;
using Sharpflow.Store.Tracking;

namespace Sharpflow.Store.Tracing;

/// <summary>
/// log_spans as MLflow 3.11 does it (OTLP ingestion): spans grouped by trace; a missing trace is created (request
/// time = earliest span start, duration to the latest end, IN_PROGRESS until a root span arrives, tags
/// spansLocation and artifactLocation); spans upserted; the trace's time range widened, its state taken from the
/// root span while it is unfinished, previews from the root span's inputs/outputs when not set yet; token usage and
/// cost summed into trace metadata (+ trace_metrics, span_metrics); session and user ids recorded once. Traces
/// whose info was finalized by StartTraceV3 keep that call's times, totals and session.
/// One transaction and a fixed number of statements per request (one per touched trace for the range update):
/// spans arriving out of order or over many requests converge on the same trace.
/// </summary>
public sealed partial class TraceStore
{
    private sealed class TraceGroup(string traceId)
    {
        public string TraceId { get; } = traceId;
        public long MinStartMs = long.MaxValue;
        public long MaxEndMs = long.MinValue;
        public string? RootStatus;
        public List<KeyValuePair<string, object?>> TokenUsage = [];
        public List<KeyValuePair<string, object?>> Cost = [];
        public string? Session;
        public string? User;
        public StoredSpan? Root;
        public long ExperimentId;
    }

    public Task LogSpansAsync(string experimentId, IReadOnlyList<StoredSpan> spans, CancellationToken ct = default)
    {
        if (spans.Count == 0) return Task.CompletedTask;

        // Pure computation first, outside the transaction (SQLite's writer lock is held only for the SQL).
        var groups = new Dictionary<string, TraceGroup>(StringComparer.Ordinal);
        var order = new List<TraceGroup>();
        var spanRows = new List<StoredSpan>(spans.Count);
        var rowIndex = new Dictionary<(string, string), int>(spans.Count);
        var metricRows = new Dictionary<(string, string, string), double>();
        foreach (var s in spans)
        {
            if (!groups.TryGetValue(s.TraceId, out var g))
            {
                groups[s.TraceId] = g = new TraceGroup(s.TraceId);
                order.Add(g);
            }
            g.MinStartMs = Math.Min(g.MinStartMs, s.StartTimeUnixNano / 1_000_000);
            g.MaxEndMs = Math.Max(g.MaxEndMs, s.EndTimeUnixNano / 1_000_000);
            if (s.IsRoot)
            {
                g.RootStatus ??= s.Status == "ERROR" ? "ERROR" : "OK";
                g.Root = s;
            }
            if (s.TokenUsage is not null) g.TokenUsage = TraceDerivations.AddTokenUsage(g.TokenUsage, s.TokenUsage);
            if (s.Cost is not null)
            {
                g.Cost = TraceDerivations.AddCost(g.Cost, s.Cost);
                // Each cost entry of the span is a span metric; anything else fails the request as in MLflow.
                if (ParseCost(s.Cost) is not List<KeyValuePair<string, object?>> cost) throw new SpanStoreException("span cost is not a dict");
                foreach (var (key, value) in cost)
                    metricRows[(s.TraceId, s.SpanId, key)] = TraceDerivations.ToFloat(value) ?? throw new SpanStoreException("span cost is not a number");
            }
            g.Session ??= s.SessionId;
            g.User ??= s.UserId;
            // A repeated span (same trace and span id) replaces the earlier one: one row, the last content.
            if (rowIndex.TryGetValue((s.TraceId, s.SpanId), out var at)) spanRows[at] = s;
            else
            {
                rowIndex[(s.TraceId, s.SpanId)] = spanRows.Count;
                spanRows.Add(s);
            }
        }
        var metrics = metricRows.ToList();

        return Db.WriteAsync(async (c, tx) =>
        {
            var ids = order.Select(g => g.TraceId).ToList();
            var existing = await TraceRowsAsync(c, tx, ids, ct);
            var missing = order.Where(g => !existing.ContainsKey(g.TraceId)).ToList();
            if (missing.Count > 0)
            {
                var (expId, artifactRoot) = await ExperimentForSpansAsync(c, tx, experimentId, ct);
                await BulkAsync(c, tx, "INSERT INTO trace_info (request_id, experiment_id, timestamp_ms, execution_time_ms, status)", 5,
                    " ON CONFLICT (request_id) DO NOTHING", missing.Count, (i, v) =>
                    {
                        var g = missing[i];
                        v[0] = g.TraceId;
                        v[1] = expId;
                        v[2] = g.MinStartMs;
                        v[3] = g.MaxEndMs != 0 ? g.MaxEndMs - g.MinStartMs : null;
                        v[4] = g.RootStatus ?? "IN_PROGRESS";
                    }, ct);
                await BulkAsync(c, tx, "INSERT INTO trace_tags (key, value, request_id)", 3, " ON CONFLICT (key, request_id) DO NOTHING",
                    missing.Count, (i, v) =>
                    {
                        v[0] = SpanKeys.ArtifactLocation;
                        v[1] = TraceArtifactLocation(artifactRoot, missing[i].TraceId);
                        v[2] = missing[i].TraceId;
                    }, ct);
                // A concurrent writer (another process, or StartTraceV3 on PostgreSQL) may have created some first.
                existing = await TraceRowsAsync(c, tx, ids, ct);
            }
            foreach (var g in order) g.ExperimentId = existing[g.TraceId].ExperimentId;

            await BulkAsync(c, tx,
                "INSERT INTO spans (trace_id, experiment_id, span_id, parent_span_id, name, type, status, start_time_unix_nano, " +
                "end_time_unix_nano, content, dimension_attributes)", 11,
                " ON CONFLICT (trace_id, span_id) DO UPDATE SET experiment_id = excluded.experiment_id, parent_span_id = excluded.parent_span_id, " +
                "name = excluded.name, type = excluded.type, status = excluded.status, start_time_unix_nano = excluded.start_time_unix_nano, " +
                "end_time_unix_nano = excluded.end_time_unix_nano, content = excluded.content, dimension_attributes = excluded.dimension_attributes",
                spanRows.Count, (i, v) =>
                {
                    var s = spanRows[i];
                    v[0] = s.TraceId;
                    v[1] = groups[s.TraceId].ExperimentId;
                    v[2] = s.SpanId;
                    v[3] = s.ParentSpanId;
                    v[4] = s.Name;
                    v[5] = s.Type;
                    v[6] = s.Status;
                    v[7] = s.StartTimeUnixNano;
                    v[8] = s.EndTimeUnixNano;
                    v[9] = s.Content;
                    v[10] = s.DimensionAttributes;
                }, ct, jsonColumn: 10);
            await BulkAsync(c, tx, "INSERT INTO span_metrics (trace_id, span_id, key, value)", 4,
                " ON CONFLICT (trace_id, span_id, key) DO UPDATE SET value = excluded.value", metrics.Count, (i, v) =>
                {
                    var ((traceId, spanId, key), value) = metrics[i];
                    v[0] = traceId;
                    v[1] = spanId;
                    v[2] = key;
                    v[3] = value;
                }, ct);

            var meta = await MetadataForSpansAsync(c, tx, order, ct);
            var metadataRows = new List<(string TraceId, string Key, string Value)>();
            var traceMetricRows = new List<(string TraceId, string Key, double Value)>();
            foreach (var g in order) await UpdateTraceFromSpansAsync(c, tx, g, meta, metadataRows, traceMetricRows, ct);
            await BulkAsync(c, tx, "INSERT INTO trace_request_metadata (key, value, request_id)", 3,
                " ON CONFLICT (key, request_id) DO UPDATE SET value = excluded.value", metadataRows.Count, (i, v) =>
                {
                    v[0] = metadataRows[i].Key;
                    v[1] = metadataRows[i].Value;
                    v[2] = metadataRows[i].TraceId;
                }, ct);
            await BulkAsync(c, tx, "INSERT INTO trace_metrics (request_id, key, value)", 3,
                " ON CONFLICT (request_id, key) DO UPDATE SET value = excluded.value", traceMetricRows.Count, (i, v) =>
                {
                    v[0] = traceMetricRows[i].TraceId;
                    v[1] = traceMetricRows[i].Key;
                    v[2] = traceMetricRows[i].Value;
                }, ct);
            await BulkAsync(c, tx, "INSERT INTO trace_tags (key, value, request_id)", 3,
                " ON CONFLICT (key, request_id) DO UPDATE SET value = excluded.value", order.Count, (i, v) =>
                {
                    v[0] = SpanKeys.SpansLocation;
                    v[1] = SpanKeys.TrackingStore;
                    v[2] = order[i].TraceId;
                }, ct);
        }, ct);
    }

    private static object? ParseCost(string text)
    {
        try
        {
            return PyJson.Loads(text);
        }
        catch (Exception e) when (e is PyJson.DecodeException or PyJson.TooDeepException)
        {
            throw new SpanStoreException("span cost is not JSON");
        }
    }

    private static async Task<Dictionary<string, (long ExperimentId, string Status)>> TraceRowsAsync(DbConnection c, DbTransaction tx,
        List<string> ids, CancellationToken ct)
    {
        var cmd = c.Sql("", tx);
        cmd.CommandText = $"SELECT request_id, experiment_id, status FROM trace_info WHERE request_id IN ({cmd.InList("t", ids)})";
        var list = await cmd.ListAsync(r => (Id: r.GetString(0), Exp: Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture), Status: r.GetString(2)), ct);
        return list.ToDictionary(x => x.Id, x => (x.Exp, x.Status), StringComparer.Ordinal);
    }

    /// <summary>The experiment named by the x-mlflow-experiment-id header (MLflow's get_experiment: any lifecycle stage).</summary>
    private static async Task<(long Id, string? ArtifactLocation)> ExperimentForSpansAsync(DbConnection c, DbTransaction tx, string experimentId, CancellationToken ct)
    {
        var id = TrackingStore.ParseExperimentId(experimentId);
        var found = await c.Sql("SELECT artifact_location FROM experiments WHERE experiment_id = @id", tx).P("@id", id)
            .ListAsync(r => r.Str(0), ct);
        if (found.Count == 0) throw MlflowException.NotFound($"No Experiment with id={id} exists");
        return (id, found[0]);
    }

    private static readonly string[] MetadataKeysRead =
        [SpanKeys.TokenUsageMetadata, SpanKeys.InfoFinalized, SpanKeys.CostMetadata, SpanKeys.TraceSession, SpanKeys.TraceUser];

    private static async Task<Dictionary<(string, string), string?>> MetadataForSpansAsync(DbConnection c, DbTransaction tx,
        List<TraceGroup> order, CancellationToken ct)
    {
        var wanted = order.Where(g => g.TokenUsage.Count > 0 || g.Cost.Count > 0 || g.Session is not null || g.User is not null)
            .Select(g => g.TraceId).ToList();
        if (wanted.Count == 0) return [];
        var cmd = c.Sql("", tx);
        cmd.CommandText = $"SELECT request_id, key, value FROM trace_request_metadata WHERE request_id IN ({cmd.InList("t", wanted)}) " +
                          $"AND key IN ({cmd.InList("k", MetadataKeysRead)})";
        var list = await cmd.ListAsync(r => (r.GetString(0), r.GetString(1), r.Str(2)), ct);
        return list.ToDictionary(x => (x.Item1, x.Item2), x => x.Item3);
    }

    private static async Task UpdateTraceFromSpansAsync(DbConnection c, DbTransaction tx, TraceGroup g, Dictionary<(string, string), string?> meta,
        List<(string, string, string)> metadataRows, List<(string, string, double)> metricRows, CancellationToken ct)
    {
        var finalized = meta.ContainsKey((g.TraceId, SpanKeys.InfoFinalized));
        var sets = new List<string>();
        var cmd = c.Sql("", tx).P("@id", g.TraceId);
        if (!finalized)
        {
            // The database widens the range itself, so concurrent requests for one trace cannot lose each other's update.
            const string newStart = "CASE WHEN timestamp_ms > @min THEN @min ELSE timestamp_ms END";
            sets.Add("timestamp_ms = " + newStart);
            cmd.P("@min", g.MinStartMs);
            if (g.MaxEndMs != long.MinValue)
            {
                sets.Add("execution_time_ms = (CASE WHEN timestamp_ms + execution_time_ms > @max THEN timestamp_ms + execution_time_ms ELSE @max END) - " + newStart);
                cmd.P("@max", g.MaxEndMs);
            }
        }
        if (g.RootStatus is not null)
        {
            sets.Add("status = CASE WHEN status IN ('IN_PROGRESS', 'STATE_UNSPECIFIED') THEN @st ELSE status END");
            cmd.P("@st", g.RootStatus);
        }
        if (g.Root?.Inputs is { } inputs && TraceDerivations.Preview(inputs, "user") is { } requestPreview)
        {
            sets.Add("request_preview = COALESCE(request_preview, @rq)");
            cmd.P("@rq", requestPreview);
        }
        if (g.Root?.Outputs is { } outputs && TraceDerivations.Preview(outputs, "assistant") is { } responsePreview)
        {
            sets.Add("response_preview = COALESCE(response_preview, @rs)");
            cmd.P("@rs", responsePreview);
        }
        if (sets.Count > 0)
        {
            cmd.CommandText = $"UPDATE trace_info SET {string.Join(", ", sets)} WHERE request_id = @id";
            await cmd.ExecAsync(ct);
        }
        else await cmd.DisposeAsync();

        if (g.TokenUsage.Count > 0)
        {
            var has = meta.TryGetValue((g.TraceId, SpanKeys.TokenUsageMetadata), out var stored);
            if (!finalized || !has)
            {
                var total = TraceDerivations.AddTokenUsage(TraceDerivations.LoadDict(stored), g.TokenUsage);
                metadataRows.Add((g.TraceId, SpanKeys.TokenUsageMetadata, PyJson.Dumps(total)));
                foreach (var key in SpanKeys.TokenUsageKeys)
                {
                    var value = PyObjects.Get(total, key);
                    if (value is null) continue;
                    metricRows.Add((g.TraceId, key, TraceDerivations.ToFloat(value) ?? throw new SpanStoreException("token count is not a number")));
                }
            }
        }
        if (g.Cost.Count > 0)
        {
            var has = meta.TryGetValue((g.TraceId, SpanKeys.CostMetadata), out var stored);
            if (!finalized || !has)
                metadataRows.Add((g.TraceId, SpanKeys.CostMetadata, PyJson.Dumps(TraceDerivations.AddCost(TraceDerivations.LoadDict(stored), g.Cost))));
        }
        if (g.Session is not null && !finalized && !meta.ContainsKey((g.TraceId, SpanKeys.TraceSession)))
            metadataRows.Add((g.TraceId, SpanKeys.TraceSession, g.Session));
        if (g.User is not null && !meta.ContainsKey((g.TraceId, SpanKeys.TraceUser)))
            metadataRows.Add((g.TraceId, SpanKeys.TraceUser, g.User));
    }

    /// <summary>Writes rows of one shape through <see cref="RowInserter"/>; the column at <paramref name="jsonColumn"/> binds as JSON.</summary>
    private async Task BulkAsync(DbConnection c, DbTransaction tx, string head, int columns, string tail, int count,
        Action<int, object?[]> fill, CancellationToken ct, int jsonColumn = -1)
    {
        if (count == 0) return;
        await using var insert = new RowInserter(c, tx, Db.Dialect.RowsPerInsert, head, columns, tail)
        {
            ConfigureParameter = jsonColumn < 0 ? null : (column, p) => { if (column == jsonColumn) Db.Dialect.MarkJson(p); },
        };
        await insert.InsertAsync(count, fill, ct);
    }
}
