using System.Data.Common;
using Sharpflow.Core.Entities;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Search;
using Sharpflow.Core.Validation;
using Sharpflow.Store.Sql;

namespace Sharpflow.Store.Registry;

/// <summary>
/// Registry webhooks (webhooks, webhook_events). Secrets are written Fernet-encrypted and never leave the store except
/// to the delivery code (<see cref="Webhook.Secret"/>); deletion is soft, as MLflow's.
/// </summary>
public sealed partial class RegistryStore
{
    private FernetCipher? _secrets;

    /// <summary>
    /// The cipher of webhook secrets at rest, made on first use: a random key (no MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY)
    /// would load OpenSSL at start, ~3.5 MiB of an idle instance's memory for a feature most deployments never use.
    /// </summary>
    public FernetCipher Secrets
    {
        get => LazyInitializer.EnsureInitialized(ref _secrets, FernetCipher.FromEnvironment);
        init => _secrets = value;
    }

    private const string WebhookColumns =
        "w.webhook_id, w.name, w.description, w.url, w.status, w.creation_timestamp, w.last_updated_timestamp, w.secret";

    private static MlflowException WebhookNotFound(string id) => MlflowException.NotFound($"Webhook with ID {id} not found.");

    public async Task<Webhook> CreateWebhookAsync(string name, string url, IReadOnlyList<WebhookEvent> events, string? description, string? secret,
        string? status, CancellationToken ct = default)
    {
        WebhookValidation.Name(name);
        WebhookValidation.Events(events);
        var id = Guid.NewGuid().ToString();
        try
        {
            return await Db.WriteAsync(async (c, tx) =>
            {
                var now = NowMillis();
                await c.Sql("INSERT INTO webhooks (webhook_id, name, description, url, status, secret, creation_timestamp, last_updated_timestamp, " +
                            $"deleted_timestamp, workspace) VALUES (@id, @n, @d, @u, @s, @secret, @t, @t, NULL, '{Workspace}')", tx)
                    .P("@id", id).P("@n", name).P("@d", description).P("@u", url).P("@s", status ?? WebhookStatus.Active)
                    .P("@secret", secret is null ? null : Secrets.Encrypt(secret)).P("@t", now).ExecAsync(ct);
                await InsertWebhookEventsAsync(c, tx, id, events, ct);
                return (await LoadWebhooksAsync(c, tx, "w.webhook_id = @id", cmd => cmd.P("@id", id), "", ct))[0];
            }, ct);
        }
        catch (DbException e) when (Db.Dialect.IsUniqueViolation(e))
        {
            // MLflow lets the IntegrityError of a repeated event surface as BAD_REQUEST.
            throw new MlflowException(ErrorCode.BAD_REQUEST, "UNIQUE constraint failed: webhook_events.webhook_id, webhook_events.entity, webhook_events.action");
        }
    }

    private static async Task InsertWebhookEventsAsync(DbConnection c, DbTransaction tx, string id, IReadOnlyList<WebhookEvent> events, CancellationToken ct)
    {
        foreach (var e in events)
            await c.Sql("INSERT INTO webhook_events (webhook_id, entity, action) VALUES (@id, @e, @a)", tx)
                .P("@id", id).P("@e", e.Entity).P("@a", e.Action).ExecAsync(ct);
    }

    public Task<Webhook> GetWebhookAsync(string id, CancellationToken ct = default) =>
        Db.ReadAsync(c => GetWebhookAsync(c, null, id, ct), ct);

    private async Task<Webhook> GetWebhookAsync(DbConnection c, DbTransaction? tx, string id, CancellationToken ct)
    {
        var list = await LoadWebhooksAsync(c, tx, "w.webhook_id = @id AND w.deleted_timestamp IS NULL", cmd => cmd.P("@id", id), "", ct);
        return list.Count == 0 ? throw WebhookNotFound(id) : list[0];
    }

    /// <summary>Newest first, deleted ones left out, offset page tokens as MLflow's.</summary>
    public Task<Page<Webhook>> ListWebhooksAsync(long? maxResults, string? pageToken, CancellationToken ct = default)
    {
        var max = maxResults is null or 0 ? 100 : maxResults.Value;
        if (max < 1 || max > 1000) throw MlflowException.InvalidParameter("max_results must be between 1 and 1000.");
        var offset = PageToken.Decode(pageToken);
        return Db.ReadAsync(async c =>
        {
            var list = await LoadWebhooksAsync(c, null, "w.deleted_timestamp IS NULL", cmd => cmd.P("@limit", max + 1).P("@offset", offset),
                "ORDER BY w.creation_timestamp DESC, w.webhook_id LIMIT @limit OFFSET @offset", ct);
            string? token = null;
            if (list.Count > max)
            {
                list.RemoveRange((int)max, list.Count - (int)max);
                token = PageToken.Encode(offset + max);
            }
            return new Page<Webhook>(list, token);
        }, ct);
    }

    /// <summary>Every (not deleted) webhook subscribed to an event, secrets decrypted, for delivery.</summary>
    public Task<List<Webhook>> ListWebhooksByEventAsync(WebhookEvent e, CancellationToken ct = default) =>
        Db.ReadAsync(c => LoadWebhooksAsync(c, null,
            "w.deleted_timestamp IS NULL AND EXISTS (SELECT 1 FROM webhook_events x WHERE x.webhook_id = w.webhook_id AND x.entity = @e AND x.action = @a)",
            cmd => cmd.P("@e", e.Entity).P("@a", e.Action), "ORDER BY w.creation_timestamp DESC", ct), ct);

    /// <summary>Only the fields given change (MLflow's handler turns empty values into "not given"); events are replaced.</summary>
    public Task<Webhook> UpdateWebhookAsync(string id, string? name, string? description, string? url, IReadOnlyList<WebhookEvent>? events,
        string? secret, string? status, CancellationToken ct = default) =>
        Db.WriteAsync(async (c, tx) =>
        {
            await GetWebhookAsync(c, tx, id, ct);
            if (name is not null) WebhookValidation.Name(name);
            if (events is not null)
            {
                WebhookValidation.Events(events);
                await c.Sql("DELETE FROM webhook_events WHERE webhook_id = @id", tx).P("@id", id).ExecAsync(ct);
                await InsertWebhookEventsAsync(c, tx, id, events, ct);
            }
            await c.Sql("UPDATE webhooks SET name = COALESCE(@n, name), url = COALESCE(@u, url), description = COALESCE(@d, description), " +
                        "secret = COALESCE(@secret, secret), status = COALESCE(@s, status), last_updated_timestamp = @t WHERE webhook_id = @id", tx)
                .P("@n", name).P("@u", url).P("@d", description).P("@secret", secret is null ? null : Secrets.Encrypt(secret)).P("@s", status)
                .P("@t", NowMillis()).P("@id", id).ExecAsync(ct);
            return await GetWebhookAsync(c, tx, id, ct);
        }, ct);

    public Task DeleteWebhookAsync(string id, CancellationToken ct = default) =>
        Db.WriteAsync(async (c, tx) =>
        {
            await GetWebhookAsync(c, tx, id, ct);
            var now = NowMillis();
            await c.Sql("UPDATE webhooks SET deleted_timestamp = @t, last_updated_timestamp = @t WHERE webhook_id = @id", tx)
                .P("@t", now).P("@id", id).ExecAsync(ct);
        }, ct);

    /// <summary>Whether a registered model is a prompt (its mlflow.prompt.is_prompt tag is "true", any case), as RegisteredModel._is_prompt.</summary>
    public Task<bool> IsPromptAsync(string name, CancellationToken ct = default) =>
        Db.ReadAsync(async c =>
        {
            var value = (string?)await c.Sql($"SELECT value FROM registered_model_tags WHERE workspace = '{Workspace}' AND name = @n AND key = @k")
                .P("@n", name).P("@k", RegistryTags.IsPrompt).ScalarAsync(ct);
            return string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
        }, ct);

    /// <summary>Webhooks with their events (entity, action order, as MLflow loads them through the primary key).</summary>
    private async Task<List<Webhook>> LoadWebhooksAsync(DbConnection c, DbTransaction? tx, string where, Action<DbCommand> bind, string orderSql,
        CancellationToken ct)
    {
        var cmd = c.Sql($"SELECT {WebhookColumns} FROM webhooks w WHERE w.workspace = '{Workspace}' AND {where} {orderSql}", tx);
        bind(cmd);
        var rows = await cmd.ListAsync(r => (Id: r.GetString(0), Name: r.GetString(1), Description: r.Str(2), Url: r.GetString(3), Status: r.GetString(4),
            Created: r.Long(5), Updated: r.Long(6), Secret: r.Str(7)), ct);
        if (rows.Count == 0) return [];
        var events = new Dictionary<string, List<WebhookEvent>>();
        foreach (var chunk in rows.Select(x => x.Id).Chunk(500))
        {
            var ev = c.Sql("", tx);
            ev.CommandText = $"SELECT webhook_id, entity, action FROM webhook_events WHERE webhook_id IN ({ev.InList("w", chunk)}) ORDER BY webhook_id, entity, action";
            foreach (var (id, e) in await ev.ListAsync(r => (r.GetString(0), new WebhookEvent(r.GetString(1), r.GetString(2))), ct)) Add(events, id, e);
        }
        return rows.Select(x =>
        {
            var secret = x.Secret is null ? null : Secrets.TryDecrypt(x.Secret);
            return new Webhook(x.Id, x.Name, x.Description, x.Url, events.GetValueOrDefault(x.Id) ?? [], x.Status, x.Created, x.Updated, secret)
            {
                SecretUnreadable = x.Secret is not null && secret is null,
            };
        }).ToList();
    }
}
