using System.Text.Json.Serialization;
using Sharpflow.Core.Entities;

namespace Sharpflow.Server.Contracts;

// Wire shapes of webhooks.proto. The secret is never part of them (Webhook.to_proto leaves it out).

public sealed record WebhookEventJson(
    [property: JsonPropertyName("entity")] string Entity,
    [property: JsonPropertyName("action")] string Action);

public sealed record WebhookJson
{
    [JsonPropertyName("webhook_id")] public required string WebhookId { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("url")] public string? Url { get; init; }
    [JsonPropertyName("events")] public List<WebhookEventJson>? Events { get; init; }
    [JsonPropertyName("status")] public string? Status { get; init; }
    [JsonPropertyName("creation_timestamp")] public long? CreationTimestamp { get; init; }
    [JsonPropertyName("last_updated_timestamp")] public long? LastUpdatedTimestamp { get; init; }

    public static WebhookJson From(Webhook w) => new()
    {
        WebhookId = w.WebhookId,
        Name = w.Name,
        Description = string.IsNullOrEmpty(w.Description) ? null : w.Description,
        Url = w.Url,
        Events = w.Events.Count == 0 ? null : w.Events.Select(e => new WebhookEventJson(e.Entity.ToUpperInvariant(), e.Action.ToUpperInvariant())).ToList(),
        Status = w.Status,
        CreationTimestamp = w.CreationTimestamp,
        LastUpdatedTimestamp = w.LastUpdatedTimestamp,
    };
}

public sealed record WebhookTestResultJson(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("response_status")] int? ResponseStatus,
    [property: JsonPropertyName("response_body")] string? ResponseBody,
    [property: JsonPropertyName("error_message")] string? ErrorMessage);

public sealed record WebhookResponse([property: JsonPropertyName("webhook")] WebhookJson Webhook);
public sealed record ListWebhooksResponse(
    [property: JsonPropertyName("webhooks")] List<WebhookJson>? Webhooks,
    [property: JsonPropertyName("next_page_token")] string? NextPageToken);
public sealed record TestWebhookResponse([property: JsonPropertyName("result")] WebhookTestResultJson Result);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WebhookResponse))]
[JsonSerializable(typeof(ListWebhooksResponse))]
[JsonSerializable(typeof(TestWebhookResponse))]
public partial class WebhookJsonContext : JsonSerializerContext;
