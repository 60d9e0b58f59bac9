using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Validation;
using Sharpflow.Server.Contracts;
using Sharpflow.Server.Http;
using Sharpflow.Core.Search;
using Sharpflow.Store.Tracking;
using static Sharpflow.Server.Http.MlflowRoutes;
using M = Sharpflow.Server.Http.TrackingMessages;

namespace Sharpflow.Server.Features.Metrics;

public static class MetricsEndpoints
{
    public static void MapMetrics(this IEndpointRouteBuilder app)
    {
        app.MapRpc(Get, "/metrics/get-history", GetHistory);
        app.MapRpc(Get, "/metrics/get-history-bulk-interval", GetHistoryBulkInterval);
        app.MapAjaxOnly(Get, "/metrics/get-history-bulk", GetHistoryBulk);
    }

    private static async Task<IResult> GetHistory(HttpContext http, TrackingStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.GetMetricHistory))
            .Check("run_id", Rule.String, Rule.Required).Check("metric_key", Rule.String, Rule.Required).Check("page_token", Rule.String);
        var maxResults = r.GetInt64("max_results");
        if (maxResults is < 1 or > MlflowLimits.MaxMetricHistoryPage && maxResults is not null)
            maxResults = Math.Clamp(maxResults.Value, 1, MlflowLimits.MaxMetricHistoryPage);
        var offset = PageToken.Decode(r.GetString("page_token"));
        var page = await store.GetMetricHistoryAsync(r.RunId(), r.GetStringOrEmpty("metric_key"), (int?)maxResults, offset, http.RequestAborted);
        var metrics = page.Items.Count == 0 ? null : page.Items.Select(m => MetricJson.From(m)).ToList();
        return Reply.Json(new MetricsResponse(metrics, page.NextPageToken), SharpflowJsonContext.Default.MetricsResponse);
    }

    private static async Task<IResult> GetHistoryBulkInterval(HttpContext http, TrackingStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.GetMetricHistoryBulkInterval))
            .Check("run_ids", v =>
            {
                if (v.GetArrayLength() > MlflowLimits.MaxRunsGetMetricHistoryBulk)
                    throw ProtoRequest.SchemaFailure("run_ids", v,
                        $"GetMetricHistoryBulkInterval request must specify at most {MlflowLimits.MaxRunsGetMetricHistoryBulk} run_ids. Received {v.GetArrayLength()} run_ids.");
            }, Rule.Required, Rule.Array, Rule.ItemString)
            .Check("metric_key", Rule.Required, Rule.String).Check("start_step", Rule.IntLike).Check("end_step", Rule.IntLike)
            .Check("max_results", v =>
            {
                if (!ProtoRequest.TryInt64(v, out var n) || n < 1 || n > MlflowLimits.MaxResultsPerRunBulkInterval)
                    throw ProtoRequest.SchemaFailure("max_results", v, $"max_results must be between 1 and {MlflowLimits.MaxResultsPerRunBulkInterval}.");
            }, Rule.IntLike);
        var maxResults = (int)(r.GetInt64("max_results") ?? MlflowLimits.MaxResultsPerRunBulkInterval);
        var start = r.GetInt64("start_step");
        var end = r.GetInt64("end_step");
        if (start is not null && end is not null)
        {
            if (start > end)
                throw MlflowException.InvalidParameter($"end_step must be greater than start_step. Found start_step={start} and end_step={end}.");
        }
        else if (start is not null || end is not null)
            throw MlflowException.InvalidParameter("If either start step or end step are specified, both must be specified.");
        var metrics = await store.GetMetricHistoryBulkIntervalAsync(r.GetStringList("run_ids"), r.GetStringOrEmpty("metric_key"), maxResults, start, end, http.RequestAborted);
        return Reply.Json(new MetricsResponse(metrics.Count == 0 ? null : metrics.Select(m => MetricJson.From(m, withRunId: true)).ToList()),
            SharpflowJsonContext.Default.MetricsResponse);
    }

    private static async Task<IResult> GetHistoryBulk(HttpContext http, TrackingStore store)
    {
        var runIds = http.Request.Query["run_id"].Where(s => s is not null).Select(s => s!).ToList();
        if (runIds.Count == 0)
            throw MlflowException.InvalidParameter("GetMetricHistoryBulk request must specify at least one run_id.");
        if (runIds.Count > MlflowLimits.MaxRunsGetMetricHistoryBulk)
            throw MlflowException.InvalidParameter(
                $"GetMetricHistoryBulk request cannot specify more than {MlflowLimits.MaxRunsGetMetricHistoryBulk} run_ids. Received {runIds.Count} run_ids.");
        var metricKey = http.Request.Query["metric_key"].FirstOrDefault()
                        ?? throw MlflowException.InvalidParameter("GetMetricHistoryBulk request must specify a metric_key.");
        var maxResults = MlflowLimits.MaxMetricHistoryPage;
        if (http.Request.Query["max_results"].FirstOrDefault() is { } mr)
        {
            if (!int.TryParse(mr, out maxResults)) throw MlflowException.InvalidParameter($"invalid literal for int() with base 10: '{mr}'");
            maxResults = Math.Min(maxResults, MlflowLimits.MaxMetricHistoryPage);
        }
        var metrics = await store.GetMetricHistoryBulkAsync(runIds, metricKey, Math.Max(maxResults, 0), http.RequestAborted);
        return Reply.Json(new MetricsResponse(metrics.Select(m => MetricJson.From(m, withRunId: true)).ToList()), SharpflowJsonContext.Default.MetricsResponse);
    }
}
