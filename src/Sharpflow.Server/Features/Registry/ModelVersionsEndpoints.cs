using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sharpflow.Core.Entities;
using Sharpflow.Server.Contracts;
using Sharpflow.Server.Features.Webhooks;
using Sharpflow.Server.Http;
using Sharpflow.Store.Registry;
using Sharpflow.Store.Tracking;
using static Sharpflow.Server.Features.Registry.RegisteredModelsEndpoints;
using static Sharpflow.Server.Http.MlflowRoutes;
using M = Sharpflow.Server.Http.RegistryMessages;

namespace Sharpflow.Server.Features.Registry;

/// <summary>model-versions/* of model_registry.proto, plus the version artifact download (/model-versions/get-artifact).</summary>
public static class ModelVersionsEndpoints
{
    public const int SearchMaxResults = 200_000;

    public static void MapModelVersions(this IEndpointRouteBuilder app)
    {
        app.MapRpc(Post, "/model-versions/create", Create);
        app.MapRpc(Patch, "/model-versions/update", Update);
        app.MapRpc(Post, "/model-versions/transition-stage", Transition);
        app.MapRpc(Delete, "/model-versions/delete", DeleteVersion);
        app.MapRpc(Get, "/model-versions/get", GetVersion);
        app.MapRpc(Get, "/model-versions/search", Search);
        app.MapRpc(Get, "/model-versions/get-download-uri", DownloadUri);
        app.MapRpc(Post, "/model-versions/set-tag", SetTag);
        app.MapRpc(Delete, "/model-versions/delete-tag", DeleteTag);
        app.MapMethods("/model-versions/get-artifact", ["GET", "HEAD"], ModelVersionArtifacts.Download);
    }

    private static async Task<IResult> Create(HttpContext http, RegistryStore registry, TrackingStore tracking, WebhookDispatcher hooks)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.CreateModelVersion))
            .Check("name", Rule.String, Rule.Required).Check("source", Rule.String, Rule.Required).Check("run_id", Rule.String)
            .Check("tags", Rule.Array).Check("run_link", Rule.String).Check("description", Rule.String).Check("model_id", Rule.String);
        var name = r.GetStringOrEmpty("name");
        var source = r.GetStringOrEmpty("source");
        var tags = Tags(r);
        var modelId = r.GetStringOrEmpty("model_id");
        var isPrompt = tags.Any(t => t.Key == RegistryTags.IsPrompt);
        await ModelVersionCreation.ValidateSourceAsync(source, r.GetStringOrEmpty("run_id"), modelId, isPrompt, tracking, http.RequestAborted);
        RegistryStore.ValidateNewVersion(name, tags);
        var (storage, runId) = await ModelVersionCreation.ResolveAsync(source, r.GetStringOrEmpty("run_id"), modelId, registry, tracking, http.RequestAborted);
        var version = await registry.CreateModelVersionAsync(name, source, storage, runId, tags, r.GetStringOrEmpty("run_link"),
            r.GetStringOrEmpty("description"), http.RequestAborted);
        if (!isPrompt && modelId.Length > 0) await tracking.SetModelVersionsTagAsync(modelId, name, version.Version, http.RequestAborted);
        hooks.ModelVersionCreated(name, version.Version, source, r.GetStringOrEmpty("run_id"), tags, r.GetStringOrEmpty("description"));
        return Version(version);
    }

    private static async Task<IResult> GetVersion(HttpContext http, RegistryStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.NameVersion)).Check("name", Rule.String, Rule.Required).Check("version", Rule.String, Rule.Required);
        return Version(await store.GetModelVersionAsync(r.GetStringOrEmpty("name"), r.GetStringOrEmpty("version"), http.RequestAborted));
    }

    private static async Task<IResult> Update(HttpContext http, RegistryStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.UpdateModelVersion))
            .Check("name", Rule.String, Rule.Required).Check("version", Rule.String, Rule.Required).Check("description", Rule.String);
        return Version(await store.UpdateModelVersionAsync(r.GetStringOrEmpty("name"), r.GetStringOrEmpty("version"),
            r.Has("description") ? r.GetStringOrEmpty("description") : null, http.RequestAborted));
    }

    private static async Task<IResult> Transition(HttpContext http, RegistryStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.TransitionModelVersionStage))
            .Check("name", Rule.String, Rule.Required).Check("version", Rule.String, Rule.Required).Check("stage", Rule.String, Rule.Required)
            .Check("archive_existing_versions", Rule.Bool);
        return Version(await store.TransitionModelVersionStageAsync(r.GetStringOrEmpty("name"), r.GetStringOrEmpty("version"), r.GetStringOrEmpty("stage"),
            r.GetBool("archive_existing_versions") ?? false, http.RequestAborted));
    }

    private static async Task<IResult> DeleteVersion(HttpContext http, RegistryStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.NameVersion)).Check("name", Rule.String, Rule.Required).Check("version", Rule.String, Rule.Required);
        await store.DeleteModelVersionAsync(r.GetStringOrEmpty("name"), r.GetStringOrEmpty("version"), http.RequestAborted);
        return Reply.Empty();
    }

    // MLflow's handler has no schema here: missing fields reach the store's own checks.
    private static async Task<IResult> DownloadUri(HttpContext http, RegistryStore store)
    {
        var r = await ProtoRequest.ReadAsync(http, M.NameVersion);
        var uri = await store.GetModelVersionDownloadUriAsync(r.GetStringOrEmpty("name"), r.GetStringOrEmpty("version"), http.RequestAborted);
        return Reply.Json(new DownloadUriResponse(uri), RegistryJsonContext.Default.DownloadUriResponse);
    }

    private static async Task<IResult> Search(HttpContext http, RegistryStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.SearchModelVersions))
            .Check("filter", Rule.String).Check("max_results", AtMost(SearchMaxResults), Rule.IntLike)
            .Check("order_by", Rule.Array, Rule.ItemString).Check("page_token", Rule.String);
        var page = await store.SearchModelVersionsAsync(r.GetString("filter"), r.GetInt64("max_results") ?? SearchMaxResults, r.GetStringList("order_by"),
            NullIfEmpty(r.GetString("page_token")), http.RequestAborted);
        return Versions(page.Items, page.NextPageToken);
    }

    private static async Task<IResult> SetTag(HttpContext http, RegistryStore store, WebhookDispatcher hooks)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.SetModelVersionTag))
            .Check("name", Rule.String, Rule.Required).Check("version", Rule.String, Rule.Required)
            .Check("key", Rule.String, Rule.Required).Check("value", Rule.String);
        await store.SetModelVersionTagAsync(r.GetStringOrEmpty("name"), r.GetStringOrEmpty("version"), r.GetStringOrEmpty("key"),
            r.GetStringOrEmpty("value"), http.RequestAborted);
        hooks.ModelVersionTagSet(r.GetStringOrEmpty("name"), r.GetStringOrEmpty("version"), r.GetStringOrEmpty("key"), r.GetStringOrEmpty("value"));
        return Reply.Empty();
    }

    private static async Task<IResult> DeleteTag(HttpContext http, RegistryStore store, WebhookDispatcher hooks)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.DeleteModelVersionTag))
            .Check("name", Rule.String, Rule.Required).Check("version", Rule.String, Rule.Required).Check("key", Rule.String, Rule.Required);
        await store.DeleteModelVersionTagAsync(r.GetStringOrEmpty("name"), r.GetStringOrEmpty("version"), r.GetStringOrEmpty("key"), http.RequestAborted);
        hooks.ModelVersionTagDeleted(r.GetStringOrEmpty("name"), r.GetStringOrEmpty("version"), r.GetStringOrEmpty("key"));
        return Reply.Empty();
    }
}
