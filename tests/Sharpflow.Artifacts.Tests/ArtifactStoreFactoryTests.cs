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
    [InlineData("s3://bucket", "bucket", "")]
    [InlineData("s3://bucket/", "bucket", "")]
    [InlineData("s3://bucket/a/b/", "bucket", "a/b")]
    [InlineData("s3://my.bucket/exp 1/x", "my.bucket", "exp 1/x")]
    public void S3_uris_name_a_bucket_and_a_prefix(string uri, string bucket, string prefix)
    {
        var settings = new CloudStoreSettings(new Gcs.GcsSettings("127.0.0.1:1"), new S3.S3Settings("http://127.0.0.1:1", false, null, null, "k", "s"),
            new AzureBlob.AzureBlobSettings(null, null));
        var store = Assert.IsType<Sharpflow.Artifacts.S3.S3ArtifactStore>(ArtifactStoreFactory.Create(uri, settings));
        Assert.Equal((bucket, prefix), (store.Container, store.Prefix));
        Assert.Equal(uri, store.RootUri);
    }

    [Theory]
    [InlineData("gs://bucket/a/b", "bucket", "a/b")]
    [InlineData("gs://bucket", "bucket", "")]
    public void Gcs_uris_name_a_bucket_and_a_prefix(string uri, string bucket, string prefix) =>
        Assert.Equal((bucket, prefix), Sharpflow.Artifacts.Gcs.GcsArtifactStore.Parse(uri));

    [Theory]
    [InlineData("s3:///no-bucket")]
    [InlineData("gs:///no-bucket")]
    [InlineData("wasbs://no-account/x")]
    public void Cloud_uris_without_a_bucket_are_refused(string uri)
    {
        var e = Assert.Throws<MlflowException>(() => ArtifactStoreFactory.Create(uri));
        Assert.Equal(400, e.HttpStatus);
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
