using Sharpflow.Core.Errors;
using Sharpflow.Core.Python;

namespace Sharpflow.Core.Entities;

/// <summary>
/// A registry event a webhook can subscribe to: an entity (registered_model, model_version_tag, prompt_alias, ...) and
/// an action (created, set, deleted, ...), spelled as MLflow stores them in webhook_events.
/// </summary>
public sealed record WebhookEvent(string Entity, string Action)
{
    /// <summary>MLflow 3.11's VALID_ENTITY_ACTIONS; proto enum names are these upper-cased.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> ValidActions = new Dictionary<string, string[]>
    {
        ["registered_model"] = ["created"],
        ["model_version"] = ["created"],
        ["model_version_tag"] = ["set", "deleted"],
        ["model_version_alias"] = ["created", "deleted"],
        ["prompt"] = ["created"],
        ["prompt_version"] = ["created"],
        ["prompt_tag"] = ["set", "deleted"],
        ["prompt_version_tag"] = ["set", "deleted"],
        ["prompt_alias"] = ["created", "deleted"],
        ["budget_policy"] = ["exceeded"],
    };

    public static readonly WebhookEvent RegisteredModelCreated = new("registered_model", "created");
    public static readonly WebhookEvent ModelVersionCreated = new("model_version", "created");
    public static readonly WebhookEvent ModelVersionTagSet = new("model_version_tag", "set");
    public static readonly WebhookEvent ModelVersionTagDeleted = new("model_version_tag", "deleted");
    public static readonly WebhookEvent ModelVersionAliasCreated = new("model_version_alias", "created");
    public static readonly WebhookEvent ModelVersionAliasDeleted = new("model_version_alias", "deleted");
    public static readonly WebhookEvent PromptCreated = new("prompt", "created");
    public static readonly WebhookEvent PromptVersionCreated = new("prompt_version", "created");
    public static readonly WebhookEvent PromptTagSet = new("prompt_tag", "set");
    public static readonly WebhookEvent PromptTagDeleted = new("prompt_tag", "deleted");
    public static readonly WebhookEvent PromptVersionTagSet = new("prompt_version_tag", "set");
    public static readonly WebhookEvent PromptVersionTagDeleted = new("prompt_version_tag", "deleted");
    public static readonly WebhookEvent PromptAliasCreated = new("prompt_alias", "created");
    public static readonly WebhookEvent PromptAliasDeleted = new("prompt_alias", "deleted");

    /// <summary>WebhookEvent(entity, action): MLflow refuses combinations outside VALID_ENTITY_ACTIONS.</summary>
    public static WebhookEvent Create(string entity, string action)
    {
        var valid = ValidActions.GetValueOrDefault(entity) ?? [];
        if (!valid.Contains(action))
            throw MlflowException.InvalidParameter(
                $"Invalid action '{action}' for entity '{entity}'. Valid actions are: {PythonRepr.StrList(valid.Order(StringComparer.Ordinal))}");
        return new WebhookEvent(entity, action);
    }

    public override string ToString() => $"{Entity}.{Action}";
}

public static class WebhookStatus
{
    public const string Active = "ACTIVE";
    public const string Disabled = "DISABLED";
}

/// <summary>A webhook; <see cref="Secret"/> is the decrypted HMAC key (null when none was set or it cannot be decrypted).</summary>
public sealed record Webhook(
    string WebhookId,
    string Name,
    string? Description,
    string Url,
    IReadOnlyList<WebhookEvent> Events,
    string Status,
    long? CreationTimestamp,
    long? LastUpdatedTimestamp,
    string? Secret)
{
    /// <summary>True when a secret is stored but this server's key cannot decrypt it (another key, or a restart without one).</summary>
    public bool SecretUnreadable { get; init; }
}

public sealed record WebhookTestResult(bool Success, int? ResponseStatus = null, string? ResponseBody = null, string? ErrorMessage = null);
