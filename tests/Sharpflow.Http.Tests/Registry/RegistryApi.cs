using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sharpflow.Http.Tests.Registry;

/// <summary>Registry and logged-model calls as the MLflow client makes them (JSON bodies on POST/PATCH/DELETE, query strings on GET).</summary>
public static class RegistryApi
{
    public static async Task<(int Status, JsonNode? Body)> SendAsync(this TestServer s, HttpMethod method, string path, object? body = null)
    {
        using var req = new HttpRequestMessage(method, Api.Base + path);
        if (body is not null) req.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var res = await s.Client.SendAsync(req);
        var text = await res.Content.ReadAsStringAsync();
        var json = res.Content.Headers.ContentType?.MediaType == "application/json" && text.Length > 0 ? JsonNode.Parse(text) : null;
        return ((int)res.StatusCode, json);
    }

    public static async Task<JsonNode> OkAsync(this TestServer s, HttpMethod method, string path, object? body = null)
    {
        var (status, json) = await s.SendAsync(method, path, body);
        Assert.True(status == 200, $"{method} {path} answered {status}: {json?.ToJsonString()}");
        return json ?? new JsonObject();
    }

    public static Task<(int Status, JsonNode? Body)> GetQueryAsync(this TestServer s, string path, params (string Key, string Value)[] query) =>
        s.SendAsync(HttpMethod.Get, path + (query.Length == 0 ? "" : "?" + string.Join("&", query.Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value)}"))));

    public static async Task<JsonNode> GetOkAsync(this TestServer s, string path, params (string Key, string Value)[] query)
    {
        var (status, json) = await s.GetQueryAsync(path, query);
        Assert.True(status == 200, $"GET {path} answered {status}: {json?.ToJsonString()}");
        return json!;
    }

    public static object[] TagList(params (string Key, string Value)[] tags) => tags.Select(t => (object)new { key = t.Key, value = t.Value }).ToArray();

    public static async Task<JsonNode> CreateModelAsync(this TestServer s, string name, string? description = null, params (string, string)[] tags) =>
        (await s.OkAsync(HttpMethod.Post, "/registered-models/create", new { name, description, tags = TagList(tags) }))["registered_model"]!;

    public static async Task<JsonNode> CreateVersionAsync(this TestServer s, string name, string source, string? runId = null, string? modelId = null,
        params (string, string)[] tags) =>
        (await s.OkAsync(HttpMethod.Post, "/model-versions/create", new { name, source, run_id = runId, model_id = modelId, tags = TagList(tags) }))["model_version"]!;

    public static async Task<JsonNode> GetModelAsync(this TestServer s, string name) =>
        (await s.GetOkAsync("/registered-models/get", ("name", name)))["registered_model"]!;

    public static async Task<JsonNode> GetVersionAsync(this TestServer s, string name, string version) =>
        (await s.GetOkAsync("/model-versions/get", ("name", name), ("version", version)))["model_version"]!;

    /// <summary>A prompt as mlflow.genai.register_prompt stores it: a registered model and versions tagged as prompts.</summary>
    public static async Task CreatePromptAsync(this TestServer s, string name, string template)
    {
        await s.CreateModelAsync(name, null, ("mlflow.prompt.is_prompt", "true"));
        await s.CreateVersionAsync(name, "dummy-source", null, null, ("mlflow.prompt.is_prompt", "true"), ("_mlflow_prompt_type", "text"),
            ("mlflow.prompt.text", template));
    }

    public static string Str(this JsonNode? node, string name) => node?[name]?.GetValue<string>() ?? "";

    public static List<string> Names(JsonNode? list, string field = "name") =>
        (list?.AsArray() ?? []).Select(x => x!.Str(field)).ToList();

    public static Dictionary<string, string?> TagMap(JsonNode? tags) =>
        (tags?.AsArray() ?? []).ToDictionary(t => t!.Str("key"), t => t!["value"]?.GetValue<string>());
}
