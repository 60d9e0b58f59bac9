namespace Sharpflow.Cli;

/// <summary>
/// Where the server listens when it runs on Cloud Run. Cloud Run sends traffic to the port in PORT on all interfaces and
/// marks K_SERVICE; a container that listens elsewhere fails its start-up probe. MLflow's own image ignores PORT, so the
/// seed's Cloud Run settings pass "--host 0.0.0.0 --port 5000" and set the container port to 5000 to match. On Cloud Run
/// PORT therefore wins over --port (with a notice when they differ), and the default host is 0.0.0.0; elsewhere --port
/// wins and PORT is only the default, as before.
/// </summary>
public static class CloudRun
{
    public static bool IsCloudRun(Func<string, string?> env) => !string.IsNullOrEmpty(env("K_SERVICE"));

    public static (string Host, int Port, string? Notice) Listen(string host, bool hostGiven, int? port, Func<string, string?> env)
    {
        int? envPort = int.TryParse(env("PORT"), out var p) && p is > 0 and <= 65535 ? p : null;
        if (!IsCloudRun(env)) return (host, port ?? envPort ?? 5000, null);
        var listenHost = hostGiven ? host : "0.0.0.0";
        if (envPort is null) return (listenHost, port ?? 5000, null);
        var notice = port is not null && port != envPort
            ? $"Note: running on Cloud Run (K_SERVICE={env("K_SERVICE")}): listening on PORT={envPort}, which Cloud Run routes to, instead of --port {port}."
            : null;
        return (listenHost, envPort.Value, notice);
    }
}
