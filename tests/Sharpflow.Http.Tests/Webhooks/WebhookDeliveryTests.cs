using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Sharpflow.Http.Tests.Registry;

namespace Sharpflow.Http.Tests.Webhooks;

/// <summary>
/// Webhook delivery to a receiver on loopback: MLflow's body and headers, the HMAC-SHA256 signature checked the way a
/// receiver checks it, retries on 5xx observed, the triggering request never waiting, prompt events apart from model
/// events, disabled webhooks skipped, and /test.
/// </summary>
public class WebhookDeliveryTests
{
    private static object Event(string entity, string action) => new { entity, action };

    private static async Task<string> HookAsync(TestServer s, WebhookReceiver receiver, string name, string? secret, params object[] events) =>
        (await s.OkAsync(HttpMethod.Post, "/webhooks", new { name, url = receiver.Url + "/" + name, secret, events }))["webhook"]!.Str("webhook_id");

    /// <summary>What a receiver does: recompute v1,base64(HMAC-SHA256(secret, "{id}.{timestamp}.{body}")) and compare.</summary>
    private static void AssertSigned(Received r, string secret)
    {
        var id = r.Headers["X-MLflow-Delivery-Id"];
        var ts = r.Headers["X-MLflow-Timestamp"];
        Assert.Matches("^[0-9a-f-]{36}$", id);
        Assert.InRange(long.Parse(ts), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{id}.{ts}.{r.Body}")));
        Assert.Equal(expected, r.Headers["X-MLflow-Signature"]);
        Assert.Equal("application/json", r.Headers["Content-Type"]);
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Model_events_arrive_signed_in_mlflows_format(Backend backend)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (s, _, dir) = await WebhookServers.StartAsync(backend, WebhookServers.Loopback);
        try
        {
            await HookAsync(s, receiver, "models", "topsecret", Event("REGISTERED_MODEL", "CREATED"), Event("MODEL_VERSION", "CREATED"),
                Event("MODEL_VERSION_ALIAS", "CREATED"), Event("MODEL_VERSION_TAG", "SET"));
            await HookAsync(s, receiver, "unsigned", null, Event("REGISTERED_MODEL", "CREATED"));
            await s.CreateModelAsync("clf", "desc", ("team", "ml"));
            var got = await receiver.WaitForAsync(2);
            var signed = got.Single(r => r.Path == "/models");
            AssertSigned(signed, "topsecret");
            Assert.False(got.Single(r => r.Path == "/unsigned").Headers.ContainsKey("X-MLflow-Signature"));
            var body = signed.Json;
            Assert.Equal("registered_model", body.Str("entity"));
            Assert.Equal("created", body.Str("action"));
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$", body.Str("timestamp"));
            Assert.Equal("""{"name": "clf", "tags": {"team": "ml"}, "description": "desc"}""", signed.Body[(signed.Body.IndexOf("\"data\": ", StringComparison.Ordinal) + 8)..^1]);

            await s.CreateVersionAsync("clf", "s3://bucket/clf/1", "abc123", null, ("k", "v"));
            await s.OkAsync(HttpMethod.Post, "/model-versions/set-tag", new { name = "clf", version = "1", key = "validated", value = "yes" });
            await s.OkAsync(HttpMethod.Post, "/registered-models/alias", new { name = "clf", alias = "prod", version = "1" });
            got = await receiver.WaitForAsync(5);
            var data = got.Where(r => r.Path == "/models").Select(r => (Event: $"{r.Json.Str("entity")}.{r.Json.Str("action")}", Data: r.Json["data"]!)).ToList();
            var version = data.Single(d => d.Event == "model_version.created").Data;
            Assert.Equal("""{"name":"clf","version":"1","source":"s3://bucket/clf/1","run_id":"abc123","tags":{"k":"v"},"description":null}""", version.ToJsonString());
            Assert.Equal("""{"name":"clf","version":"1","key":"validated","value":"yes"}""", data.Single(d => d.Event == "model_version_tag.set").Data.ToJsonString());
            Assert.Equal("""{"name":"clf","alias":"prod","version":"1"}""", data.Single(d => d.Event == "model_version_alias.created").Data.ToJsonString());
            Assert.All(got.Where(r => r.Path == "/models"), r => AssertSigned(r, "topsecret"));
        }
        finally
        {
            await s.DisposeAsync();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Failures_are_retried_in_the_background(Backend backend)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (s, _, dir) = await WebhookServers.StartAsync(backend, WebhookServers.Loopback);
        try
        {
            await HookAsync(s, receiver, "flaky", "k", Event("REGISTERED_MODEL", "CREATED"));
            receiver.Answers.Enqueue(503);
            receiver.Answers.Enqueue(500);
            receiver.Delay = TimeSpan.FromSeconds(1);
            var clock = Stopwatch.StartNew();
            await s.CreateModelAsync("retried");
            // The request that triggered the event does not wait for the receiver (three slow answers).
            Assert.True(clock.ElapsedMilliseconds < 900, $"create took {clock.ElapsedMilliseconds} ms");
            var got = await receiver.WaitForAsync(3);
            Assert.Equal(3, got.Count);
            Assert.Single(got.Select(r => r.Headers["X-MLflow-Delivery-Id"]).Distinct());
            Assert.All(got, r => AssertSigned(r, "k"));
            await Task.Delay(500);
            Assert.Equal(3, receiver.Requests.Count);
        }
        finally
        {
            await s.DisposeAsync();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Prompt_events_are_not_model_events_and_disabled_hooks_stay_quiet(Backend backend)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (s, _, dir) = await WebhookServers.StartAsync(backend, WebhookServers.Loopback);
        try
        {
            await HookAsync(s, receiver, "prompts", null, Event("PROMPT", "CREATED"), Event("PROMPT_VERSION", "CREATED"), Event("PROMPT_TAG", "SET"),
                Event("PROMPT_ALIAS", "CREATED"), Event("PROMPT_ALIAS", "DELETED"));
            await HookAsync(s, receiver, "models", null, Event("REGISTERED_MODEL", "CREATED"), Event("MODEL_VERSION", "CREATED"),
                Event("MODEL_VERSION_ALIAS", "CREATED"));
            var off = await HookAsync(s, receiver, "off", null, Event("PROMPT", "CREATED"));
            await s.OkAsync(HttpMethod.Patch, $"/webhooks/{off}", new { status = "DISABLED" });

            await s.CreatePromptAsync("greeting", "Hello {{name}}");
            await s.OkAsync(HttpMethod.Post, "/registered-models/set-tag", new { name = "greeting", key = "lang", value = "en" });
            await s.OkAsync(HttpMethod.Post, "/registered-models/alias", new { name = "greeting", alias = "prod", version = "1" });
            await s.OkAsync(HttpMethod.Delete, "/registered-models/alias", new { name = "greeting", alias = "prod" });
            var got = await receiver.WaitForAsync(5);
            await Task.Delay(300);
            Assert.All(receiver.Requests, r => Assert.Equal("/prompts", r.Path));
            var events = receiver.Requests.Select(r => $"{r.Json.Str("entity")}.{r.Json.Str("action")}").Order().ToList();
            Assert.Equal(["prompt.created", "prompt_alias.created", "prompt_alias.deleted", "prompt_tag.set", "prompt_version.created"], events);
            var version = got.Single(r => r.Json.Str("entity") == "prompt_version").Json["data"]!;
            Assert.Equal("""{"name":"greeting","version":"1","template":"Hello {{name}}","tags":{},"description":null}""", version.ToJsonString());
            Assert.Equal("""{"name":"greeting","tags":{},"description":""}""", got.Single(r => r.Json.Str("entity") == "prompt").Json["data"]!.ToJsonString());
        }
        finally
        {
            await s.DisposeAsync();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Test_sends_an_example_and_reports_the_answer(Backend backend)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (s, _, dir) = await WebhookServers.StartAsync(backend, WebhookServers.Loopback);
        try
        {
            var id = await HookAsync(s, receiver, "t", "sig", Event("MODEL_VERSION_TAG", "SET"), Event("MODEL_VERSION_ALIAS", "DELETED"));
            var result = (await s.OkAsync(HttpMethod.Post, $"/webhooks/{id}/test", new { }))["result"]!;
            Assert.True(result["success"]!.GetValue<bool>());
            Assert.Equal(200, result["response_status"]!.GetValue<int>());
            Assert.Equal("answer 200", result.Str("response_body"));
            var sent = (await receiver.WaitForAsync(1))[0];
            AssertSigned(sent, "sig");
            Assert.Equal("model_version_alias", sent.Json.Str("entity"));
            Assert.Equal("""{"name":"example_model","alias":"example_alias"}""", sent.Json["data"]!.ToJsonString());

            receiver.Answers.Enqueue(404);
            result = (await s.OkAsync(HttpMethod.Post, $"/webhooks/{id}/test", new { @event = Event("MODEL_VERSION_TAG", "SET") }))["result"]!;
            Assert.False(result["success"]!.GetValue<bool>());
            Assert.Equal(404, result["response_status"]!.GetValue<int>());

            var dead = (await s.OkAsync(HttpMethod.Post, "/webhooks",
                new { name = "dead", url = "http://127.0.0.1:1/none", events = new[] { Event("REGISTERED_MODEL", "CREATED") } }))["webhook"]!.Str("webhook_id");
            result = (await s.OkAsync(HttpMethod.Post, $"/webhooks/{dead}/test", new { }))["result"]!;
            Assert.False(result["success"]!.GetValue<bool>());
            Assert.StartsWith("Failed to test webhook: ", result.Str("error_message"));
            Api.AssertError(await s.SendAsync(HttpMethod.Post, "/webhooks/nope/test", new { }), 404, "RESOURCE_DOES_NOT_EXIST");
        }
        finally
        {
            await s.DisposeAsync();
            Directory.Delete(dir, recursive: true);
        }
    }
}
