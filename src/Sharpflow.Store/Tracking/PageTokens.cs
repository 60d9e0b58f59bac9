using System.Text;
using System.Text.Json;
using Sharpflow.Core.Errors;

namespace Sharpflow.Store.Tracking;

/// <summary>MLflow's SQL-store page tokens: base64 of {"offset": N}.</summary>
public static class PageTokens
{
    public static string Create(long offset) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{{\"offset\": {offset}}}"));

    public static long ParseOffset(string? token)
    {
        if (string.IsNullOrEmpty(token)) return 0;
        byte[] raw;
        try
        {
            raw = Convert.FromBase64String(token);
        }
        catch (FormatException)
        {
            throw MlflowException.InvalidParameter("Invalid page token, could not base64-decode");
        }
        try
        {
            using var doc = JsonDocument.Parse(raw);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("offset", out var off))
                throw MlflowException.InvalidParameter($"Invalid page token, parsed value={Encoding.UTF8.GetString(raw)}");
            if (off.ValueKind != JsonValueKind.Number || !off.TryGetInt64(out var offset) || offset < 0)
                throw MlflowException.InvalidParameter($"Invalid page token, parsed value={Encoding.UTF8.GetString(raw)}");
            return offset;
        }
        catch (JsonException)
        {
            throw MlflowException.InvalidParameter("Invalid page token, decoded value=" + Encoding.UTF8.GetString(raw));
        }
    }
}
