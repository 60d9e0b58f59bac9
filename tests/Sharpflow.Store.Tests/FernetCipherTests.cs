using Sharpflow.Store.Registry;

namespace Sharpflow.Store.Tests;

/// <summary>
/// Webhook secrets at rest use Fernet so MLflow and Sharpflow read each other's databases: tokens made by Python's
/// cryptography package decrypt here, and tokens made here are Fernet tokens (version byte, HMAC checked).
/// </summary>
public class FernetCipherTests
{
    private const string Key = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";

    [Fact]
    public void Reads_tokens_made_by_pythons_cryptography()
    {
        var cipher = new FernetCipher(Key);
        // The Fernet specification's vector, and a token cryptography 48 made for a non-ASCII secret.
        Assert.Equal("hello", cipher.TryDecrypt("gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA=="));
        Assert.Equal("webhook-secret ✓", cipher.TryDecrypt(
            "gAAAAABrCBzstjQQZKJaWJ_2u8d8vSuAbQP0QmeNk62NJu0aKwDskMDh-FZ2w6y25-m6iI7LlE0-at5Gs4-2dQDRkxU0fIvFVcJYLrAATS1xaTml6zRfhzc="));
    }

    [Fact]
    public void Round_trips_and_refuses_foreign_or_tampered_tokens()
    {
        var cipher = new FernetCipher(Key);
        var token = cipher.Encrypt("s3cret");
        Assert.StartsWith("gAAAAA", token);
        Assert.NotEqual(token, cipher.Encrypt("s3cret"));
        Assert.Equal("s3cret", cipher.TryDecrypt(token));
        Assert.Null(FernetCipher.FromEnvironment() is var other && Environment.GetEnvironmentVariable(FernetCipher.KeyVariable) is null
            ? other.TryDecrypt(token) : null);
        var tampered = token[..20] + (token[20] == 'A' ? 'B' : 'A') + token[21..];
        Assert.Null(cipher.TryDecrypt(tampered));
        Assert.Null(cipher.TryDecrypt("not a token"));
        Assert.Throws<ArgumentException>(() => new FernetCipher("too-short"));
    }
}
