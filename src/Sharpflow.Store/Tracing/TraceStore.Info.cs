using System.Data.Common;
using System.Text.Json;
using Sharpflow.Core.Entities;
using Sharpflow.Core.Errors;
using Sharpflow.Store.Sql;
using Sharpflow.Store.Tracking;

namespace Sharpflow.Store.Tracing;

/// <summary>
/// Trace metadata: start (v3, and the legacy v2 start/end), get, batch get, tags, links to runs and prompts.
/// The writes follow MLflow 3.11's SqlAlchemyStore; search and delete are in TraceStore.InfoSearch/InfoDelete.
/// </summary>
public sealed partial class TraceStore
{
    internal const string TraceColumns =
        "t.request_id, t.experiment_id, t.timestamp_ms, t.execution_time_ms, t.status, t.client_request_id, t.request_preview, t.response_preview";

    /// <summary>Where a trace's artifacts live: &lt;experiment artifact location&gt;/traces/&lt;trace id&gt;/artifacts.</summary>
    public static string TraceArtifactLocation(string? experimentArtifactLocation, string traceId) =>
        TrackingStore.AppendToUri(experimentArtifactLocation ?? "", "traces", traceId, "artifacts");

    private static TraceInfo ReadTraceRow(DbDataReader r) => new()
    {
        TraceId = r.GetString(0),
        ExperimentId = Convert.ToInt64(r.GetValue(1)).ToString(System.Globalization.CultureInfo.InvariantCulture),
        TimestampMs = Convert.ToInt64(r.GetValue(2)),
        ExecutionTimeMs = r.Long(3),
        State = r.GetString(4),
        ClientRequestId = r.Str(5),
        RequestPreview = r.Str(6),
        ResponsePreview = r.Str(7),
    };

    /// <summary>
    /// Trace infos (tags, metadata and assessments included) for the given ids, in the order given; unknown ids are
    /// skipped. Four queries whatever the number of ids, never touches spans.
    /// </summary>
    public Task<IReadOnlyList<TraceInfo>> GetTraceInfosAsync(IReadOnlyList<string> traceIds, CancellationToken ct) =>
        Db.ReadAsync(async c => (IReadOnlyList<TraceInfo>)await LoadTraceInfosAsync(c, null, traceIds, ct), ct);

    /// <summary>One trace info or MLflow's RESOURCE_DOES_NOT_EXIST.</summary>
    public async Task<TraceInfo> GetTraceInfoAsync(string traceId, CancellationToken ct)
    {
        var list = await GetTraceInfosAsync([traceId], ct);
        return list.Count == 0 ? throw TraceNotFound(traceId) : list[0];
    }

    internal static MlflowException TraceNotFound(string traceId) => MlflowException.NotFound($"Trace with ID '{traceId}' not found.");

    internal async Task<List<TraceInfo>> LoadTraceInfosAsync(DbConnection c, DbTransaction? tx, IReadOnlyList<string> traceIds, CancellationToken ct)
    {
        var ids = traceIds.Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0) return [];
        var cmd = c.Sql("", tx);
        cmd.CommandText = $"SELECT {TraceColumns} FROM trace_info t WHERE t.request_id IN ({cmd.InList("i", ids)})";
        var rows = (await cmd.ListAsync(ReadTraceRow, ct)).ToDictionary(r => r.TraceId, StringComparer.Ordinal);
        return await WithChildrenAsync(c, tx, ids.Where(rows.ContainsKey).Select(id => rows[id]).ToList(), ct);
    }

    /// <summary>trace_info rows completed with their tags, metadata and assessments (one query per child table).</summary>
    internal async Task<List<TraceInfo>> WithChildrenAsync(DbConnection c, DbTransaction? tx, List<TraceInfo> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return [];
        var ids = rows.Select(r => r.TraceId).ToList();
        var tags = await LoadKeyValuesAsync(c, tx, "trace_tags", ids, ct);
        var metadata = await LoadKeyValuesAsync(c, tx, "trace_request_metadata", ids, ct);
        var assessments = await LoadAssessmentsForInfosAsync(c, tx, ids, ct);
        return rows.Select(r => r with
        {
            Tags = tags.GetValueOrDefault(r.TraceId) ?? [],
            Metadata = metadata.GetValueOrDefault(r.TraceId) ?? [],
            Assessments = assessments.GetValueOrDefault(r.TraceId) ?? [],
        }).ToList();
    }

    private async Task<Dictionary<string, List<KeyValue>>> LoadKeyValuesAsync(DbConnection c, DbTransaction? tx, string table,
        IReadOnlyList<string> ids, CancellationToken ct)
    {
        var cmd = c.Sql("", tx);
        var order = Db.Dialect.InsertionOrder("x");
        cmd.CommandText = $"SELECT x.request_id, x.key, x.value FROM {table} x WHERE x.request_id IN ({cmd.InList("i", ids)})" +
                          (order is null ? "" : $" ORDER BY {order}");
        var result = new Dictionary<string, List<KeyValue>>(StringComparer.Ordinal);
        foreach (var (id, kv) in await cmd.ListAsync(r => (r.GetString(0), new KeyValue(r.GetString(1), r.Str(2))), ct))
        {
            if (!result.TryGetValue(id, out var list)) result[id] = list = [];
            list.Add(kv);
        }
        return result;
    }

    /// <summary>The experiment a trace goes into: must exist and be active (MLflow's get_experiment + _check_experiment_is_active).</summary>
    private static async Task<(long Id, string? ArtifactLocation)> ActiveExperimentAsync(DbConnection c, DbTransaction tx, string? experimentId,
        CancellationToken ct)
    {
        if (string.IsNullOrEmpty(experimentId)) throw MlflowException.NotFound("No Experiment with id=None exists");
        var id = TrackingStore.ParseExperimentId(experimentId);
        var rows = await c.Sql("SELECT artifact_location, lifecycle_stage FROM experiments WHERE experiment_id = @id", tx).P("@id", id)
            .ListAsync(r => (Location: r.Str(0), Stage: r.Str(1)), ct);
        if (rows.Count == 0) throw MlflowException.NotFound($"No Experiment with id={id} exists");
        if (rows[0].Stage != LifecycleStage.Active)
            throw MlflowException.InvalidParameter($"The experiment {id} must be in the 'active' state. Current state is {rows[0].Stage}.");
        return (id, rows[0].Location);
    }

    private const string UpsertTag = "INSERT INTO trace_tags (key, value, request_id) VALUES (@k, @v, @id) " +
                                     "ON CONFLICT (key, request_id) DO UPDATE SET value = excluded.value";

    private const string UpsertMetadata = "INSERT INTO trace_request_metadata (key, value, request_id) VALUES (@k, @v, @id) " +
                                          "ON CONFLICT (key, request_id) DO UPDATE SET value = excluded.value";

    private const string UpsertMetric = "INSERT INTO trace_metrics (request_id, key, value) VALUES (@id, @k, @v) " +
                                        "ON CONFLICT (request_id, key) DO UPDATE SET value = excluded.value";

    private static async Task UpsertPairsAsync(DbConnection c, DbTransaction tx, string sql, string traceId,
        IEnumerable<(string Key, object? Value)> pairs, CancellationToken ct)
    {
        await using var cmd = c.Sql(sql, tx);
        var k = cmd.CreateParameter(); k.ParameterName = "@k"; cmd.Parameters.Add(k);
        var v = cmd.CreateParameter(); v.ParameterName = "@v"; cmd.Parameters.Add(v);
        cmd.P("@id", traceId);
        foreach (var (key, value) in pairs)
        {
            k.Value = key;
            v.Value = value ?? DBNull.Value;
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>trace_metrics rows from the token-usage metadata (a JSON object), as start_trace derives them; bad JSON gives none.</summary>
    private static List<(string Key, object? Value)> TokenUsageMetrics(IReadOnlyList<KeyValue> metadata)
    {
        var json = metadata.LastOrDefault(m => m.Key == TraceKeys.TokenUsage)?.Value;
        var result = new List<(string, object?)>();
        if (string.IsNullOrEmpty(json)) return result;
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return result;
            foreach (var key in TraceKeys.TokenUsageKeys)
            {
                if (!doc.RootElement.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) continue;
                double? number = v.ValueKind switch
                {
                    JsonValueKind.Number => v.GetDouble(),
                    JsonValueKind.True => 1,
                    JsonValueKind.False => 0,
                    JsonValueKind.String when double.TryParse(v.GetString(), System.Globalization.NumberStyles.Float,
                        System.Globalization.CultureInfo.InvariantCulture, out var d) => d,
                    _ => null,
                };
                // Python's float() of anything else raises, and MLflow then skips the whole metric set.
                if (number is null) return [];
                result.Add((key, number.Value));
            }
        }
        catch (JsonException)
        {
            return [];
        }
        return result;
    }

    /// <summary>
    /// StartTraceV3 (MLflow's start_trace): stores the complete trace info the client sends at the end of a trace.
    /// OTLP span ingestion may have created the row first; then, as MLflow does, the client's values win, previews
    /// computed from spans are kept when the client sent none, existing tags/metadata/metrics not sent are kept, and
    /// the response (built from what was sent) carries no metadata. MLflow keeps only the first such existing tag (a
    /// `break` in its loop); Sharpflow keeps them all, which is the same for what span ingestion writes.
    /// </summary>
    public Task<TraceInfo> StartTraceAsync(TraceInfo info, CancellationToken ct) =>
        Db.WriteAsync(async (c, tx) =>
        {
            var (expId, location) = await ActiveExperimentAsync(c, tx, info.ExperimentId, ct);
            var traceId = info.TraceId;
            // MLflow's insert of a trace without an id fails on the NOT NULL column and surfaces as BAD_REQUEST.
            if (string.IsNullOrEmpty(traceId)) throw new MlflowException(ErrorCode.BAD_REQUEST, "NOT NULL constraint failed: trace_info.request_id");
            var tags = info.Tags.Where(t => t.Key != TraceKeys.ArtifactLocation)
                .Append(new KeyValue(TraceKeys.ArtifactLocation, TraceArtifactLocation(location, traceId)))
                .GroupBy(t => t.Key).Select(g => g.Last()).ToList();
            var metadata = info.Metadata.Where(m => m.Key != TraceKeys.InfoFinalized)
                .Append(new KeyValue(TraceKeys.InfoFinalized, "true")).ToList();
            var metrics = TokenUsageMetrics(info.Metadata);

            var inserted = await c.Sql(
                    "INSERT INTO trace_info (request_id, experiment_id, timestamp_ms, execution_time_ms, status, client_request_id, " +
                    "request_preview, response_preview) VALUES (@id, @e, @ts, @ex, @st, @cr, @rq, @rs) ON CONFLICT (request_id) DO NOTHING", tx)
                .P("@id", traceId).P("@e", expId).P("@ts", info.TimestampMs).P("@ex", info.ExecutionTimeMs).P("@st", info.State)
                .P("@cr", info.ClientRequestId).P("@rq", info.RequestPreview).P("@rs", info.ResponsePreview).ExecAsync(ct) == 1;
            var result = info with { ExperimentId = expId.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            if (!inserted)
            {
                var existing = (await LoadTraceInfosAsync(c, tx, [traceId], ct)).Single();
                await c.Sql("UPDATE trace_info SET experiment_id = @e, timestamp_ms = @ts, execution_time_ms = @ex, status = @st, " +
                            "client_request_id = @cr, request_preview = COALESCE(@rq, request_preview), " +
                            "response_preview = COALESCE(@rs, response_preview) WHERE request_id = @id", tx)
                    .P("@id", traceId).P("@e", expId).P("@ts", info.TimestampMs).P("@ex", info.ExecutionTimeMs).P("@st", info.State)
                    .P("@cr", info.ClientRequestId).P("@rq", info.RequestPreview).P("@rs", info.ResponsePreview).ExecAsync(ct);
                var newKeys = tags.Select(t => t.Key).ToHashSet(StringComparer.Ordinal);
                result = result with
                {
                    RequestPreview = info.RequestPreview ?? existing.RequestPreview,
                    ResponsePreview = info.ResponsePreview ?? existing.ResponsePreview,
                    Tags = tags.Concat(existing.Tags.Where(t => !newKeys.Contains(t.Key))).ToList(),
                    Metadata = [],
                };
            }
            else result = result with { Tags = tags, Metadata = metadata };
            await UpsertPairsAsync(c, tx, UpsertTag, traceId, tags.Select(t => (t.Key, (object?)t.Value)), ct);
            await UpsertPairsAsync(c, tx, UpsertMetadata, traceId, metadata.Select(t => (t.Key, (object?)t.Value)), ct);
            await UpsertPairsAsync(c, tx, UpsertMetric, traceId, metrics, ct);
            if (info.Assessments.Count > 0)
                result = result with { Assessments = await StoreStartTraceAssessmentsAsync(c, tx, traceId, info.Assessments, ct) };
            return result;
        }, ct);

    /// <summary>Legacy v2 StartTrace: a new IN_PROGRESS trace with a random uuid hex id.</summary>
    public Task<TraceInfo> StartTraceV2Async(string? experimentId, long timestampMs, IReadOnlyList<KeyValue> metadata,
        IReadOnlyList<KeyValue> tags, CancellationToken ct) =>
        Db.WriteAsync(async (c, tx) =>
        {
            var (expId, location) = await ActiveExperimentAsync(c, tx, experimentId, ct);
            var traceId = Guid.NewGuid().ToString("N");
            await c.Sql("INSERT INTO trace_info (request_id, experiment_id, timestamp_ms, execution_time_ms, status) " +
                        "VALUES (@id, @e, @ts, NULL, @st)", tx)
                .P("@id", traceId).P("@e", expId).P("@ts", timestampMs).P("@st", TraceStates.InProgress).ExecAsync(ct);
            var allTags = tags.GroupBy(t => t.Key).Select(g => g.Last()).Where(t => t.Key != TraceKeys.ArtifactLocation)
                .Append(new KeyValue(TraceKeys.ArtifactLocation, TraceArtifactLocation(location, traceId))).ToList();
            var allMetadata = metadata.GroupBy(t => t.Key).Select(g => g.Last()).ToList();
            await UpsertPairsAsync(c, tx, UpsertTag, traceId, allTags.Select(t => (t.Key, (object?)t.Value)), ct);
            await UpsertPairsAsync(c, tx, UpsertMetadata, traceId, allMetadata.Select(t => (t.Key, (object?)t.Value)), ct);
            return new TraceInfo
            {
                TraceId = traceId, ExperimentId = expId.ToString(System.Globalization.CultureInfo.InvariantCulture), TimestampMs = timestampMs,
                State = TraceStates.InProgress, Tags = allTags, Metadata = allMetadata,
            };
        }, ct);

    /// <summary>Legacy v2 EndTrace: execution time from the end timestamp, status, and tags/metadata merged in.</summary>
    public Task<TraceInfo> EndTraceV2Async(string requestId, long timestampMs, string state, IReadOnlyList<KeyValue> metadata,
        IReadOnlyList<KeyValue> tags, CancellationToken ct) =>
        Db.WriteAsync(async (c, tx) =>
        {
            var existing = (await LoadTraceInfosAsync(c, tx, [requestId], ct)).FirstOrDefault() ?? throw TraceNotFound(requestId);
            var execution = timestampMs - existing.TimestampMs;
            await c.Sql("UPDATE trace_info SET execution_time_ms = @ex, status = @st WHERE request_id = @id", tx)
                .P("@ex", execution).P("@st", state).P("@id", requestId).ExecAsync(ct);
            await UpsertPairsAsync(c, tx, UpsertMetadata, requestId, metadata.Select(t => (t.Key, (object?)t.Value)), ct);
            await UpsertPairsAsync(c, tx, UpsertTag, requestId, tags.Select(t => (t.Key, (object?)t.Value)), ct);
            return (await LoadTraceInfosAsync(c, tx, [requestId], ct)).Single();
        }, ct);

    /// <summary>set_trace_tag: validated like MLflow (key name rules, 250 / 8000 characters with the value truncated).</summary>
    public Task SetTraceTagAsync(string traceId, string key, string? value, CancellationToken ct)
    {
        Core.Validation.TrackingValidation.TagName(key);
        key = Core.Validation.TrackingValidation.LengthLimit("key", Core.Validation.MlflowLimits.MaxEntityKeyLength, key)!;
        value = Core.Validation.TrackingValidation.LengthLimit("value", Core.Validation.MlflowLimits.MaxTagValueLength, value, truncate: true);
        return Db.WriteAsync(async (c, tx) =>
        {
            // MLflow's merge on an unknown trace fails on the foreign key and surfaces as BAD_REQUEST.
            if (await c.Sql("SELECT 1 FROM trace_info WHERE request_id = @id", tx).P("@id", traceId).ScalarAsync(ct) is null)
                throw new MlflowException(ErrorCode.BAD_REQUEST, "FOREIGN KEY constraint failed");
            await UpsertPairsAsync(c, tx, UpsertTag, traceId, [(key, value)], ct);
        }, ct);
    }

    public Task DeleteTraceTagAsync(string traceId, string key, CancellationToken ct) =>
        Db.WriteAsync(async (c, tx) =>
        {
            var n = await c.Sql("DELETE FROM trace_tags WHERE request_id = @id AND key = @k", tx).P("@id", traceId).P("@k", key).ExecAsync(ct);
            if (n == 0) throw MlflowException.NotFound($"No trace tag with key '{key}' for trace with ID '{traceId}'");
        }, ct);

    /// <summary>MLflow's MAX_TRACE_LINKS_PER_REQUEST.</summary>
    public const int MaxTraceLinksPerRequest = 100;

    /// <summary>link_traces_to_run: TRACE -> RUN rows in entity_associations, existing links left alone.</summary>
    public Task LinkTracesToRunAsync(IReadOnlyList<string> traceIds, string runId, CancellationToken ct)
    {
        if (traceIds.Count == 0) return Task.CompletedTask;
        if (traceIds.Count > MaxTraceLinksPerRequest)
            throw MlflowException.InvalidParameter($"Cannot link more than {MaxTraceLinksPerRequest} traces to a run in a single request. " +
                                                   $"Provided {traceIds.Count} traces.");
        return LinkAsync(traceIds.Distinct(StringComparer.Ordinal).Select(id => (id, "RUN", runId)).ToList(), ct);
    }

    /// <summary>link_prompts_to_trace: TRACE -> PROMPT_VERSION rows ("name/version").</summary>
    public async Task LinkPromptsToTraceAsync(string traceId, IReadOnlyList<(string Name, string Version)> prompts, CancellationToken ct)
    {
        if (prompts.Count == 0) return;
        var ids = prompts.Select(p => $"{p.Name}/{(long.TryParse(p.Version, out var v) ? v : throw MlflowException.InvalidParameter(
            $"invalid literal for int() with base 10: '{p.Version}'"))}").Distinct(StringComparer.Ordinal);
        await LinkAsync(ids.Select(id => (traceId, "PROMPT_VERSION", id)).ToList(), ct);
    }

    private Task LinkAsync(List<(string Source, string DestinationType, string Destination)> links, CancellationToken ct) =>
        Db.WriteAsync(async (c, tx) =>
        {
            await using var cmd = c.Sql("INSERT INTO entity_associations (association_id, source_type, source_id, destination_type, " +
                                        "destination_id, created_time) VALUES (@a, 'TRACE', @s, @dt, @d, @t) ON CONFLICT DO NOTHING", tx);
            var a = cmd.CreateParameter(); a.ParameterName = "@a"; cmd.Parameters.Add(a);
            var s = cmd.CreateParameter(); s.ParameterName = "@s"; cmd.Parameters.Add(s);
            var dt = cmd.CreateParameter(); dt.ParameterName = "@dt"; cmd.Parameters.Add(dt);
            var d = cmd.CreateParameter(); d.ParameterName = "@d"; cmd.Parameters.Add(d);
            cmd.P("@t", NowMillis());
            foreach (var link in links)
            {
                a.Value = Guid.NewGuid().ToString("N");
                s.Value = link.Source;
                dt.Value = link.DestinationType;
                d.Value = link.Destination;
                await cmd.ExecuteNonQueryAsync(ct);
            }
        }, ct);
}
