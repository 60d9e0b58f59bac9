using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Sharpflow.Store.Registry;

/// <summary>
/// Fernet (AES-128-CBC + HMAC-SHA256, the format of Python's cryptography package), which MLflow uses for webhook
/// secrets at rest: a database written by MLflow with MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY reads here with the same key,
/// and the other way round. Without the variable a random key is made per process, as MLflow does; secrets stored then
/// cannot be read after a restart (the webhook is then not delivered rather than sent unsigned).
/// </summary>
public sealed class FernetCipher
{
    public const string KeyVariable = "MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY";
    private readonly byte[] _signingKey;
    private readonly byte[] _encryptionKey;

    public FernetCipher(string key)
    {
        byte[] raw;
        try
        {
            raw = FromBase64Url(key);
        }
        catch (FormatException)
        {
            raw = [];
        }
        if (raw.Length != 32) throw new ArgumentException($"{KeyVariable}: Fernet key must be 32 url-safe base64-encoded bytes.");
        _signingKey = raw[..16];
        _encryptionKey = raw[16..];
    }

    /// <summary>The key from MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY, or a fresh random one.</summary>
    public static FernetCipher FromEnvironment() =>
        new(Environment.GetEnvironmentVariable(KeyVariable) is { Length: > 0 } key ? key : ToBase64Url(RandomNumberGenerator.GetBytes(32)));

    public string Encrypt(string plaintext)
    {
        var iv = RandomNumberGenerator.GetBytes(16);
        using var aes = Aes.Create();
        aes.Key = _encryptionKey;
        var cipher = aes.EncryptCbc(Encoding.UTF8.GetBytes(plaintext), iv, PaddingMode.PKCS7);
        var token = new byte[1 + 8 + 16 + cipher.Length + 32];
        token[0] = 0x80;
        BinaryPrimitives.WriteInt64BigEndian(token.AsSpan(1), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        iv.CopyTo(token, 9);
        cipher.CopyTo(token, 25);
        HMACSHA256.HashData(_signingKey, token.AsSpan(0, token.Length - 32)).CopyTo(token, token.Length - 32);
        return ToBase64Url(token);
    }

    /// <summary>The plaintext, or null when the token was not made with this key (or is not a Fernet token).</summary>
    public string? TryDecrypt(string token)
    {
        byte[] data;
        try
        {
            data = FromBase64Url(token);
        }
        catch (FormatException)
        {
            return null;
        }
        if (data.Length < 1 + 8 + 16 + 16 + 32 || data[0] != 0x80 || (data.Length - 57) % 16 != 0) return null;
        var body = data.AsSpan(0, data.Length - 32);
        if (!CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(_signingKey, body), data.AsSpan(data.Length - 32))) return null;
        try
        {
            using var aes = Aes.Create();
            aes.Key = _encryptionKey;
            return Encoding.UTF8.GetString(aes.DecryptCbc(data.AsSpan(25, data.Length - 57), data.AsSpan(9, 16), PaddingMode.PKCS7));
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static string ToBase64Url(byte[] bytes) => Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Trim().Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }
}
