using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Sharpflow.Core.Entities;
using Sharpflow.Core.Errors;
using Sharpflow.Core.Python;

namespace Sharpflow.Core.Validation;

/// <summary>
/// MLflow's webhook checks (validation.py _validate_webhook_*), messages word for word. Outgoing URLs are the SSRF
/// surface: only allowed schemes, and (unless explicitly allowed) hosts whose every address is public, so a webhook
/// cannot reach loopback, private networks, link-local or cloud metadata endpoints.
/// </summary>
public static partial class WebhookValidation
{
    [GeneratedRegex(@"^(?=.{1,63}$)[a-z0-9]([a-z0-9._-]*[a-z0-9])?$", RegexOptions.IgnoreCase)]
    private static partial Regex NamePattern();

    public static void Name(string? name)
    {
        if (name is null || !NamePattern().IsMatch(name) || name.EndsWith('\n'))
            throw MlflowException.InvalidParameter(
                $"Webhook name {PythonRepr.Str(name ?? "")} is invalid. It must start and end with a letter or digit, be less than 63 characters long, " +
                "and contain only letters, digits, dots (.), underscores (_), and hyphens (-).");
    }

    public static void Events(IReadOnlyList<WebhookEvent> events)
    {
        if (events.Count == 0)
            throw MlflowException.InvalidParameter("Webhook events must be a non-empty list of WebhookEvent objects: [].");
    }

    /// <summary>The URL's scheme, host, and (unless <paramref name="allowPrivate"/>) that every address it resolves to is public.</summary>
    public static async Task UrlAsync(string url, IReadOnlyList<string> allowedSchemes, bool allowPrivate, CancellationToken ct = default)
    {
        if (url.Trim().Length == 0)
            throw MlflowException.InvalidParameter($"Webhook URL cannot be empty or just whitespace: {PythonRepr.Str(url)}");
        PyUrl.ParseResult parsed;
        try
        {
            parsed = PyUrl.UrlParse(url);
        }
        catch (FormatException e)
        {
            throw MlflowException.InvalidParameter($"Invalid webhook URL {PythonRepr.Str(url)}: ValueError({PythonRepr.Str(e.Message)})");
        }
        if (!allowedSchemes.Contains(parsed.Scheme))
            throw MlflowException.InvalidParameter(
                $"Invalid webhook URL scheme: {PythonRepr.Str(parsed.Scheme)}. Allowed schemes are: {string.Join(", ", allowedSchemes)}.");
        var host = ModelVersionSources.Hostname(parsed.Netloc)
                   ?? throw MlflowException.InvalidParameter($"Webhook URL must include a hostname: {PythonRepr.Str(url)}");
        if (allowPrivate) return;
        foreach (var ip in await ResolveAsync(host, ct))
        {
            if (!IsGlobal(ip))
                throw MlflowException.InvalidParameter(
                    $"Webhook URL must not resolve to a non-public IP address. {PythonRepr.Str(host)} resolves to {ip}.");
        }
    }

    public static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct)
    {
        if (IPAddress.TryParse(host, out var literal)) return [literal];
        try
        {
            return await Dns.GetHostAddressesAsync(host, ct);
        }
        catch (SocketException e)
        {
            throw MlflowException.InvalidParameter($"Cannot resolve webhook URL hostname {PythonRepr.Str(host)}: {e.Message}");
        }
    }

    /// <summary>
    /// Python's ipaddress is_global, plus multicast: false for loopback, private (RFC 1918, ULA), shared (100.64/10),
    /// link-local (including 169.254.169.254 metadata servers), documentation, reserved, unspecified and IPv4-mapped or
    /// compatible IPv6 forms of such addresses.
    /// </summary>
    public static bool IsGlobal(IPAddress ip)
    {
        if (ip.IsIPv4MappedToIPv6) return IsGlobal(ip.MapToIPv4());
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = ip.GetAddressBytes();
            return !(b[0] is 0 or 10 or 127 || b[0] >= 224
                     || (b[0] == 100 && b[1] >= 64 && b[1] < 128)
                     || (b[0] == 169 && b[1] == 254)
                     || (b[0] == 172 && b[1] >= 16 && b[1] < 32)
                     || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2)
                     || (b[0] == 192 && b[1] == 168)
                     || (b[0] == 198 && b[1] is 18 or 19)
                     || (b[0] == 198 && b[1] == 51 && b[2] == 100)
                     || (b[0] == 203 && b[1] == 0 && b[2] == 113));
        }
        if (ip.AddressFamily != AddressFamily.InterNetworkV6) return false;
        var v6 = ip.GetAddressBytes();
        if (IPAddress.IsLoopback(ip) || ip.Equals(IPAddress.IPv6None) || ip.IsIPv6LinkLocal || ip.IsIPv6SiteLocal || ip.IsIPv6Multicast) return false;
        if ((v6[0] & 0xfe) == 0xfc) return false; // fc00::/7 unique local
        if (v6[0] == 0x20 && v6[1] == 0x01 && v6[2] == 0x0d && v6[3] == 0xb8) return false; // 2001:db8::/32 documentation
        if (v6[0] == 0x01 && v6[1] == 0x00 && v6.Skip(2).Take(6).All(x => x == 0)) return false; // 100::/64 discard
        if (v6.Take(12).All(x => x == 0)) return false; // ::/96 (unspecified, IPv4-compatible)
        return true;
    }
}
