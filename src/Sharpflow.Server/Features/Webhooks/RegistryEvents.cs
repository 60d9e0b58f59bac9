using System.Text.Json.Nodes;
using Sharpflow.Core.Entities;
using E = Sharpflow.Core.Entities.WebhookEvent;

namespace Sharpflow.Server.Features.Webhooks;

/// <summary>
/// The registry events MLflow 3.11's handlers emit after a successful change, with their payloads (keys in MLflow's
/// order). Prompts are registry entities too: the same change is a prompt event when the model is a prompt, else a
/// model event; tag changes on a registered model are only announced for prompts.
/// </summary>
public static class RegistryEvents
{
    private static readonly HashSet<string> PromptInternalTags = [RegistryTags.IsPrompt, RegistryTags.PromptType];

    private static JsonObject Map(IEnumerable<KeyValue> tags)
    {
        var map = new JsonObject();
        foreach (var t in tags) map[t.Key] = t.Value;
        return map;
    }

    private static JsonObject Obj(params (string Key, string? Value)[] fields)
    {
        var o = new JsonObject();
        foreach (var (k, v) in fields) o[k] = v;
        return o;
    }

    public static void RegisteredModelCreated(this WebhookDispatcher hooks, string name, IReadOnlyList<KeyValue> tags, string description)
    {
        if (tags.Any(t => t.Key == RegistryTags.IsPrompt))
            hooks.Publish(new(name, true, null,
                (E.PromptCreated, new JsonObject { ["name"] = name, ["tags"] = Map(tags.Where(t => !PromptInternalTags.Contains(t.Key))), ["description"] = description })));
        else
            hooks.Publish(new(name, false, (E.RegisteredModelCreated, new JsonObject { ["name"] = name, ["tags"] = Map(tags), ["description"] = description }), null));
    }

    public static void ModelVersionCreated(this WebhookDispatcher hooks, string name, long version, string source, string runId,
        IReadOnlyList<KeyValue> tags, string description)
    {
        if (tags.Any(t => t.Key == RegistryTags.IsPrompt))
        {
            var rest = tags.Where(t => t.Key != RegistryTags.PromptText && !PromptInternalTags.Contains(t.Key));
            var template = tags.LastOrDefault(t => t.Key == RegistryTags.PromptText)?.Value;
            hooks.Publish(new(name, true, null, (E.PromptVersionCreated, new JsonObject
            {
                ["name"] = name, ["version"] = version.ToString(), ["template"] = template, ["tags"] = Map(rest),
                ["description"] = description.Length == 0 ? null : description,
            })));
            return;
        }
        hooks.Publish(new(name, false, (E.ModelVersionCreated, new JsonObject
        {
            ["name"] = name, ["version"] = version.ToString(), ["source"] = source, ["run_id"] = runId.Length == 0 ? null : runId,
            ["tags"] = Map(tags), ["description"] = description.Length == 0 ? null : description,
        }), null));
    }

    public static void RegisteredModelTagSet(this WebhookDispatcher hooks, string name, string key, string value) =>
        hooks.Publish(new(name, null, null, (E.PromptTagSet, Obj(("name", name), ("key", key), ("value", value)))));

    public static void RegisteredModelTagDeleted(this WebhookDispatcher hooks, string name, string key) =>
        hooks.Publish(new(name, null, null, (E.PromptTagDeleted, Obj(("name", name), ("key", key)))));

    public static void ModelVersionTagSet(this WebhookDispatcher hooks, string name, string version, string key, string value)
    {
        var payload = Obj(("name", name), ("version", version), ("key", key), ("value", value));
        hooks.Publish(new(name, null, (E.ModelVersionTagSet, payload), (E.PromptVersionTagSet, payload)));
    }

    public static void ModelVersionTagDeleted(this WebhookDispatcher hooks, string name, string version, string key)
    {
        var payload = Obj(("name", name), ("version", version), ("key", key));
        hooks.Publish(new(name, null, (E.ModelVersionTagDeleted, payload), (E.PromptVersionTagDeleted, payload)));
    }

    public static void AliasCreated(this WebhookDispatcher hooks, string name, string alias, string version)
    {
        var payload = Obj(("name", name), ("alias", alias), ("version", version));
        hooks.Publish(new(name, null, (E.ModelVersionAliasCreated, payload), (E.PromptAliasCreated, payload)));
    }

    public static void AliasDeleted(this WebhookDispatcher hooks, string name, string alias)
    {
        var payload = Obj(("name", name), ("alias", alias));
        hooks.Publish(new(name, null, (E.ModelVersionAliasDeleted, payload), (E.PromptAliasDeleted, payload)));
    }

    /// <summary>What webhooks/{id}/test sends (MLflow's get_example_payload_for_event).</summary>
    public static JsonObject Example(E e)
    {
        var model = e.Entity.StartsWith("prompt", StringComparison.Ordinal) ? "example_prompt" : "example_model";
        var tags = new JsonObject { ["example_key"] = "example_value" };
        return (e.Entity, e.Action) switch
        {
            ("registered_model", _) => new JsonObject { ["name"] = model, ["tags"] = tags, ["description"] = "An example registered model" },
            ("prompt", _) => new JsonObject { ["name"] = model, ["tags"] = tags, ["description"] = "An example prompt" },
            ("model_version", _) => new JsonObject
            {
                ["name"] = model, ["version"] = "1", ["source"] = "models:/123", ["run_id"] = "abcd1234abcd5678", ["tags"] = tags,
                ["description"] = "An example model version",
            },
            ("prompt_version", _) => new JsonObject
            {
                ["name"] = model, ["version"] = "1", ["template"] = "Hello {{name}}!", ["tags"] = tags, ["description"] = "An example prompt version",
            },
            ("model_version_tag" or "prompt_version_tag", "set") => Obj(("name", model), ("version", "1"), ("key", "example_key"), ("value", "example_value")),
            ("model_version_tag" or "prompt_version_tag", _) => Obj(("name", model), ("version", "1"), ("key", "example_key")),
            ("prompt_tag", "set") => Obj(("name", model), ("key", "example_key"), ("value", "example_value")),
            ("prompt_tag", _) => Obj(("name", model), ("key", "example_key")),
            (_, "created") when e.Entity.EndsWith("alias", StringComparison.Ordinal) => Obj(("name", model), ("alias", "example_alias"), ("version", "1")),
            (_, _) when e.Entity.EndsWith("alias", StringComparison.Ordinal) => Obj(("name", model), ("alias", "example_alias")),
            _ => throw new ArgumentException($"Unknown event type: {e.Entity}.{e.Action}"),
        };
    }
}
