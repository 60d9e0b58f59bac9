using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sharpflow.Server;
using Sharpflow.Server.Features.Webhooks;

namespace Sharpflow.Http.Tests.Webhooks;

/// <summary>One request a webhook receiver got.</summary>
public sealed record Received(string Path, string Body, Dictionary<string, string> Headers)
{
    public JsonNode Json => JsonNode.Parse(Body)!;
}

/// <summary>
/// An HTTP endpoint on loopback that records what webhooks send. <see cref="Answers"/> scripts the statuses of the next
/// requests (then 200); <see cref="Delay"/> holds every answer back.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookReceiver(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    public ConcurrentQueue<Received> Requests { get; } = new();

    public ConcurrentQueue<int> Answers { get; } = new();

    public TimeSpan Delay { get; set; }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        WebhookReceiver? self = null;
        app.Run(async http =>
        {
            var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
            var headers = http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            self!.Requests.Enqueue(new Received(http.Request.Path, body, headers));
            if (self.Delay > TimeSpan.Zero) await Task.Delay(self.Delay);
            http.Response.StatusCode = self.Answers.TryDequeue(out var status) ? status : 200;
            await http.Response.WriteAsync($"answer {http.Response.StatusCode}");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new WebhookReceiver(app, address);
        return self;
    }

    /// <summary>Waits until at least <paramref name="count"/> requests arrived (deliveries are asynchronous).</summary>
    public async Task<List<Received>> WaitForAsync(int count, int timeoutMs = 10_000)
    {
        var until = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (Requests.Count < count && DateTime.UtcNow < until) await Task.Delay(20);
        Assert.True(Requests.Count >= count, $"expected {count} webhook requests, got {Requests.Count}");
        return [.. Requests];
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Servers whose webhooks may reach loopback over http (what MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS and _ALLOWED_SCHEMES allow).</summary>
public static class WebhookServers
{
    public static readonly WebhookSettings Loopback = new()
    {
        AllowedSchemes = ["http", "https"], AllowPrivateIps = true, RetryBackoff = TimeSpan.FromMilliseconds(50), RequestTimeout = TimeSpan.FromSeconds(5),
    };

    /// <summary>A fresh server on <paramref name="backend"/> with these webhook settings; Scratch is the PostgreSQL database (else null).</summary>
    public static async Task<(TestServer Server, PgScratch? Scratch, string Dir)> StartAsync(Backend backend, WebhookSettings? settings)
    {
        var dir = Path.Combine(Path.GetTempPath(), "sf-hooks-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        void Configure(SharpflowOptions o) => o.Webhooks = settings ?? new WebhookSettings();
        if (backend == Backend.Sqlite) return (await TestServer.StartAsync($"sqlite:///{dir}/mlflow.db", Configure), null, dir);
        var db = await PgScratch.CreateAsync();
        return (await TestServer.StartAsync(db.Uri, Configure, dropPgDatabase: db.Name), db, dir);
    }
}
