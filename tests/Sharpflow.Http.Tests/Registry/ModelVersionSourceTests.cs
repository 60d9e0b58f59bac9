namespace Sharpflow.Http.Tests.Registry;

/// <summary>
/// Regression tests for the model-version source checks (CVE-2023-6909 and its bypasses: a version whose source is a
/// local path, or a remote URI hiding "..", makes the server read files it should not). Local sources are accepted only
/// inside the artifact folder of the run or logged model the request names, resolved through symbolic links.
/// </summary>
public class ModelVersionSourceTests(SharedServers servers) : IClassFixture<SharedServers>
{
    private const string RelativeMessage = "If supplying a source as an http, https, local file path, ftp, objectstore, or mlflow-artifacts uri, " +
                                           "an absolute path must be provided without relative path references present.";

    private static async Task<(int, System.Text.Json.Nodes.JsonNode?)> CreateAsync(TestServer s, string name, string source, string? runId = null,
        string? modelId = null, params (string, string)[] tags) =>
        await s.SendAsync(HttpMethod.Post, "/model-versions/create",
            new { name, source, run_id = runId, model_id = modelId, tags = RegistryApi.TagList(tags) });

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Local_paths_are_refused_when_the_run_is_not_local(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var exp = await s.CreateExperimentAsync(Api.Unique("src"));
        var run = await s.CreateRunAsync(exp, "r", 1700000000000);
        var name = Api.Unique("src");
        await s.CreateModelAsync(name);

        Api.AssertError(await CreateAsync(s, name, "file:///etc/model"), 400, "INVALID_PARAMETER_VALUE",
            "Invalid model version source: 'file:///etc/model'. To use a local path as a model version source, the run_id request parameter has to be " +
            "specified and the local path has to be contained within the artifact directory of the run specified by the run_id.");
        Api.AssertError(await CreateAsync(s, name, "/etc/passwd"), 400, "INVALID_PARAMETER_VALUE", "Invalid model version source: '/etc/passwd'.");
        Api.AssertError(await CreateAsync(s, name, "relative/model"), 400, "INVALID_PARAMETER_VALUE", "the run_id request parameter has to be specified");
        Api.AssertError(await CreateAsync(s, name, "file://localhost/etc/passwd"), 400, "INVALID_PARAMETER_VALUE", "To use a local path");
        // With a run whose artifacts are behind the proxy no local path is inside them; the message shows the resolved path.
        Api.AssertError(await CreateAsync(s, name, "file:///etc/../etc/model", run), 400, "INVALID_PARAMETER_VALUE", "Invalid model version source: '/etc/model'.");
        Api.AssertError(await CreateAsync(s, name, "/tmp/model", "feedface00000000000000000000feed"), 404, "RESOURCE_DOES_NOT_EXIST");
        Api.AssertError(await CreateAsync(s, name, "file://evil.example.com/share/model"), 400, "INVALID_PARAMETER_VALUE", "is not a valid remote uri");
        Assert.Null((await s.GetModelAsync(name))["latest_versions"]);
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Remote_sources_may_not_hide_relative_paths(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var name = Api.Unique("rel");
        await s.CreateModelAsync(name);
        string[] refused =
        [
            "mlflow-artifacts:/1/../../../mlflow.db",
            "mlflow-artifacts://host:5000/..%2f..%2f..%2fmlflow.db",
            "mlflow-artifacts:/1/%252e%252e/%252e%252e/secret",
            "http://host:5000/api/2.0/mlflow-artifacts/artifacts/../../../etc/passwd",
            "https://host/api/2.0/mlflow-artifacts/artifacts%00/x",
            "s3://bucket/models/../../other/path",
            "s3://bucket/models/./model",
            "s3://bucket",
            "gs://bucket/a/..%2Fb",
            "runs:/abc/../../def",
        ];
        foreach (var source in refused)
            Api.AssertError(await CreateAsync(s, name, source), 400, "INVALID_PARAMETER_VALUE", RelativeMessage);
        string[] accepted = ["s3://bucket/models/m", "mlflow-artifacts:/1/abc/artifacts/model", "https://host/api/2.0/mlflow-artifacts/artifacts/1/x",
            "runs:/0123456789abcdef/model", "gs://b/a..b/model"];
        foreach (var source in accepted) Assert.Equal(source, (await s.CreateVersionAsync(name, source)).Str("source"));
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Prompt_sources_are_placeholders_never_local_paths(Backend backend)
    {
        var s = await servers.GetAsync(backend);
        var name = Api.Unique("psrc");
        await s.CreateModelAsync(name, null, ("mlflow.prompt.is_prompt", "true"));
        var prompt = ("mlflow.prompt.is_prompt", "true");
        Assert.Equal("1", (await s.CreateVersionAsync(name, "dummy-source", null, null, prompt)).Str("version"));
        Assert.Equal("2", (await s.CreateVersionAsync(name, "prompt-template", null, null, prompt)).Str("version"));
        Api.AssertError(await CreateAsync(s, name, "/etc/passwd", null, null, prompt), 400, "INVALID_PARAMETER_VALUE",
            "Invalid prompt source: '/etc/passwd'. Local source paths are not allowed for prompts.");
        Api.AssertError(await CreateAsync(s, name, "file:///etc/passwd", null, null, prompt), 400, "INVALID_PARAMETER_VALUE", "Invalid prompt source");
        Api.AssertError(await CreateAsync(s, name, "http://h/a/../../b", null, null, prompt), 400, "INVALID_PARAMETER_VALUE", RelativeMessage);
    }

    /// <summary>A server whose runs and logged models keep their artifacts in a local folder (--no-serve-artifacts).</summary>
    private static async Task<(TestServer Server, string Root)> LocalRootServerAsync(Backend backend)
    {
        var root = Path.Combine(Path.GetTempPath(), "sf-srcroot-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(root);
        void Configure(Sharpflow.Server.SharpflowOptions o)
        {
            o.ServeArtifacts = false;
            o.DefaultArtifactRoot = root;
        }
        if (backend == Backend.Sqlite) return (await TestServer.StartAsync($"sqlite:///{root}/mlflow.db", Configure), root);
        var db = await PgScratch.CreateAsync();
        return (await TestServer.StartAsync(db.Uri, Configure, dropPgDatabase: db.Name), root);
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Local_sources_must_stay_inside_the_named_runs_or_models_artifacts(Backend backend)
    {
        var (s, root) = await LocalRootServerAsync(backend);
        try
        {
            var exp = await s.CreateExperimentAsync("local-src");
            var run = await s.CreateRunAsync(exp, "r", 1700000000000);
            var other = await s.CreateRunAsync(exp, "other", 1700000000000);
            var runDir = Path.Combine(root, exp, run, "artifacts");
            Directory.CreateDirectory(Path.Combine(runDir, "model"));
            var name = "local-model";
            await s.CreateModelAsync(name);

            Assert.Equal(runDir + "/model", (await s.CreateVersionAsync(name, runDir + "/model", run)).Str("source"));
            Assert.Equal("2", (await s.CreateVersionAsync(name, "file://" + runDir + "/model", run)).Str("version"));
            Assert.Equal("3", (await s.CreateVersionAsync(name, runDir, run)).Str("version"));
            Api.AssertError(await CreateAsync(s, name, runDir + "/model"), 400, "INVALID_PARAMETER_VALUE", "the run_id request parameter has to be specified");
            Api.AssertError(await CreateAsync(s, name, Path.Combine(root, exp, other, "artifacts", "model"), run), 400, "INVALID_PARAMETER_VALUE",
                $"Invalid model version source: '{Path.Combine(root, exp, other, "artifacts", "model")}'.");
            Api.AssertError(await CreateAsync(s, name, runDir + "/../../../mlflow.db", run), 400, "INVALID_PARAMETER_VALUE",
                $"Invalid model version source: '{root}/mlflow.db'.");
            Api.AssertError(await CreateAsync(s, name, runDir + "-sibling/model", run), 400, "INVALID_PARAMETER_VALUE", "To use a local path");

            // A symbolic link inside the run's folder that points out of it does not make the target allowed.
            File.CreateSymbolicLink(Path.Combine(runDir, "escape"), "/etc");
            Api.AssertError(await CreateAsync(s, name, runDir + "/escape/passwd", run), 400, "INVALID_PARAMETER_VALUE",
                "Invalid model version source: '/etc/passwd'.");

            // The same rule with model_id: the logged model's artifact folder is the boundary.
            var lm = (await s.OkAsync(HttpMethod.Post, "/logged-models", new { experiment_id = exp, name = "lm" }))["model"]!["info"]!;
            var lmDir = lm.Str("artifact_uri");
            Assert.StartsWith(root, lmDir);
            Assert.Equal("4", (await s.CreateVersionAsync(name, lmDir + "/MLmodel", null, lm.Str("model_id"))).Str("version"));
            Api.AssertError(await CreateAsync(s, name, runDir + "/model", run, lm.Str("model_id")), 400, "INVALID_PARAMETER_VALUE",
                "the model_id request parameter has to be specified and the local path has to be contained within the artifact directory of the run " +
                "specified by the model_id.");
        }
        finally
        {
            await s.DisposeAsync();
            Directory.Delete(root, recursive: true);
        }
    }
}
