using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sharpflow.Core.Entities;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Validation;
using Sharpflow.Server.Contracts;
using Sharpflow.Server.Http;
using Sharpflow.Store.Registry;
using static Sharpflow.Server.Http.MlflowRoutes;
using M = Sharpflow.Server.Http.WebhookMessages;

namespace Sharpflow.Server.Features.Webhooks;

/// <summary>/webhooks of webhooks.proto: create, list, get, update, delete, test. Secrets go in, never out.</summary>
public static class WebhooksEndpoints
{
    public static void MapWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapRpc(Post, "/webhooks", Create);
        app.MapRpc(Get, "/webhooks", List);
        app.MapRpc(Get, "/webhooks/{webhook_id}", GetHook);
        app.MapRpc(Patch, "/webhooks/{webhook_id}", Update);
        app.MapRpc(Delete, "/webhooks/{webhook_id}", DeleteHook);
        app.MapRpc(Post, "/webhooks/{webhook_id}/test", Test);
    }

    private static IResult Hook(Webhook w) => Reply.Json(new WebhookResponse(WebhookJson.From(w)), WebhookJsonContext.Default.WebhookResponse);

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    /// <summary>An enum field of a nested message as protobuf reads it: its name, or its number (1-based in <paramref name="names"/>).</summary>
    private static string? EnumName(JsonElement message, string field, string[] names) =>
        !message.TryGetProperty(field, out var v) ? null
        : v.ValueKind == JsonValueKind.String ? v.GetString()
        : v.TryGetInt32(out var n) && n >= 1 && n <= names.Length ? names[n - 1] : null;

    /// <summary>WebhookEvent.from_proto for each event: an unset entity or action is refused like an unknown one.</summary>
    private static List<WebhookEvent> Events(ProtoRequest r, string field) =>
        r.GetMessages(field).Select(e => WebhookEvent.Create(
            (EnumName(e, "entity", M.Entities) ?? "entity_unspecified").ToLowerInvariant(),
            (EnumName(e, "action", M.Actions) ?? "action_unspecified").ToLowerInvariant())).ToList();

    private static async Task<IResult> Create(HttpContext http, RegistryStore store, WebhookDispatcher hooks)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.Create))
            .Check("name", Rule.String, Rule.Required).Check("url", Rule.String, Rule.Required).Check("events", Rule.Array, Rule.Required)
            .Check("description", Rule.String).Check("secret", Rule.String).Check("status", Rule.String);
        var events = Events(r, "events");
        var name = r.GetStringOrEmpty("name");
        var url = r.GetStringOrEmpty("url");
        WebhookValidation.Name(name);
        await WebhookValidation.UrlAsync(url, hooks.Settings.AllowedSchemes, hooks.Settings.AllowPrivateIps, http.RequestAborted);
        var webhook = await store.CreateWebhookAsync(name, url, events, NullIfEmpty(r.GetString("description")), NullIfEmpty(r.GetString("secret")),
            r.GetEnum("status"), http.RequestAborted);
        hooks.InvalidateCache();
        return Hook(webhook);
    }

    private static async Task<IResult> List(HttpContext http, RegistryStore store)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.List)).Check("max_results", Rule.IntLike).Check("page_token", Rule.String);
        var page = await store.ListWebhooksAsync(r.GetInt64("max_results"), NullIfEmpty(r.GetString("page_token")), http.RequestAborted);
        var list = page.Items.Count == 0 ? null : page.Items.Select(WebhookJson.From).ToList();
        return Reply.Json(new ListWebhooksResponse(list, page.NextPageToken), WebhookJsonContext.Default.ListWebhooksResponse);
    }

    private static async Task<IResult> GetHook(RegistryStore store, string webhook_id, CancellationToken ct) =>
        Hook(await store.GetWebhookAsync(webhook_id, ct));

    private static async Task<IResult> Update(HttpContext http, RegistryStore store, WebhookDispatcher hooks, string webhook_id)
    {
        var r = (await ProtoRequest.ReadAsync(http, M.Update))
            .Check("name", Rule.String).Check("description", Rule.String).Check("url", Rule.String).Check("events", Rule.Array)
            .Check("secret", Rule.String).Check("status", Rule.String);
        var events = Events(r, "events");
        var name = NullIfEmpty(r.GetString("name"));
        var url = NullIfEmpty(r.GetString("url"));
        // MLflow's store checks in this order inside its transaction: the webhook, then name, url and events.
        await store.GetWebhookAsync(webhook_id, http.RequestAborted);
        if (name is not null) WebhookValidation.Name(name);
        if (url is not null) await WebhookValidation.UrlAsync(url, hooks.Settings.AllowedSchemes, hooks.Settings.AllowPrivateIps, http.RequestAborted);
        var webhook = await store.UpdateWebhookAsync(webhook_id, name, NullIfEmpty(r.GetString("description")), url, events.Count == 0 ? null : events,
            NullIfEmpty(r.GetString("secret")), r.GetEnum("status"), http.RequestAborted);
        hooks.InvalidateCache();
        return Hook(webhook);
    }

    private static async Task<IResult> DeleteHook(RegistryStore store, WebhookDispatcher hooks, string webhook_id, CancellationToken ct)
    {
        await store.DeleteWebhookAsync(webhook_id, ct);
        hooks.InvalidateCache();
        return Reply.Empty();
    }

    /// <summary>
    /// Sends the example payload of the given event (else the webhook's first) now and reports the answer; a disabled
    /// webhook is tested too. Any failure is a result, not an error, as MLflow's test_webhook.
    /// </summary>
    private static async Task<IResult> Test(HttpContext http, RegistryStore store, WebhookDispatcher hooks, string webhook_id)
    {
        var r = await ProtoRequest.ReadAsync(http, M.Test);
        WebhookEvent? requested = r.GetMessage("event") is { } e
            ? WebhookEvent.Create((EnumName(e, "entity", M.Entities) ?? "entity_unspecified").ToLowerInvariant(),
                (EnumName(e, "action", M.Actions) ?? "action_unspecified").ToLowerInvariant())
            : null;
        var webhook = await store.GetWebhookAsync(webhook_id, http.RequestAborted);
        var target = requested ?? webhook.Events[0];
        WebhookTestResultJson result;
        try
        {
            var answer = await hooks.Sender.SendAsync(webhook, target, RegistryEvents.Example(target), http.RequestAborted);
            result = new WebhookTestResultJson(answer.Status < 400, answer.Status, answer.Body, null);
        }
        catch (Exception ex) when (ex is MlflowException or HttpRequestException or ArgumentException or OperationCanceledException && !http.RequestAborted.IsCancellationRequested)
        {
            result = new WebhookTestResultJson(false, null, null, $"Failed to test webhook: {ex.GetType().Name}({Core.Python.PythonRepr.Str(ex.Message)})");
        }
        return Reply.Json(new TestWebhookResponse(result), WebhookJsonContext.Default.TestWebhookResponse);
    }
}
