using Sharpflow.Core.Errors;

namespace Sharpflow.Artifacts.Tests;

public class ArtifactStoreFactoryTests
{
    [Theory]
    [InlineData("./mlartifacts", "mlartifacts")]
    [InlineData("/srv/artifacts", "/srv/artifacts")]
    [InlineData("file:///srv/artifacts", "/srv/artifacts")]
    [InlineData("file://localhost/srv/a%20b", "/srv/a b")]
    [InlineData("file:relative/dir", "relative/dir")]
    public void Local_paths_and_file_uris_open_a_local_store(string uri, string folder)
    {
        var store = Assert.IsType<LocalArtifactStore>(ArtifactStoreFactory.Create(uri));
        Assert.Equal(Path.GetFullPath(folder), store.RootFolder);
        Assert.Equal(uri, store.RootUri);
    }

    [Theory]
    [InlineData("gs://bucket/prefix", "gs")]
    [InlineData("s3://bucket/prefix", "s3")]
    [InlineData("wasbs://container@account.blob.core.windows.net/prefix", "wasbs")]
    public void Cloud_stores_are_named_but_not_built_yet(string uri, string scheme)
    {
        var e = Assert.Throws<MlflowException>(() => ArtifactStoreFactory.Create(uri));
        Assert.Equal(ErrorCode.NOT_IMPLEMENTED, e.Code);
        Assert.Contains(scheme + "://", e.Message);
    }

    [Theory]
    [InlineData("mlflow-artifacts:/1/abc/artifacts")]
    [InlineData("http://host:5000/api/2.0/mlflow-artifacts/artifacts/1")]
    [InlineData("ftp://host/x")]
    [InlineData("file://evil.example/etc")]
    public void Other_uris_are_refused(string uri)
    {
        var e = Assert.Throws<MlflowException>(() => ArtifactStoreFactory.Create(uri));
        Assert.Equal(400, e.HttpStatus);
    }

    [Theory]
    [InlineData("mlflow-artifacts:/1", true)]
    [InlineData("https://x/api/2.0/mlflow-artifacts/artifacts/1", true)]
    [InlineData("/abs", false)]
    [InlineData("C:\\mlruns", false)]
    [InlineData("s3://b/p", false)]
    public void Proxy_uris_are_recognised(string uri, bool proxy) => Assert.Equal(proxy, ArtifactStoreFactory.IsProxyUri(uri));
}
