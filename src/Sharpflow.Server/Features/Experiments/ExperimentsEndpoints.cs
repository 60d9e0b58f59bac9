using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sharpflow.Core.Entities;
using Sharpflow.Core.Errors;
using Sharpflow.Server.Contracts;
using Sharpflow.Server.Http;
using Sharpflow.Store.Tracking;
using static Sharpflow.Server.Http.MlflowRoutes;
using M = Sharpflow.Server.Http.TrackingMessages;

namespace Sharpflow.Server.Features.Experiments;

public static class ExperimentsEndpoints
{
    public static void MapExperiments(this IEndpointRouteBuilder app)
    {
        app.MapRpc(Post, "/experiments/create", Create);
        app.MapRpc(Get, "/experiments/get", GetById);
        app.MapRpc(Get, "/experiments/get-by-name", GetByName);
        app.MapRpc(GetPost, "/experiments/search", Search);
        app.MapRpc(Post, "/experiments/delete", Delete);
        app.MapRpc(Post, "/experiments/restore", Restore);
        app.MapRpc(Post, "/experiments/update", Update);
        app.MapRpc(Post, "/experiments/set-experiment-tag", SetTag);
        app.MapRpc(Post, "/experiments/delete-experiment-tag", DeleteTag);
        app.MapAjaxOnly(Post, "/experiments/search-datasets", SearchDatasets);
    }

    private static async Task<IResult> Create(HttpContext http, TrackingStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.CreateExperiment))
            .Check("name", Rule.Required, Rule.String).Check("artifact_location", Rule.String).Check("tags", Rule.Array);
        var tags = r.GetMessages("tags").Select(t => new KeyValue(t.Str("key") ?? "", t.Str("value"))).ToList();
        var artifactLocation = r.GetString("artifact_location");
        if (!string.IsNullOrEmpty(artifactLocation)) ArtifactLocations.Validate(artifactLocation, "artifact_location");
        var id = await store.CreateExperimentAsync(r.GetStringOrEmpty("name"), artifactLocation, tags, http.RequestAborted);
        return Reply.Json(new CreateExperimentResponse(id), SharpflowJsonContext.Default.CreateExperimentResponse);
    }

    private static async Task<IResult> GetById(HttpContext http, TrackingStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.GetExperiment)).Check("experiment_id", Rule.Required, Rule.String);
        var exp = await store.GetExperimentAsync(r.GetString("experiment_id"), http.RequestAborted);
        return Reply.Json(new ExperimentResponse(ExperimentJson.From(exp)), SharpflowJsonContext.Default.ExperimentResponse);
    }

    private static async Task<IResult> GetByName(HttpContext http, TrackingStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.GetExperimentByName)).Check("experiment_name", Rule.Required, Rule.String);
        var name = r.GetStringOrEmpty("experiment_name");
        var exp = await store.GetExperimentByNameAsync(name, http.RequestAborted)
                  ?? throw MlflowException.NotFound($"Could not find experiment with name '{name}'");
        return Reply.Json(new ExperimentResponse(ExperimentJson.From(exp)), SharpflowJsonContext.Default.ExperimentResponse);
    }

    private static async Task<IResult> Search(HttpContext http, TrackingStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.SearchExperiments))
            .Check("view_type", Rule.IntLike).Check("max_results", Rule.IntLike).Check("order_by", Rule.Array)
            .Check("filter", Rule.String).Check("page_token", Rule.String);
        var view = Enum.TryParse<ViewType>(r.GetEnum("view_type"), out var v) ? v : ViewType.ACTIVE_ONLY;
        var maxResults = r.GetInt64("max_results") ?? 0;
        var page = await store.SearchExperimentsAsync(view, maxResults, r.GetString("filter"), r.GetStringList("order_by"),
            r.GetString("page_token"), http.RequestAborted);
        return Reply.Json(new SearchExperimentsResponse(page.Items.Count == 0 ? null : page.Items.Select(ExperimentJson.From).ToList(), page.NextPageToken),
            SharpflowJsonContext.Default.SearchExperimentsResponse);
    }

    private static async Task<IResult> Delete(HttpContext http, TrackingStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.ExperimentId)).Check("experiment_id", Rule.Required, Rule.String);
        await store.DeleteExperimentAsync(r.GetStringOrEmpty("experiment_id"), http.RequestAborted);
        return Reply.Empty();
    }

    private static async Task<IResult> Restore(HttpContext http, TrackingStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.ExperimentId)).Check("experiment_id", Rule.Required, Rule.String);
        await store.RestoreExperimentAsync(r.GetStringOrEmpty("experiment_id"), http.RequestAborted);
        return Reply.Empty();
    }

    private static async Task<IResult> Update(HttpContext http, TrackingStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.UpdateExperiment))
            .Check("experiment_id", Rule.Required, Rule.String).Check("new_name", Rule.String, Rule.Required);
        var newName = r.GetString("new_name");
        if (!string.IsNullOrEmpty(newName)) await store.RenameExperimentAsync(r.GetStringOrEmpty("experiment_id"), newName, http.RequestAborted);
        return Reply.Empty();
    }

    private static async Task<IResult> SetTag(HttpContext http, TrackingStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.SetExperimentTag))
            .Check("experiment_id", Rule.Required, Rule.String).Check("key", Rule.Required, Rule.String).Check("value", Rule.String);
        await store.SetExperimentTagAsync(r.GetStringOrEmpty("experiment_id"), r.GetStringOrEmpty("key"), r.GetStringOrEmpty("value"), http.RequestAborted);
        return Reply.Empty();
    }

    private static async Task<IResult> DeleteTag(HttpContext http, TrackingStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.DeleteExperimentTag))
            .Check("experiment_id", Rule.Required, Rule.String).Check("key", Rule.Required, Rule.String);
        await store.DeleteExperimentTagAsync(r.GetStringOrEmpty("experiment_id"), r.GetStringOrEmpty("key"), http.RequestAborted);
        return Reply.Empty();
    }

    private static async Task<IResult> SearchDatasets(HttpContext http, TrackingStore store)
    {
        var r = await ProtoRequest.ReadAsync(http, M.SearchDatasets);
        var summaries = await store.SearchDatasetsAsync(r.GetStringList("experiment_ids"), http.RequestAborted);
        var list = summaries.Count == 0 ? null : summaries.Select(s => new DatasetSummaryJson
            { ExperimentId = s.ExperimentId, Name = s.Name, Digest = s.Digest, Context = s.Context }).ToList();
        return Reply.Json(new SearchDatasetsResponse(list), SharpflowJsonContext.Default.SearchDatasetsResponse);
    }
}
