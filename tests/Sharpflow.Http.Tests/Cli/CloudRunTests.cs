using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sharpflow.Cli;
using Sharpflow.Server.Http;

namespace Sharpflow.Http.Tests.Cli;

/// <summary>
/// What Cloud Run relies on: the port in PORT on all interfaces (winning over the seed's --port 5000 there), and log
/// lines Cloud Logging parses (severity, message, trace correlation). The whole published server under Cloud Run's
/// environment is exercised by tests/deploy/cloud_run_smoke.py.
/// </summary>
public class CloudRunTests
{
    private static Func<string, string?> Env(params (string Key, string Value)[] vars) =>
        key => vars.FirstOrDefault(v => v.Key == key).Value;

    [Fact]
    public void Off_cloud_run_the_flag_wins_and_PORT_is_only_the_default()
    {
        Assert.Equal(("127.0.0.1", 5001, (string?)null), CloudRun.Listen("127.0.0.1", false, 5001, Env(("PORT", "8080"))));
        Assert.Equal(("127.0.0.1", 8080, (string?)null), CloudRun.Listen("127.0.0.1", false, null, Env(("PORT", "8080"))));
        Assert.Equal(("127.0.0.1", 5000, (string?)null), CloudRun.Listen("127.0.0.1", false, null, Env()));
    }

    [Fact]
    public void On_cloud_run_PORT_wins_over_the_flag_with_a_notice_and_the_default_host_is_all_interfaces()
    {
        var env = Env(("PORT", "8080"), ("K_SERVICE", "mlflow"), ("K_REVISION", "mlflow-00001"));
        var (host, port, notice) = CloudRun.Listen("127.0.0.1", false, 5000, env);
        Assert.Equal(("0.0.0.0", 8080), (host, port));
        Assert.Contains("PORT=8080", notice);
        Assert.Equal(("10.0.0.1", 8080, (string?)null), CloudRun.Listen("10.0.0.1", true, 8080, env));
        Assert.Equal(("0.0.0.0", 5000, (string?)null), CloudRun.Listen("127.0.0.1", false, null, Env(("K_SERVICE", "mlflow"))));
    }

    [Fact]
    public void Server_log_format_defaults_to_json_on_cloud_run()
    {
        var parsed = CliApp.CreateRoot().Parse(["server", "--log-format", "json"]);
        Assert.Empty(parsed.Errors);
        Assert.NotEmpty(CliApp.CreateRoot().Parse(["server", "--log-format", "xml"]).Errors);
    }

    [Fact]
    public void Json_log_lines_carry_severity_message_and_the_request_trace()
    {
        var headers = new HeaderDictionary { ["X-Cloud-Trace-Context"] = "105445aa7843bc8bf206b12000100000/1;o=1" };
        var trace = CloudLoggingFormatter.TraceName(headers, "my-project");
        Assert.Equal("projects/my-project/traces/105445aa7843bc8bf206b12000100000", trace);
        Assert.Equal("projects/p/traces/4bf92f3577b34da6a3ce929d0e0e4736",
            CloudLoggingFormatter.TraceName(new HeaderDictionary { ["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" }, "p"));
        Assert.Null(CloudLoggingFormatter.TraceName(headers, null));

        var scopes = new LoggerExternalScopeProvider();
        using var _ = scopes.Push(new Dictionary<string, object?> { ["logging.googleapis.com/trace"] = trace });
        var writer = new StringWriter();
        var entry = new Microsoft.Extensions.Logging.Abstractions.LogEntry<string>(LogLevel.Warning, "Sharpflow", default, "disk \"low\"", null, (s, _) => s);
        new CloudLoggingFormatter().Write(entry, scopes, writer);
        var line = JsonDocument.Parse(writer.ToString()).RootElement;
        Assert.Equal("WARNING", line.GetProperty("severity").GetString());
        Assert.Equal("disk \"low\"", line.GetProperty("message").GetString());
        Assert.Equal(trace, line.GetProperty("logging.googleapis.com/trace").GetString());
        Assert.Single(writer.ToString().TrimEnd('\n').Split('\n'));
    }
}
