using Azure.Core;
using Azure.Identity;
using Sharpflow.Artifacts.AzureBlob;
using Sharpflow.Core.Errors;

namespace Sharpflow.Artifacts.Tests.Cloud;

/// <summary>
/// How the Azure store authenticates, in MLflow's order: connection string, account key, else a token credential
/// (DefaultAzureCredential) for https://account.blob.core.windows.net. No network: a token credential is asked for
/// its token before any request leaves, so a stub shows it is the one used.
/// </summary>
public class AzureBlobCredentialTests
{
    private const string Uri = "wasbs://models@acct.blob.core.windows.net/mlartifacts";

    [Fact]
    public void The_first_configured_way_wins()
    {
        Assert.Equal("connection string", new AzureBlobSettings("UseDevelopmentStorage=true", "a2V5").Method);
        Assert.Equal("account key", new AzureBlobSettings(null, "a2V5").Method);
        Assert.Equal("token credential", new AzureBlobSettings(null, null).Method);
    }

    [Fact]
    public void Without_a_key_the_account_url_gets_DefaultAzureCredential()
    {
        // Building the client asks nothing of the credential yet: starting a server needs no identity.
        var client = new AzureBlobSettings(null, null).Client("acct", "blob.core.windows.net");
        Assert.Equal(new System.Uri("https://acct.blob.core.windows.net/"), client.Uri);
        Assert.False(client.CanGenerateAccountSasUri);
        var china = new AzureBlobSettings(null, null).Client("acct", "blob.core.chinacloudapi.cn");
        Assert.Equal("acct.blob.core.chinacloudapi.cn", china.Uri.Host);
    }

    [Fact]
    public async Task The_token_credential_authenticates_requests_and_its_failure_is_unauthenticated()
    {
        var credential = new StubCredential();
        var store = new AzureBlobArtifactStore(Uri, new AzureBlobSettings(null, null, credential));
        var e = await Assert.ThrowsAsync<MlflowException>(() => store.ListAsync(ArtifactPath.Parse("1")));
        Assert.Equal(ErrorCode.UNAUTHENTICATED, e.Code);
        Assert.Contains("no identity here", e.Message);
        Assert.Contains("https://storage.azure.com/.default", credential.Scopes);
    }

    [Fact]
    public async Task A_token_credential_cannot_sign_so_signed_url_routes_fall_back()
    {
        var store = new AzureBlobArtifactStore(Uri, new AzureBlobSettings(null, null, new StubCredential()));
        Assert.False(store.CanSign);
        var e = await Assert.ThrowsAsync<MlflowException>(() => store.CreatePresignedUploadUrlAsync(ArtifactPath.Parse("m.bin"), TimeSpan.FromMinutes(5)));
        Assert.Equal(PresignedUrls.UploadNotSupportedMessage, e.Message);
        e = await Assert.ThrowsAsync<MlflowException>(() => store.CreateMultipartUploadAsync(ArtifactPath.Parse("m.bin"), 2));
        Assert.Equal(MultipartUpload.NotSupportedMessage, e.Message);

        var keyed = new AzureBlobArtifactStore(Uri, new AzureBlobSettings(null, Convert.ToBase64String(new byte[32])));
        Assert.True(keyed.CanSign);
    }

    private sealed class StubCredential : TokenCredential
    {
        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext context, CancellationToken ct)
        {
            Scopes.AddRange(context.Scopes);
            throw new CredentialUnavailableException("no identity here");
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext context, CancellationToken ct) => new(GetToken(context, ct));
    }
}
