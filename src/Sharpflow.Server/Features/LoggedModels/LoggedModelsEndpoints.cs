using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sharpflow.Artifacts;
using Sharpflow.Core.Entities;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Python;
using Sharpflow.Core.Search;
using Sharpflow.Server.Contracts;
using Sharpflow.Server.Features.Artifacts;
using Sharpflow.Server.Features.Registry;
using Sharpflow.Server.Http;
using Sharpflow.Store.Tracking;
using static Sharpflow.Server.Http.MlflowRoutes;
using M = Sharpflow.Server.Http.LoggedModelMessages;

namespace Sharpflow.Server.Features.LoggedModels;

/// <summary>
/// MLflow 3's logged models (/logged-models...): what mlflow.&lt;flavor&gt;.log_model creates, uploads into and finalizes,
/// and what search_logged_models, the registry (models:/m-&lt;id&gt;) and the UI read.
/// </summary>
public static class LoggedModelsEndpoints
{
    public static void MapLoggedModels(this IEndpointRouteBuilder app)
    {
        app.MapRpc(Post, "/logged-models", Create);
        app.MapRpc(Post, "/logged-models/search", Search);
        app.MapRpc(Get, "/logged-models/{model_id}", GetModel);
        app.MapRpc(Patch, "/logged-models/{model_id}", FinalizeModel);
        app.MapRpc(Delete, "/logged-models/{model_id}", DeleteModel);
        app.MapRpc(Patch, "/logged-models/{model_id}/tags", SetTags);
        app.MapRpc(Delete, "/logged-models/{model_id}/tags/{tag_key}", DeleteTag);
        app.MapRpc(Post, "/logged-models/{model_id}/params", LogParams);
        app.MapRpc(Get, "/logged-models/{model_id}/artifacts/directories", ListArtifacts);
        app.MapAjaxOnly(Get, "/logged-models/{model_id}/artifacts/files", DownloadArtifact);
    }

    private static IResult Model(LoggedModel m) => Reply.Json(new LoggedModelResponse(LoggedModelJson.From(m)), RegistryJsonContext.Default.LoggedModelResponse);

    private static List<KeyValue> Pairs(ProtoRequest r, string name) =>
        r.GetMessages(name).Select(t => new KeyValue(t.Str("key") ?? "", t.Str("value") ?? "")).ToList();

    private static async Task<IResult> Create(HttpContext http, TrackingStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.Create))
            .Check("experiment_id", Rule.String, Rule.Required).Check("name", Rule.String).Check("model_type", Rule.String)
            .Check("source_run_id", Rule.String).Check("params", Rule.Array).Check("tags", Rule.Array);
        var name = r.GetString("name");
        return Model(await store.CreateLoggedModelAsync(r.GetStringOrEmpty("experiment_id"), string.IsNullOrEmpty(name) ? null : name,
            r.GetStringOrEmpty("model_type"), r.GetStringOrEmpty("source_run_id"), Pairs(r, "params"), Pairs(r, "tags"), http.RequestAborted));
    }

    private static async Task<IResult> GetModel(HttpContext http, TrackingStore store, string model_id)
    {
        var allowDeleted = (http.Request.Query["allow_deleted"].FirstOrDefault() ?? "false").Equals("true", StringComparison.OrdinalIgnoreCase);
        return Model(await store.GetLoggedModelAsync(model_id, allowDeleted, http.RequestAborted));
    }

    private static async Task<IResult> FinalizeModel(HttpContext http, TrackingStore store, string model_id)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.Finalize)).Check("model_id", Rule.String, Rule.Required).Check("status", Rule.IntLike, Rule.Required);
        var status = Enum.TryParse<LoggedModelStatus>(r.GetEnum("status"), out var s) ? s : LoggedModelStatus.LOGGED_MODEL_STATUS_UNSPECIFIED;
        // MLflow finalizes the model named in the body, not the one in the path.
        return Model(await store.FinalizeLoggedModelAsync(r.GetStringOrEmpty("model_id"), status, http.RequestAborted));
    }

    private static async Task<IResult> DeleteModel(TrackingStore store, string model_id, CancellationToken ct)
    {
        await store.DeleteLoggedModelAsync(model_id, ct);
        return Reply.Empty();
    }

    private static async Task<IResult> SetTags(HttpContext http, TrackingStore store, string model_id)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.SetTags)).Check("tags", Rule.Array);
        await store.SetLoggedModelTagsAsync(model_id, Pairs(r, "tags"), http.RequestAborted);
        return Reply.Empty();
    }

    private static async Task<IResult> DeleteTag(TrackingStore store, string model_id, string tag_key, CancellationToken ct)
    {
        await store.DeleteLoggedModelTagAsync(model_id, tag_key, ct);
        return Reply.Empty();
    }

    private static async Task<IResult> LogParams(HttpContext http, TrackingStore store, string model_id)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.LogParams)).Check("model_id", Rule.String, Rule.Required).Check("params", Rule.Array);
        await store.LogLoggedModelParamsAsync(model_id, Pairs(r, "params"), http.RequestAborted);
        return Reply.Empty();
    }

    private static async Task<IResult> Search(HttpContext http, TrackingStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.Search))
            .Check("experiment_ids", Rule.Array, Rule.ItemString, Rule.Required).Check("filter", Rule.String).Check("datasets", Rule.Array)
            .Check("max_results", Rule.IntLike).Check("order_by", Rule.Array).Check("page_token", Rule.String);
        var datasets = r.GetMessages("datasets").Select(d => new LoggedModelDatasetFilter(d.Str("dataset_name") ?? "",
            string.IsNullOrEmpty(d.Str("dataset_digest")) ? null : d.Str("dataset_digest"))).ToList();
        // Proto defaults as the handler reads them: ascending true, empty dataset fields None.
        var orderBy = r.GetMessages("order_by").Select(o => new LoggedModelOrderBy(o.Str("field_name") ?? "",
            !(o.TryGetProperty("ascending", out var a) && a.ValueKind == System.Text.Json.JsonValueKind.False),
            string.IsNullOrEmpty(o.Str("dataset_name")) ? null : o.Str("dataset_name"),
            string.IsNullOrEmpty(o.Str("dataset_digest")) ? null : o.Str("dataset_digest"))).ToList();
        var filter = r.GetString("filter");
        var page = await store.SearchLoggedModelsAsync(r.GetStringList("experiment_ids"), string.IsNullOrEmpty(filter) ? null : filter,
            datasets.Count == 0 ? null : datasets, r.Has("max_results") ? r.GetInt64("max_results") : 50, orderBy.Count == 0 ? null : orderBy,
            RegisteredModelsEndpoints.NullIfEmpty(r.GetString("page_token")), http.RequestAborted);
        var models = page.Items.Count == 0 ? null : page.Items.Select(LoggedModelJson.From).ToList();
        return Reply.Json(new SearchLoggedModelsResponse(models, page.NextPageToken), RegistryJsonContext.Default.SearchLoggedModelsResponse);
    }

    private static async Task<IResult> ListArtifacts(HttpContext http, TrackingStore store, ArtifactProxy proxy, string model_id)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.ListArtifacts)).Check("artifact_directory_path", Rule.String);
        var relative = r.Has("artifact_directory_path") ? ArtifactPath.Parse(r.GetStringOrEmpty("artifact_directory_path")) : null;
        var model = await store.GetLoggedModelAsync(model_id, ct: http.RequestAborted);
        var root = proxy.ForRun(model.ArtifactLocation);
        var entries = await root.Store.ListAsync(root.Folder.Join(relative ?? ArtifactPath.Root), http.RequestAborted);
        var prefix = relative?.Text ?? "";
        var files = entries.Count == 0 ? null
            : entries.Select(e => new FileInfoJson(prefix.Length == 0 ? e.Name : PyUrl.PosixJoin(prefix, e.Name), e.IsDir, e.Size)).ToList();
        return Reply.Json(new ListArtifactsResponse(model.ArtifactLocation, files), SharpflowJsonContext.Default.ListArtifactsResponse);
    }

    private static async Task<IResult> DownloadArtifact(HttpContext http, TrackingStore store, ArtifactProxy proxy, string model_id)
    {
        var raw = http.Request.Query["artifact_file_path"].FirstOrDefault();
        if (string.IsNullOrEmpty(raw))
            throw new MlflowException(ErrorCode.BAD_REQUEST, "Request must include the \"artifact_file_path\" query parameter.");
        var relative = ArtifactPath.Parse(raw);
        var model = await store.GetLoggedModelAsync(model_id, ct: http.RequestAborted);
        return await ModelVersionArtifacts.SendAsync(http, proxy.ForRun(model.ArtifactLocation), relative);
    }
}
