using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sharpflow.Core.Entities;
using Sharpflow.Server.Contracts;
using Sharpflow.Server.Features.Webhooks;
using Sharpflow.Server.Http;
using Sharpflow.Store.Registry;
using static Sharpflow.Server.Http.MlflowRoutes;
using M = Sharpflow.Server.Http.RegistryMessages;

namespace Sharpflow.Server.Features.Registry;

/// <summary>registered-models/* of model_registry.proto: models, their tags and aliases, latest versions, search.</summary>
public static class RegisteredModelsEndpoints
{
    public static void MapRegistry(this IEndpointRouteBuilder app)
    {
        app.MapRpc(Post, "/registered-models/create", Create);
        app.MapRpc(Post, "/registered-models/rename", Rename);
        app.MapRpc(Patch, "/registered-models/update", Update);
        app.MapRpc(Delete, "/registered-models/delete", DeleteModel);
        app.MapRpc(Get, "/registered-models/get", GetModel);
        app.MapRpc(Get, "/registered-models/search", Search);
        app.MapRpc(GetPost, "/registered-models/get-latest-versions", LatestVersions);
        app.MapRpc(Post, "/registered-models/set-tag", SetTag);
        app.MapRpc(Delete, "/registered-models/delete-tag", DeleteTag);
        app.MapRpc(Post, "/registered-models/alias", SetAlias);
        app.MapRpc(Delete, "/registered-models/alias", DeleteAlias);
        app.MapRpc(Get, "/registered-models/alias", GetByAlias);
        app.MapModelVersions();
    }

    /// <summary>Tags of a request as protobuf fills them: unset key or value read as "".</summary>
    internal static List<KeyValue> Tags(ProtoRequest r) =>
        r.GetMessages("tags").Select(t => new KeyValue(t.Str("key") ?? "", t.Str("value") ?? "")).ToList();

    internal static IResult Model(RegisteredModel m) =>
        Reply.Json(new RegisteredModelResponse(RegisteredModelJson.From(m)), RegistryJsonContext.Default.RegisteredModelResponse);

    internal static IResult Version(ModelVersion v) =>
        Reply.Json(new ModelVersionResponse(ModelVersionJson.From(v)), RegistryJsonContext.Default.ModelVersionResponse);

    internal static IResult Versions(IReadOnlyList<ModelVersion> list, string? token = null) =>
        Reply.Json(new ModelVersionsResponse(list.Count == 0 ? null : list.Select(ModelVersionJson.From).ToList(), token),
            RegistryJsonContext.Default.ModelVersionsResponse);

    /// <summary>The handlers' max_results check: int-like, then at most <paramref name="limit"/> (MLflow's message framing).</summary>
    internal static Action<JsonElement> AtMost(long limit) => v =>
    {
        if (ProtoRequest.TryInt64(v, out var n) && n > limit) throw ProtoRequest.SchemaFailure("max_results", v);
    };

    private static async Task<IResult> Create(HttpContext http, RegistryStore store, WebhookDispatcher hooks)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.CreateRegisteredModel))
            .Check("name", Rule.String, Rule.Required).Check("tags", Rule.Array).Check("description", Rule.String);
        var model = await store.CreateRegisteredModelAsync(r.GetStringOrEmpty("name"), Tags(r), r.GetStringOrEmpty("description"), http.RequestAborted);
        hooks.RegisteredModelCreated(model.Name, Tags(r), r.GetStringOrEmpty("description"));
        return Model(model);
    }

    private static async Task<IResult> GetModel(HttpContext http, RegistryStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.Name)).Check("name", Rule.String, Rule.Required);
        return Model(await store.GetRegisteredModelAsync(r.GetStringOrEmpty("name"), http.RequestAborted));
    }

    private static async Task<IResult> Update(HttpContext http, RegistryStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.UpdateRegisteredModel)).Check("name", Rule.String, Rule.Required).Check("description", Rule.String);
        return Model(await store.UpdateRegisteredModelAsync(r.GetStringOrEmpty("name"), r.GetStringOrEmpty("description"), http.RequestAborted));
    }

    private static async Task<IResult> Rename(HttpContext http, RegistryStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.RenameRegisteredModel))
            .Check("name", Rule.String, Rule.Required).Check("new_name", Rule.String, Rule.Required);
        return Model(await store.RenameRegisteredModelAsync(r.GetStringOrEmpty("name"), r.GetStringOrEmpty("new_name"), http.RequestAborted));
    }

    private static async Task<IResult> DeleteModel(HttpContext http, RegistryStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.Name)).Check("name", Rule.String, Rule.Required);
        await store.DeleteRegisteredModelAsync(r.GetStringOrEmpty("name"), http.RequestAborted);
        return Reply.Empty();
    }

    private static async Task<IResult> Search(HttpContext http, RegistryStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.SearchRegisteredModels))
            .Check("filter", Rule.String).Check("max_results", AtMost(RegistryStore.SearchRegisteredModelsMaxResults), Rule.IntLike)
            .Check("order_by", Rule.Array, Rule.ItemString).Check("page_token", Rule.String);
        var page = await store.SearchRegisteredModelsAsync(r.GetString("filter"), r.GetInt64("max_results") ?? 100, r.GetStringList("order_by"),
            NullIfEmpty(r.GetString("page_token")), http.RequestAborted);
        var list = page.Items.Count == 0 ? null : page.Items.Select(RegisteredModelJson.From).ToList();
        return Reply.Json(new SearchRegisteredModelsResponse(list, page.NextPageToken), RegistryJsonContext.Default.SearchRegisteredModelsResponse);
    }

    internal static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    private static async Task<IResult> LatestVersions(HttpContext http, RegistryStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.GetLatestVersions))
            .Check("name", Rule.String, Rule.Required).Check("stages", Rule.Array, Rule.ItemString);
        return Versions(await store.GetLatestVersionsAsync(r.GetStringOrEmpty("name"), r.GetStringList("stages"), http.RequestAborted));
    }

    private static async Task<IResult> SetTag(HttpContext http, RegistryStore store, WebhookDispatcher hooks)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.SetRegisteredModelTag))
            .Check("name", Rule.String, Rule.Required).Check("key", Rule.String, Rule.Required).Check("value", Rule.String);
        await store.SetRegisteredModelTagAsync(r.GetStringOrEmpty("name"), r.GetStringOrEmpty("key"), r.GetStringOrEmpty("value"), http.RequestAborted);
        hooks.RegisteredModelTagSet(r.GetStringOrEmpty("name"), r.GetStringOrEmpty("key"), r.GetStringOrEmpty("value"));
        return Reply.Empty();
    }

    private static async Task<IResult> DeleteTag(HttpContext http, RegistryStore store, WebhookDispatcher hooks)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.DeleteRegisteredModelTag))
            .Check("name", Rule.String, Rule.Required).Check("key", Rule.String, Rule.Required);
        await store.DeleteRegisteredModelTagAsync(r.GetStringOrEmpty("name"), r.GetStringOrEmpty("key"), http.RequestAborted);
        hooks.RegisteredModelTagDeleted(r.GetStringOrEmpty("name"), r.GetStringOrEmpty("key"));
        return Reply.Empty();
    }

    private static async Task<IResult> SetAlias(HttpContext http, RegistryStore store, WebhookDispatcher hooks)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.SetRegisteredModelAlias))
            .Check("name", Rule.String, Rule.Required).Check("alias", Rule.String, Rule.Required).Check("version", Rule.String, Rule.Required);
        await store.SetRegisteredModelAliasAsync(r.GetStringOrEmpty("name"), r.GetStringOrEmpty("alias"), r.GetStringOrEmpty("version"), http.RequestAborted);
        hooks.AliasCreated(r.GetStringOrEmpty("name"), r.GetStringOrEmpty("alias"), r.GetStringOrEmpty("version"));
        return Reply.Empty();
    }

    private static async Task<IResult> DeleteAlias(HttpContext http, RegistryStore store, WebhookDispatcher hooks)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.Alias)).Check("name", Rule.String, Rule.Required).Check("alias", Rule.String, Rule.Required);
        await store.DeleteRegisteredModelAliasAsync(r.GetStringOrEmpty("name"), r.GetStringOrEmpty("alias"), http.RequestAborted);
        hooks.AliasDeleted(r.GetStringOrEmpty("name"), r.GetStringOrEmpty("alias"));
        return Reply.Empty();
    }

    private static async Task<IResult> GetByAlias(HttpContext http, RegistryStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.Alias)).Check("name", Rule.String, Rule.Required).Check("alias", Rule.String, Rule.Required);
        return Version(await store.GetModelVersionByAliasAsync(r.GetStringOrEmpty("name"), r.GetStringOrEmpty("alias"), http.RequestAborted));
    }
}
