using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Sharpflow.Http.Tests;

/// <summary>
/// Tests that read or change process-wide state (environment variables, Console) or run `sharpflow` as a child
/// process: one at a time, after the parallel tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideCollection
{
    public const string Name = "process-wide";
}

/// <summary>
/// Sets environment variables for a test and restores them. Every MLFLOW_* variable and PORT is cleared first, so
/// the machine's own settings cannot leak into a test of defaults.
/// </summary>
public sealed class EnvScope : IDisposable
{
    private readonly Dictionary<string, string?> _saved = [];

    public EnvScope(params (string Name, string? Value)[] values)
    {
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(n => n.StartsWith("MLFLOW_", StringComparison.Ordinal) || n == "PORT"))
            Set(name, null);
        foreach (var (name, value) in values) Set(name, value);
    }

    private void Set(string name, string? value)
    {
        _saved.TryAdd(name, Environment.GetEnvironmentVariable(name));
        Environment.SetEnvironmentVariable(name, value);
    }

    public void Dispose()
    {
        foreach (var (name, value) in _saved) Environment.SetEnvironmentVariable(name, value);
    }
}

/// <summary>The built `sharpflow` executable, run as a child process.</summary>
public static class SharpflowProcess
{
    private static readonly Lazy<string> LazyPath = new(Locate);

    /// <summary>
    /// src/Sharpflow.Cli/bin/&lt;the test's configuration&gt;/net10.0/sharpflow (built with this project, which references it);
    /// the copy beside the test assembly otherwise.
    /// </summary>
    public static string Path => LazyPath.Value;

    private static string Locate()
    {
        var exe = OperatingSystem.IsWindows() ? "sharpflow.exe" : "sharpflow";
        var baseDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar));
        var configuration = baseDir.Parent?.Name ?? "Debug"; // .../bin/<Configuration>/net10.0
        for (var d = baseDir; d is not null; d = d.Parent)
        {
            if (!File.Exists(System.IO.Path.Combine(d.FullName, "Sharpflow.slnx"))) continue;
            var built = System.IO.Path.Combine(d.FullName, "src", "Sharpflow.Cli", "bin", configuration, baseDir.Name, exe);
            if (File.Exists(built)) return built;
            break;
        }
        var beside = System.IO.Path.Combine(AppContext.BaseDirectory, exe);
        return File.Exists(beside) ? beside : throw new FileNotFoundException($"No built sharpflow executable for {configuration}; build src/Sharpflow.Cli.");
    }

    public sealed record Result(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed);

    /// <summary>Runs sharpflow to completion (killed and failed after <paramref name="timeout"/>).</summary>
    public static async Task<Result> RunAsync(string[] args, IDictionary<string, string?>? env = null, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        using var p = Start(args, env, workingDirectory, out var stdout, out var stderr);
        var watch = Stopwatch.StartNew();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"sharpflow {string.Join(' ', args)} did not exit within {timeout}; stderr so far: {stderr}");
        }
        p.WaitForExit(); // flushes the redirected streams
        return new Result(p.ExitCode, stdout.ToString(), stderr.ToString(), watch.Elapsed);
    }

    /// <summary>Starts sharpflow and leaves it running; the caller kills it.</summary>
    public static Process Start(string[] args, IDictionary<string, string?>? env, string? workingDirectory, out StringBuilder stdout, out StringBuilder stderr)
    {
        var psi = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var name in psi.Environment.Keys.Where(n => n.StartsWith("MLFLOW_", StringComparison.Ordinal) || n == "PORT").ToList())
            psi.Environment.Remove(name);
        foreach (var (k, v) in env ?? new Dictionary<string, string?>()) psi.Environment[k] = v;
        var outText = stdout = new StringBuilder();
        var errText = stderr = new StringBuilder();
        var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (outText) outText.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (errText) errText.AppendLine(e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>Polls GET url until it answers 200 or the process exits / the time is up.</summary>
    public static async Task<bool> WaitHealthyAsync(Process p, string url, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until && !p.HasExited)
        {
            try
            {
                if ((await http.GetAsync(url)).IsSuccessStatusCode) return true;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        return false;
    }

    /// <summary>No .NET stack frames and no "Unhandled exception" in a CLI's error output.</summary>
    public static void AssertNoStackTrace(string output)
    {
        Assert.DoesNotContain("Unhandled exception", output);
        Assert.DoesNotMatch(@"(?m)^\s+at \S+\(", output);
        Assert.DoesNotContain("--- End of", output);
    }
}
