using Sharpflow.Core.Python;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sharpflow.Core.Entities;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Validation;
using Sharpflow.Server.Contracts;
using Sharpflow.Server.Http;
using Sharpflow.Store.Tracking;
using static Sharpflow.Server.Http.MlflowRoutes;
using M = Sharpflow.Server.Http.TrackingMessages;

namespace Sharpflow.Server.Features.Runs;

public static class RunsEndpoints
{
    public static void MapRuns(this IEndpointRouteBuilder app)
    {
        app.MapRpc(Post, "/runs/create", Create);
        app.MapRpc(Get, "/runs/get", GetRun);
        app.MapRpc(Post, "/runs/update", Update);
        app.MapRpc(Post, "/runs/delete", Delete);
        app.MapRpc(Post, "/runs/restore", Restore);
        app.MapRpc(Post, "/runs/log-metric", LogMetric);
        app.MapRpc(Post, "/runs/log-parameter", LogParam);
        app.MapRpc(Post, "/runs/set-tag", SetTag);
        app.MapRpc(Post, "/runs/delete-tag", DeleteTag);
        app.MapRpc(Post, "/runs/search", Search);
        app.MapRpc(Post, "/runs/log-batch", RunsLogBatch.Handle);
        app.MapRpc(Post, "/runs/log-model", LogModel);
        app.MapRpc(Post, "/runs/log-inputs", LogInputs);
        app.MapRpc(Post, "/runs/outputs", LogOutputs);
    }

    private static List<KeyValue> Tags(ProtoRequest r, string name = "tags") =>
        r.GetMessages(name).Select(t => new KeyValue(t.Str("key") ?? "", t.Str("value"))).ToList();

    private static async Task<IResult> Create(HttpContext http, TrackingStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.CreateRun))
            .Check("experiment_id", Rule.String).Check("start_time", Rule.IntLike).Check("run_name", Rule.String);
        var run = await store.CreateRunAsync(r.GetString("experiment_id"), r.GetStringOrEmpty("user_id"), r.GetInt64("start_time"),
            Tags(r), r.GetString("run_name"), http.RequestAborted);
        return Reply.Json(new RunResponse(RunJson.From(run, withOutputs: false)), SharpflowJsonContext.Default.RunResponse);
    }

    private static async Task<IResult> GetRun(HttpContext http, TrackingStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.RunId)).Check("run_id", Rule.Required, Rule.String);
        var run = await store.GetRunAsync(r.RunId(), http.RequestAborted);
        return Reply.Json(new RunResponse(RunJson.From(run)), SharpflowJsonContext.Default.RunResponse);
    }

    private static async Task<IResult> Update(HttpContext http, TrackingStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.UpdateRun))
            .Check("run_id", Rule.Required, Rule.String).Check("end_time", Rule.IntLike).Check("status", Rule.String).Check("run_name", Rule.String);
        var info = await store.UpdateRunInfoAsync(r.RunId(), r.GetEnum("status"), r.GetInt64("end_time"), r.GetString("run_name"), http.RequestAborted);
        return Reply.Json(new UpdateRunResponse(RunInfoJson.From(info)), SharpflowJsonContext.Default.UpdateRunResponse);
    }

    private static async Task<IResult> Delete(HttpContext http, TrackingStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.RunId)).Check("run_id", Rule.Required, Rule.String);
        await store.DeleteRunAsync(r.RunId(), http.RequestAborted);
        return Reply.Empty();
    }

    private static async Task<IResult> Restore(HttpContext http, TrackingStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.RunId)).Check("run_id", Rule.Required, Rule.String);
        await store.RestoreRunAsync(r.RunId(), http.RequestAborted);
        return Reply.Empty();
    }

    private static async Task<IResult> LogMetric(HttpContext http, TrackingStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.LogMetric))
            .Check("run_id", Rule.Required, Rule.String).Check("key", Rule.Required, Rule.String)
            .Check("value", Rule.Required, Rule.FloatLike).Check("timestamp", Rule.IntLike, Rule.Required).Check("step", Rule.IntLike)
            .Check("model_id", Rule.String).Check("dataset_name", Rule.String).Check("dataset_digest", Rule.String);
        var metric = new Metric(r.GetStringOrEmpty("key"), r.GetDouble("value") ?? 0, r.GetInt64("timestamp") ?? 0, r.GetInt64("step") ?? 0)
        {
            ModelId = NullIfEmpty(r.GetString("model_id")),
            DatasetName = NullIfEmpty(r.GetString("dataset_name")),
            DatasetDigest = NullIfEmpty(r.GetString("dataset_digest")),
        };
        await store.LogMetricAsync(r.RunId(), metric, http.RequestAborted);
        return Reply.Empty();
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    private static async Task<IResult> LogParam(HttpContext http, TrackingStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.LogParam))
            .Check("run_id", Rule.Required, Rule.String).Check("key", Rule.Required, Rule.String).Check("value", Rule.String);
        await store.LogParamAsync(r.RunId(), r.GetStringOrEmpty("key"), r.GetStringOrEmpty("value"), http.RequestAborted);
        return Reply.Empty();
    }

    private static async Task<IResult> SetTag(HttpContext http, TrackingStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.SetTag))
            .Check("run_id", Rule.Required, Rule.String).Check("key", Rule.Required, Rule.String).Check("value", Rule.String);
        await store.SetTagAsync(r.RunId(), r.GetStringOrEmpty("key"), r.GetStringOrEmpty("value"), http.RequestAborted);
        return Reply.Empty();
    }

    private static async Task<IResult> DeleteTag(HttpContext http, TrackingStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.DeleteTag)).Check("run_id", Rule.Required, Rule.String).Check("key", Rule.Required, Rule.String);
        await store.DeleteTagAsync(r.GetStringOrEmpty("run_id"), r.GetStringOrEmpty("key"), http.RequestAborted);
        return Reply.Empty();
    }

    private static async Task<IResult> Search(HttpContext http, TrackingStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.SearchRuns))
            .Check("experiment_ids", Rule.Array).Check("filter", Rule.String)
            .Check("max_results", v =>
            {
                if (ProtoRequest.TryInt64(v, out var n) && n > MlflowLimits.SearchMaxResultsThreshold) throw ProtoRequest.SchemaFailure("max_results", v);
            }, Rule.IntLike)
            .Check("order_by", Rule.Array, Rule.ItemString);
        var view = Enum.TryParse<ViewType>(r.GetEnum("run_view_type"), out var v) ? v : ViewType.ACTIVE_ONLY;
        var page = await store.SearchRunsAsync(r.GetStringList("experiment_ids"), r.GetString("filter"), view,
            r.Has("max_results") ? r.GetInt64("max_results") : MlflowLimits.SearchRunsDefaultMaxResults,
            r.GetStringList("order_by"), r.GetString("page_token"), http.RequestAborted);
        var runs = page.Items.Count == 0 ? null : page.Items.Select(run => RunJson.From(run)).ToList();
        return Reply.Json(new SearchRunsResponse(runs, page.NextPageToken), SharpflowJsonContext.Default.SearchRunsResponse);
    }

    private static async Task<IResult> LogModel(HttpContext http, TrackingStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.LogModel)).Check("run_id", Rule.String, Rule.Required).Check("model_json", Rule.String, Rule.Required);
        var json = r.GetStringOrEmpty("model_json");
        JsonObject model;
        try
        {
            model = JsonNode.Parse(json) as JsonObject ?? throw new JsonException();
        }
        catch (JsonException)
        {
            throw MlflowException.InvalidParameter($"Malformed model info. \n {json} \n is not a valid JSON.");
        }
        var missing = new[] { "artifact_path", "flavors", "utc_time_created", "run_id" }.Where(k => !model.ContainsKey(k)).ToList();
        if (missing.Count > 0)
            throw MlflowException.InvalidParameter($"Model json is missing mandatory fields: {{{string.Join(", ", missing.Select(PythonRepr.Str))}}}");
        await store.RecordLoggedModelAsync(r.RunId(), ModelTags.FromModelJson(model), http.RequestAborted);
        return Reply.Empty();
    }

    private static async Task<IResult> LogInputs(HttpContext http, TrackingStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.LogInputs))
            .Check("run_id", Rule.Required, Rule.String).Check("datasets", Rule.Array).Check("models", Rule.Array);
        var datasets = r.GetMessages("datasets").Select(d =>
        {
            var ds = d.Obj("dataset");
            var dataset = ds is { } o
                ? new Dataset(o.Str("name") ?? "", o.Str("digest") ?? "", o.Str("source_type") ?? "", o.Str("source") ?? "", o.Str("schema"), o.Str("profile"))
                : new Dataset("", "", "", "", null, null);
            var tags = d.Arr("tags").Where(t => t.ValueKind == JsonValueKind.Object).Select(t => new KeyValue(t.Str("key") ?? "", t.Str("value") ?? "")).ToList();
            return new DatasetInput(tags, dataset);
        }).ToList();
        var models = r.GetMessages("models").Select(m => new ModelInput(m.Str("model_id") ?? "")).ToList();
        await store.LogInputsAsync(r.GetStringOrEmpty("run_id"), datasets, models, http.RequestAborted);
        return Reply.Empty();
    }

    private static async Task<IResult> LogOutputs(HttpContext http, TrackingStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.LogOutputs)).Check("run_id", Rule.Required, Rule.String).Check("models", Rule.Required, Rule.Array);
        var models = r.GetMessages("models").Select(m => new ModelOutput(m.Str("model_id") ?? "", m.Int64("step") ?? 0)).ToList();
        await store.LogOutputsAsync(r.GetStringOrEmpty("run_id"), models, http.RequestAborted);
        return Reply.Empty();
    }
}
