using System.CommandLine;
using System.Text.RegularExpressions;
using Sharpflow.Cli;

namespace Sharpflow.Http.Tests.Cli;

/// <summary>
/// `sharpflow server` parses every flag of `mlflow server` (shared/reference/mlflow-surface.md §4.1) as click does:
/// names, aliases, --flag=value, MLFLOW_* variables as defaults (click's int and bool parsing), the flag over the
/// variable, and --static-prefix validation. Parsed through the same command tree `sharpflow` runs.
/// </summary>
[Collection(ProcessWideCollection.Name)]
public class ServerCommandTests
{
    private static ParseResult Parse(params string[] args) => CliApp.CreateRoot().Parse(["server", .. args]);

    private static void AssertParses(ParseResult result)
    {
        Assert.True(result.Errors.Count == 0, string.Join("; ", result.Errors.Select(e => e.Message)));
        Assert.Empty(result.UnmatchedTokens);
        Assert.Equal("server", result.CommandResult.Command.Name);
    }

    public static TheoryData<string[], string, object> Flags() => new()
    {
        { ["--backend-store-uri", "postgresql://u:p%40ss@db.internal:5432/mlflow"], "--backend-store-uri", "postgresql://u:p%40ss@db.internal:5432/mlflow" },
        { ["--backend-store-uri=sqlite:///x.db"], "--backend-store-uri", "sqlite:///x.db" },
        { ["--read-replica-backend-store-uri", "sqlite:///replica.db"], "--read-replica-backend-store-uri", "sqlite:///replica.db" },
        { ["--registry-store-uri", "sqlite:///registry.db"], "--registry-store-uri", "sqlite:///registry.db" },
        { ["--default-artifact-root", "s3://bucket/path"], "--default-artifact-root", "s3://bucket/path" },
        { ["--serve-artifacts"], "--serve-artifacts", true },
        { ["--no-serve-artifacts"], "--no-serve-artifacts", true },
        { ["--artifacts-only"], "--artifacts-only", true },
        { ["--artifacts-destination", "/tmp/artifacts"], "--artifacts-destination", "/tmp/artifacts" },
        { ["-h", "0.0.0.0"], "--host", "0.0.0.0" },
        { ["--host", "::"], "--host", "::" },
        { ["-p", "5001"], "--port", 5001 },
        { ["--port=5002"], "--port", 5002 },
        { ["-w", "8"], "--workers", 8 },
        { ["--workers", "2"], "--workers", 2 },
        { ["--static-prefix", "/mlflow"], "--static-prefix", "/mlflow" },
        { ["--allowed-hosts", "mlflow.example.com,*.internal:5000"], "--allowed-hosts", "mlflow.example.com,*.internal:5000" },
        { ["--cors-allowed-origins", "https://a.example.com,https://b.example.com"], "--cors-allowed-origins", "https://a.example.com,https://b.example.com" },
        { ["--disable-security-middleware"], "--disable-security-middleware", true },
        { ["--x-frame-options", "DENY"], "--x-frame-options", "DENY" },
        { ["--gunicorn-opts", "--timeout 60 --log-level debug"], "--gunicorn-opts", "--timeout 60 --log-level debug" },
        { ["--waitress-opts", "--threads=8"], "--waitress-opts", "--threads=8" },
        { ["--uvicorn-opts", "--loop asyncio"], "--uvicorn-opts", "--loop asyncio" },
        { ["--dev"], "--dev", true },
        { ["--expose-prometheus", "/tmp/prometheus"], "--expose-prometheus", "/tmp/prometheus" },
        { ["--app-name", "basic-auth"], "--app-name", "basic-auth" },
        { ["--trace-archival-config", "/etc/archival.yaml"], "--trace-archival-config", "/etc/archival.yaml" },
        { ["--secrets-cache-ttl", "120"], "--secrets-cache-ttl", 120 },
        { ["--secrets-cache-max-size", "500"], "--secrets-cache-max-size", 500 },
        { ["--workspace-store-uri", "sqlite:///workspaces.db"], "--workspace-store-uri", "sqlite:///workspaces.db" },
        { ["--enable-workspaces"], "--enable-workspaces", true },
        { ["--disable-workspaces"], "--disable-workspaces", true },
        { ["--h2c"], "--h2c", true }, // Sharpflow's own: HTTP/2 cleartext for Cloud Run
    };

    [Theory]
    [MemberData(nameof(Flags))]
    public void Every_mlflow_server_flag_parses(string[] args, string option, object expected)
    {
        using var env = new EnvScope();
        var result = Parse(args);
        AssertParses(result);
        AssertValue(result, option, expected);
    }

    private static void AssertValue(ParseResult result, string option, object? expected)
    {
        switch (expected)
        {
            case bool b: Assert.Equal(b, result.GetValue<bool>(option)); break;
            case int i: Assert.Equal(i, result.GetValue<int?>(option)); break;
            default: Assert.Equal((string?)expected, result.GetValue<string>(option)); break;
        }
    }

    [Fact]
    public void All_flags_together_parse()
    {
        using var env = new EnvScope();
        var oncePerOption = Flags().GroupBy(row => (string)row[1]).Select(g => (string[])g.First()[0]);
        AssertParses(Parse(oncePerOption.SelectMany(a => a).ToArray()));
    }

    [Fact]
    public void The_reference_flag_list_is_fully_covered()
    {
        var reference = Path.Combine(SharedFixtures.Dir, "..", "..", "reference", "mlflow-surface.md");
        var text = File.ReadAllText(reference);
        var section = text[text.IndexOf("### 4.1", StringComparison.Ordinal)..text.IndexOf("### 4.2", StringComparison.Ordinal)];
        var flags = section.Split('\n').Where(l => l.StartsWith("| -", StringComparison.Ordinal))
            .SelectMany(l => Regex.Matches(l.Split('|')[1], @"--?[a-z][a-z-]*").Select(m => m.Value)).Distinct().ToList();
        Assert.True(flags.Count >= 30, $"only {flags.Count} flags found in §4.1 of {reference}");
        var server = ServerCommand.Create();
        var known = server.Options.SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet();
        Assert.All(flags, f => Assert.Contains(f, known));
    }

    [Fact]
    public void Defaults_without_flags_or_variables_are_mlflows()
    {
        using var env = new EnvScope();
        var result = Parse();
        AssertParses(result);
        Assert.Equal("sqlite:///mlflow.db", result.GetValue<string>("--backend-store-uri"));
        Assert.Equal("127.0.0.1", result.GetValue<string>("--host"));
        Assert.Null(result.GetValue<int?>("--port")); // 5000, or PORT: decided when the server starts
        Assert.Equal("./mlartifacts", result.GetValue<string>("--artifacts-destination"));
        Assert.Equal("SAMEORIGIN", result.GetValue<string>("--x-frame-options"));
        Assert.True(result.GetValue<bool>("--serve-artifacts"));
        Assert.False(result.GetValue<bool>("--artifacts-only"));
        Assert.False(result.GetValue<bool>("--disable-security-middleware"));
        Assert.Null(result.GetValue<string>("--static-prefix"));
        Assert.Null(result.GetValue<string>("--default-artifact-root"));
        Assert.Null(result.GetValue<int?>("--workers"));
    }

    public static TheoryData<string, string, string, object> Variables() => new()
    {
        { "MLFLOW_BACKEND_STORE_URI", "postgresql://u@db/mlflow", "--backend-store-uri", "postgresql://u@db/mlflow" },
        { "MLFLOW_REGISTRY_STORE_URI", "sqlite:///reg.db", "--registry-store-uri", "sqlite:///reg.db" },
        { "MLFLOW_DEFAULT_ARTIFACT_ROOT", "s3://b/p", "--default-artifact-root", "s3://b/p" },
        { "MLFLOW_SERVE_ARTIFACTS", "false", "--serve-artifacts", false },
        { "MLFLOW_ARTIFACTS_ONLY", "1", "--artifacts-only", true },
        { "MLFLOW_ARTIFACTS_DESTINATION", "/data/artifacts", "--artifacts-destination", "/data/artifacts" },
        { "MLFLOW_HOST", "0.0.0.0", "--host", "0.0.0.0" },
        { "MLFLOW_PORT", "6123", "--port", 6123 },
        { "MLFLOW_WORKERS", "3", "--workers", 3 },
        { "MLFLOW_STATIC_PREFIX", "/tracking", "--static-prefix", "/tracking" },
        { "MLFLOW_SERVER_ALLOWED_HOSTS", "a.example.com", "--allowed-hosts", "a.example.com" },
        { "MLFLOW_SERVER_CORS_ALLOWED_ORIGINS", "https://ui.example.com", "--cors-allowed-origins", "https://ui.example.com" },
        { "MLFLOW_SERVER_X_FRAME_OPTIONS", "NONE", "--x-frame-options", "NONE" },
        { "MLFLOW_SERVER_DISABLE_SECURITY_MIDDLEWARE", "true", "--disable-security-middleware", true },
        { "MLFLOW_EXPOSE_PROMETHEUS", "/tmp/prom", "--expose-prometheus", "/tmp/prom" },
        { "MLFLOW_GUNICORN_OPTS", "--timeout 60", "--gunicorn-opts", "--timeout 60" },
        { "MLFLOW_UVICORN_OPTS", "--loop asyncio", "--uvicorn-opts", "--loop asyncio" },
        { "MLFLOW_READ_REPLICA_BACKEND_STORE_URI", "sqlite:///r.db", "--read-replica-backend-store-uri", "sqlite:///r.db" },
        { "MLFLOW_TRACE_ARCHIVAL_CONFIG", "/etc/a.yaml", "--trace-archival-config", "/etc/a.yaml" },
        { "MLFLOW_WORKSPACE_STORE_URI", "sqlite:///w.db", "--workspace-store-uri", "sqlite:///w.db" },
        { "MLFLOW_ENABLE_WORKSPACES", "yes", "--enable-workspaces", true },
    };

    [Theory]
    [MemberData(nameof(Variables))]
    public void Mlflow_variables_are_defaults(string variable, string value, string option, object expected)
    {
        using var env = new EnvScope((variable, value));
        var result = Parse();
        AssertParses(result);
        AssertValue(result, option, expected);
    }

    [Fact]
    public void A_flag_beats_its_variable()
    {
        using var env = new EnvScope(("MLFLOW_PORT", "6123"), ("MLFLOW_HOST", "0.0.0.0"), ("MLFLOW_SERVE_ARTIFACTS", "false"));
        var result = Parse("--port", "7000", "--host", "127.0.0.2", "--serve-artifacts");
        AssertParses(result);
        Assert.Equal(7000, result.GetValue<int?>("--port"));
        Assert.Equal("127.0.0.2", result.GetValue<string>("--host"));
        Assert.True(result.GetValue<bool>("--serve-artifacts"));
    }

    [Theory]
    [InlineData("1", true), InlineData("true", true), InlineData("TRUE", true), InlineData("yes", true), InlineData("y", true), InlineData("t", true), InlineData("on", true)]
    [InlineData("0", false), InlineData("false", false), InlineData("no", false), InlineData("n", false), InlineData("f", false), InlineData("off", false)]
    public void Boolean_variables_accept_clicks_spellings(string value, bool expected)
    {
        using var env = new EnvScope(("MLFLOW_SERVER_DISABLE_SECURITY_MIDDLEWARE", value));
        var result = Parse();
        AssertParses(result);
        Assert.Equal(expected, result.GetValue<bool>("--disable-security-middleware"));
    }

    [Theory]
    [InlineData("MLFLOW_PORT", "abc")]
    [InlineData("MLFLOW_WORKERS", "four")]
    [InlineData("MLFLOW_SERVE_ARTIFACTS", "maybe")]
    public void A_bad_variable_is_a_usage_error_naming_it(string variable, string value)
    {
        using var env = new EnvScope((variable, value));
        var result = Parse();
        var error = Assert.Single(result.Errors);
        Assert.Contains(variable, error.Message);
        Assert.Contains($"'{value}'", error.Message);
    }

    [Theory]
    [InlineData("--port", "abc")]
    [InlineData("--workers", "x")]
    [InlineData("--bogus-flag", "1")]
    public void Bad_flags_are_parse_errors(string flag, string value) =>
        Assert.NotEmpty(Parse(flag, value).Errors);

    [Theory]
    [InlineData("mlflow")]
    [InlineData("/mlflow/")]
    [InlineData("mlflow/")]
    [InlineData("/")]
    public async Task Static_prefix_must_start_with_a_slash_and_not_end_with_one(string prefix)
    {
        using var env = new EnvScope();
        using var dir = new TempDir();
        var error = new StringWriter();
        var saved = Console.Error;
        Console.SetError(error);
        int exit;
        try
        {
            exit = await Parse("--static-prefix", prefix, "--backend-store-uri", $"sqlite:///{dir.File("mlflow.db")}", "--port", "0").InvokeAsync();
        }
        finally
        {
            Console.SetError(saved);
        }
        Assert.Equal(2, exit); // click's usage-error status
        Assert.Contains("--static-prefix must begin with a '/' and not end with a '/'", error.ToString());
        Assert.False(File.Exists(dir.File("mlflow.db")), "validation happens before the store is touched");
    }
}
