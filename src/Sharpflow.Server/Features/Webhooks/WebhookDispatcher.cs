using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Sharpflow.Core.Entities;
using Sharpflow.Store.Registry;

namespace Sharpflow.Server.Features.Webhooks;

/// <summary>
/// A registry change to announce: the model event and/or the prompt event for it (which one applies is decided by
/// <see cref="IsPrompt"/>, or by looking the model up when that is null).
/// </summary>
public sealed record RegistryNotice(string ModelName, bool? IsPrompt, (WebhookEvent Event, JsonObject Payload)? Model,
    (WebhookEvent Event, JsonObject Payload)? Prompt);

/// <summary>
/// Delivers registry events to their webhooks in the background: a request only queues a notice (never waits for the
/// database lookups or the receivers), one loop turns notices into deliveries (webhooks per event are cached for
/// MLFLOW_WEBHOOK_CACHE_TTL and refreshed at once when webhooks change here), and MLFLOW_WEBHOOK_DELIVERY_MAX_WORKERS
/// senders post them with retries. Failures are logged, as MLflow does; nothing is persisted across restarts.
/// </summary>
public sealed class WebhookDispatcher : IAsyncDisposable
{
    private readonly RegistryStore _registry;
    private readonly ILogger _log;
    private readonly Channel<RegistryNotice> _notices;
    private readonly Channel<(Webhook Hook, WebhookEvent Event, JsonObject Payload)> _deliveries;
    private readonly ConcurrentDictionary<WebhookEvent, (DateTime Expires, List<Webhook> Hooks)> _cache = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _loops;
    private long _generation;

    public WebhookDispatcher(RegistryStore registry, SharpflowOptions options, ILoggerFactory logs)
    {
        _registry = registry;
        _log = logs.CreateLogger("Sharpflow.Webhooks");
        Settings = options.Webhooks ?? WebhookSettings.FromEnvironment();
        Sender = new WebhookSender(Settings);
        _notices = Channel.CreateBounded<RegistryNotice>(new BoundedChannelOptions(Settings.QueueCapacity) { SingleReader = true });
        _deliveries = Channel.CreateBounded<(Webhook, WebhookEvent, JsonObject)>(Settings.QueueCapacity);
        _loops = [Task.Run(ResolveLoopAsync), .. Enumerable.Range(0, Settings.MaxWorkers).Select(_ => Task.Run(SendLoopAsync))];
    }

    public WebhookSettings Settings { get; }

    public WebhookSender Sender { get; }

    /// <summary>Queues a notice; when the queue is full the notice is dropped and logged rather than slowing the request.</summary>
    public void Publish(RegistryNotice notice)
    {
        if (!_notices.Writer.TryWrite(notice))
            _log.LogError("Webhook queue full ({Capacity}); dropped the notice for {Model}", Settings.QueueCapacity, notice.ModelName);
    }

    /// <summary>Webhooks were created, changed or deleted through this server: the next event reads them afresh.</summary>
    public void InvalidateCache()
    {
        Interlocked.Increment(ref _generation);
        _cache.Clear();
    }

    private async Task ResolveLoopAsync()
    {
        try
        {
            await foreach (var notice in _notices.Reader.ReadAllAsync(_stop.Token))
            {
                try
                {
                    await ResolveAsync(notice);
                }
                catch (Exception e) when (e is not OperationCanceledException || !_stop.IsCancellationRequested)
                {
                    _log.LogError(e, "Failed to deliver webhooks for a change to {Model}", notice.ModelName);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task ResolveAsync(RegistryNotice notice)
    {
        // Only look the model up when one of the two events has subscribers.
        var model = notice.Model is { } m ? await WebhooksForAsync(m.Event) : [];
        var prompt = notice.Prompt is { } p ? await WebhooksForAsync(p.Event) : [];
        if (model.Count == 0 && prompt.Count == 0) return;
        var isPrompt = notice.IsPrompt ?? await _registry.IsPromptAsync(notice.ModelName, _stop.Token);
        var (chosen, hooks) = isPrompt ? (notice.Prompt, prompt) : (notice.Model, model);
        if (chosen is not { } target) return;
        foreach (var hook in hooks.Where(h => h.Status == WebhookStatus.Active))
        {
            if (!_deliveries.Writer.TryWrite((hook, target.Event, target.Payload)))
                _log.LogError("Webhook delivery queue full; dropped {Event} for webhook {Webhook}", target.Event, hook.WebhookId);
        }
    }

    private async Task<List<Webhook>> WebhooksForAsync(WebhookEvent e)
    {
        if (_cache.TryGetValue(e, out var cached) && cached.Expires > DateTime.UtcNow) return cached.Hooks;
        var generation = Interlocked.Read(ref _generation);
        var hooks = await _registry.ListWebhooksByEventAsync(e, _stop.Token);
        // A list read while webhooks changed may be stale: use it once, do not keep it.
        if (generation == Interlocked.Read(ref _generation)) _cache[e] = (DateTime.UtcNow + Settings.CacheTtl, hooks);
        return hooks;
    }

    private async Task SendLoopAsync()
    {
        try
        {
            await foreach (var (hook, e, payload) in _deliveries.Reader.ReadAllAsync(_stop.Token))
            {
                try
                {
                    var response = await Sender.SendAsync(hook, e, payload, _stop.Token);
                    if (response.Status >= 400)
                        _log.LogWarning("Webhook {Webhook} answered {Status} to {Event}", hook.WebhookId, response.Status, e);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !_stop.IsCancellationRequested)
                {
                    _log.LogError("Failed to send webhook {Webhook} to {Url} for event {Event}: {Error}", hook.WebhookId, hook.Url, e, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _notices.Writer.TryComplete();
        _deliveries.Writer.TryComplete();
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
        }
        Sender.Dispose();
        _stop.Dispose();
    }
}
