using System.CommandLine;
using System.Reflection;
using Sharpflow.Core.Errors;

namespace Sharpflow.Cli;

/// <summary>`sharpflow`: the commands of `mlflow` that a server operator uses, with the same flags.</summary>
public static class CliApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = CreateRoot();
        try
        {
            return await root.Parse(args).InvokeAsync();
        }
        catch (MlflowException e)
        {
            Console.Error.WriteLine($"Error: {e.Message}");
            return 1;
        }
    }

    /// <summary>The whole command tree (public so tests can parse command lines exactly as `sharpflow` does).</summary>
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("Sharpflow: an MLflow-compatible tracking server.");
        // RootCommand brings its own --version (printing the bare assembly version); ours prints mlflow's format.
        foreach (var builtIn in root.Options.OfType<VersionOption>().ToList()) root.Options.Remove(builtIn);
        var version = new Option<bool>("--version") { Description = "Show the version and exit." };
        root.Options.Add(version);
        root.Subcommands.Add(ServerCommand.Create());
        root.Subcommands.Add(DbCommand.Create());
        root.Subcommands.Add(GcCommand.Create());
        root.SetAction(parse =>
        {
            if (parse.GetValue(version))
            {
                Console.WriteLine($"sharpflow, version {Version} (MLflow {Server.Features.Health.HealthEndpoints.MlflowVersion} compatible)");
                return 0;
            }
            Console.WriteLine(root.Description);
            Console.WriteLine("Run 'sharpflow --help' for the commands.");
            return 0;
        });
        return root;
    }

    public static string Version =>
        typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
