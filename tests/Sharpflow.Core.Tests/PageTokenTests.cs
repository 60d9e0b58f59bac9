using Sharpflow.Core.Errors;
using Sharpflow.Core.Search;
using Sharpflow.Core.Tests.Support;

namespace Sharpflow.Core.Tests;

public class PageTokenTests
{
    [Fact]
    public void EncodesLikeMlflow() => Assert.Equal("eyJvZmZzZXQiOiA1fQ==", PageToken.Encode(5)); // {"offset": 5}

    [Theory]
    [InlineData(null, 0)]
    [InlineData("", 0)]
    [InlineData("eyJvZmZzZXQiOiA1fQ==", 5)]
    [InlineData("eyJvZmZzZXQiOiAiNyJ9", 7)] // {"offset": "7"}
    [InlineData("eyJvZmZzZXQiOiAiIDggIn0=", 8)] // {"offset": " 8 "}
    [InlineData("eyJvZmZzZXQiOiAyLjd9", 2)] // {"offset": 2.7} truncates
    [InlineData("eyJvZmZzZXQiOiB0cnVlfQ==", 1)] // {"offset": true}
    [InlineData("eyJvZmZzZXQiOiA1LCAib2Zmc2V0IjogNn0=", 6)] // duplicate keys: last wins
    [InlineData("eyJvZmZzZXQiOiAtM30=", -3)]
    [InlineData("eyJvZmZzZXQiOiAiMV8wMDAifQ==", 1000)] // {"offset": "1_000"}
    [InlineData("eyJv ZmZz ZXQi OiA1 fQ==", 5)] // characters outside the alphabet are skipped
    [InlineData("eyJvZmZzZXQiOiA1fQ==garbage", 5)] // decoding stops at the padding
    [InlineData("77u/eyJvZmZzZXQiOiA0fQ==", 4)] // UTF-8 BOM
    [InlineData("eyJvZmZzZXQiOiAi2aMifQ==", 3)] // {"offset": "٣"}
    public void Decodes(string? token, long offset) => Assert.Equal(offset, PageToken.Decode(token));

    [Theory]
    [InlineData("notatoken", "Invalid page token, could not base64-decode")]
    [InlineData("YQ", "Invalid page token, could not base64-decode")]
    [InlineData("eyJvZmZzZXQiOiA1fQ", "Invalid page token, could not base64-decode")]
    [InlineData("YQ==", "Invalid page token, decoded value=b'a'")]
    [InlineData("!!!!", "Invalid page token, decoded value=b''")]
    [InlineData("nto=", "Invalid page token, decoded value=b'\\x9e\\xda'")]
    [InlineData("eyJvZmZzZXQiOiA0fSB4", "Invalid page token, decoded value=b'{\"offset\": 4} x'")]
    [InlineData("eyJvZmZzZXQiOiAwfQ==", "Invalid page token, parsed value={'offset': 0}")]
    [InlineData("eyJvZmZzZXQiOiBudWxsfQ==", "Invalid page token, parsed value={'offset': None}")]
    [InlineData("eyJhIjogMX0=", "Invalid page token, parsed value={'a': 1}")]
    [InlineData("eyJvZmZzZXQiOiAiIn0=", "Invalid page token, parsed value={'offset': ''}")]
    [InlineData("eyJvZmZzZXQiOiAieCJ9", "Invalid page token, not stringable x")]
    [InlineData("eyJvZmZzZXQiOiBOYU59", "Invalid page token, not stringable nan")]
    [InlineData("eyJvZmZzZXQiOiAiYSdiIiwgIngiOiBbMSwgeyJ5IjogbnVsbH1dfQ==", "Invalid page token, not stringable a'b")]
    public void Rejects(string token, string message) => MessageAssert.Throws(message, () => PageToken.Decode(token));

    [Theory]
    [InlineData("WzFd")] // [1]
    [InlineData("NQ==")] // 5
    [InlineData("eyJvZmZzZXQiOiBJbmZpbml0eX0=")] // {"offset": Infinity}
    [InlineData("eyJvZmZzZXQiOiBbMV19")] // {"offset": [1]}
    [InlineData("\u00e9")]
    public void CrashesLikeMlflow(string token) =>
        Assert.Equal(ErrorCode.INVALID_PARAMETER_VALUE, Assert.Throws<MlflowException>(() => PageToken.Decode(token)).Code);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(123456789012)]
    public void RoundTrips(long offset)
    {
        if (offset == 0)
        {
            // MLflow treats a zero offset as an invalid token.
            MessageAssert.Throws("Invalid page token, parsed value={'offset': 0}", () => PageToken.Decode(PageToken.Encode(0)));
            return;
        }
        Assert.Equal(offset, PageToken.Decode(PageToken.Encode(offset)));
    }
}
