using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Sharpflow.Core.Entities;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Python;
using Sharpflow.Core.Validation;

namespace Sharpflow.Server.Features.Webhooks;

/// <summary>The receiver's answer to the last attempt.</summary>
public sealed record ReceiverAnswer(int Status, string Body);

/// <summary>
/// Sends one webhook request as MLflow's delivery.py does: the body {entity, action, timestamp, data} as json.dumps
/// writes it, X-MLflow-Delivery-Id / X-MLflow-Timestamp headers and, with a secret, X-MLflow-Signature
/// "v1,base64(HMAC-SHA256(secret, "{delivery_id}.{timestamp}.{body}"))". 429 and 5xx answers and connection failures are
/// retried with exponential backoff (Retry-After honoured). The URL is checked before sending and every connection's
/// address again when it is made (DNS rebinding), redirects are not followed and no proxy is used, so a webhook cannot
/// be turned against the server's own network.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    private static readonly int[] RetryStatuses = [429, 500, 502, 503, 504];
    private readonly WebhookSettings _settings;
    private readonly HttpClient _client;

    public WebhookSender(WebhookSettings settings)
    {
        _settings = settings;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = ConnectAsync,
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = await WebhookValidation.ResolveAsync(host, ct);
        if (!_settings.AllowPrivateIps && addresses.FirstOrDefault(a => !WebhookValidation.IsGlobal(a)) is { } blocked)
            throw new HttpRequestException($"Refusing to connect to {host}: it resolves to the non-public address {blocked}.");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The body MLflow sends: json.dumps of {entity, action, timestamp (UTC isoformat), data}.</summary>
    public static string Body(WebhookEvent e, JsonObject data, DateTime utcNow)
    {
        // datetime.isoformat(): microseconds only when there are any.
        var micros = utcNow.Ticks % TimeSpan.TicksPerSecond / 10;
        var stamp = utcNow.ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + (micros == 0 ? "" : $".{micros:D6}") + "+00:00";
        return JsonRepr.Dumps(new JsonObject { ["entity"] = e.Entity, ["action"] = e.Action, ["timestamp"] = stamp, ["data"] = data.DeepClone() });
    }

    public static string Signature(string secret, string deliveryId, string timestamp, string body) =>
        "v1," + Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{deliveryId}.{timestamp}.{body}")));

    /// <summary>One delivery with its retries; throws when the URL is refused or every attempt failed to get an answer.</summary>
    public async Task<ReceiverAnswer> SendAsync(Webhook webhook, WebhookEvent e, JsonObject data, CancellationToken ct)
    {
        await WebhookValidation.UrlAsync(webhook.Url, _settings.AllowedSchemes, _settings.AllowPrivateIps, ct);
        if (webhook.SecretUnreadable)
            throw new MlflowException(ErrorCode.INVALID_STATE,
                $"The secret of webhook {webhook.WebhookId} cannot be decrypted with this server's MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY; not sending it unsigned.");
        var body = Body(e, data, DateTime.UtcNow);
        var deliveryId = Guid.NewGuid().ToString();
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Content.Headers.ContentType!.CharSet = null;
            request.Headers.Add("X-MLflow-Delivery-Id", deliveryId);
            request.Headers.Add("X-MLflow-Timestamp", timestamp);
            if (!string.IsNullOrEmpty(webhook.Secret)) request.Headers.Add("X-MLflow-Signature", Signature(webhook.Secret, deliveryId, timestamp, body));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_settings.RequestTimeout);
            TimeSpan? retryAfter = null;
            try
            {
                using var response = await _client.SendAsync(request, timeout.Token);
                var status = (int)response.StatusCode;
                var text = await response.Content.ReadAsStringAsync(timeout.Token);
                if (!RetryStatuses.Contains(status) || attempt >= _settings.MaxRetries) return new ReceiverAnswer(status, text);
                retryAfter = RetryAfter(response);
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                if (attempt >= _settings.MaxRetries)
                    throw new HttpRequestException($"Webhook request to {webhook.Url} failed after {_settings.MaxRetries} retries: {ex.Message}", ex);
            }
            await Task.Delay(retryAfter ?? Backoff(attempt), ct);
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var delay = _settings.RetryBackoff * Math.Pow(2, attempt) + TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)Math.Min(1000, _settings.RetryBackoff.TotalMilliseconds)));
        return delay > TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : delay;
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        var delay = header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        if (delay is null) return null;
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay > TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : delay;
    }

    public void Dispose() => _client.Dispose();
}
