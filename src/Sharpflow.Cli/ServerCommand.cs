using System.CommandLine;
using Sharpflow.Core.Errors;
using Sharpflow.Server;

namespace Sharpflow.Cli;

/// <summary>`sharpflow server`: mlflow server's flags, defaults and MLFLOW_* environment variables.</summary>
public static class ServerCommand
{
    private static Option<T> Opt<T>(string name, string env, string description, T? fallback = default, params string[] aliases)
    {
        var option = new Option<T>(name, aliases) { Description = $"{description} [env: {env}]" };
        option.DefaultValueFactory = result =>
        {
            var raw = Environment.GetEnvironmentVariable(env);
            if (string.IsNullOrEmpty(raw)) return fallback!;
            // click's parsing of the variable: a bad value is a usage error, not a crash.
            object? value = raw;
            if (typeof(T) == typeof(int) || typeof(T) == typeof(int?))
            {
                if (!int.TryParse(raw.Trim(), out var number))
                {
                    result.AddError($"Invalid value for '{name}' (from {env}): '{raw}' is not a valid integer.");
                    return fallback!;
                }
                value = number;
            }
            else if (typeof(T) == typeof(bool))
            {
                switch (raw.Trim().ToLowerInvariant())
                {
                    case "1" or "true" or "t" or "yes" or "y" or "on": value = true; break;
                    case "0" or "false" or "f" or "no" or "n" or "off": value = false; break;
                    default:
                        result.AddError($"Invalid value for '{name}' (from {env}): '{raw}' is not a valid boolean.");
                        return fallback!;
                }
            }
            return (T)value!;
        };
        return option;
    }

    public static Command Create()
    {
        var backend = Opt<string>("--backend-store-uri", "MLFLOW_BACKEND_STORE_URI", "Database URI for tracking data (sqlite:///..., postgresql://...).", "sqlite:///mlflow.db");
        var registry = Opt<string?>("--registry-store-uri", "MLFLOW_REGISTRY_STORE_URI", "Database URI for the model registry (defaults to the backend store).");
        var defaultRoot = Opt<string?>("--default-artifact-root", "MLFLOW_DEFAULT_ARTIFACT_ROOT", "Artifact root for new experiments.");
        var serve = Opt<bool>("--serve-artifacts", "MLFLOW_SERVE_ARTIFACTS", "Proxy artifact uploads and downloads (default).", true);
        var noServe = new Option<bool>("--no-serve-artifacts") { Description = "Do not proxy artifacts; clients use the store directly." };
        var artifactsOnly = Opt<bool>("--artifacts-only", "MLFLOW_ARTIFACTS_ONLY", "Serve only the artifact proxy routes.");
        var destination = Opt<string>("--artifacts-destination", "MLFLOW_ARTIFACTS_DESTINATION", "Store behind mlflow-artifacts:/ URIs.", "./mlartifacts");
        var host = Opt<string>("--host", "MLFLOW_HOST", "Address to bind.", "127.0.0.1", "-h");
        var port = Opt<int?>("--port", "MLFLOW_PORT", "Port to listen on (default 5000, or PORT as Cloud Run sets it).", null, "-p");
        var workers = Opt<int?>("--workers", "MLFLOW_WORKERS", "Accepted for compatibility; one process serves all requests concurrently.", null, "-w");
        var staticPrefix = Opt<string?>("--static-prefix", "MLFLOW_STATIC_PREFIX", "URL prefix for every route, e.g. /mlflow.");
        var allowedHosts = Opt<string?>("--allowed-hosts", "MLFLOW_SERVER_ALLOWED_HOSTS", "Comma-separated Host header allow-list.");
        var cors = Opt<string?>("--cors-allowed-origins", "MLFLOW_SERVER_CORS_ALLOWED_ORIGINS", "Comma-separated CORS origins.");
        var xfo = Opt<string>("--x-frame-options", "MLFLOW_SERVER_X_FRAME_OPTIONS", "X-Frame-Options value (NONE omits it).", "SAMEORIGIN");
        var noSecurity = Opt<bool>("--disable-security-middleware", "MLFLOW_SERVER_DISABLE_SECURITY_MIDDLEWARE", "Turn off host, CORS and frame protections.");
        var appName = new Option<string?>("--app-name") { Description = "Application plugin, e.g. basic-auth." };
        var prometheus = Opt<string?>("--expose-prometheus", "MLFLOW_EXPOSE_PROMETHEUS", "Directory for metrics; enables /metrics.");
        var dev = new Option<bool>("--dev") { Description = "Verbose logging for development." };
        var dbPool = Opt<int?>("--db-pool-size", "SHARPFLOW_DB_POOL_SIZE", "PostgreSQL connections per process (default 15, as MLflow's pool 5 + overflow 10).");
        var dbConnectTimeout = Opt<int?>("--db-connect-timeout", "SHARPFLOW_DB_CONNECT_TIMEOUT", "Seconds to wait for a database connection (default 10).");
        var dbCommandTimeout = Opt<int?>("--db-command-timeout", "SHARPFLOW_DB_COMMAND_TIMEOUT", "Seconds a database statement may run (default 30).");
        var dbPasswordFile = Opt<string?>("--db-password-file", "SHARPFLOW_DB_PASSWORD_FILE", "File holding the database password (e.g. a mounted secret); PGPASSWORD also works.");
        var iamAuth = Opt<bool>("--cloud-sql-iam-auth", "SHARPFLOW_CLOUD_SQL_IAM_AUTH", "PostgreSQL: log in with a Cloud SQL IAM access token (Application Default Credentials) instead of a password.");
        var logFormat = Opt<string?>("--log-format", "SHARPFLOW_LOG_FORMAT", "text or json (one JSON object per line, as Cloud Logging reads them; the default on Cloud Run).");
        logFormat.AcceptOnlyFromAmong("text", "json");
        var h2c = Opt<bool>("--h2c", "SHARPFLOW_H2C", "Serve HTTP/2 cleartext (prior knowledge) instead of HTTP/1.1, e.g. for Cloud Run's HTTP/2 end-to-end.");
        var gunicorn = Opt<string?>("--gunicorn-opts", "MLFLOW_GUNICORN_OPTS", "Python server option; accepted and ignored.");
        var uvicorn = Opt<string?>("--uvicorn-opts", "MLFLOW_UVICORN_OPTS", "Python server option; accepted and ignored.");
        var waitress = new Option<string?>("--waitress-opts") { Description = "Python server option; accepted and ignored." };
        var replica = Opt<string?>("--read-replica-backend-store-uri", "MLFLOW_READ_REPLICA_BACKEND_STORE_URI", "Database for reads (not yet supported).");
        var archival = Opt<string?>("--trace-archival-config", "MLFLOW_TRACE_ARCHIVAL_CONFIG", "Trace archival YAML (not yet supported).");
        var workspaces = Opt<bool>("--enable-workspaces", "MLFLOW_ENABLE_WORKSPACES", "Multi-tenant workspaces (not yet supported).");
        var noWorkspaces = new Option<bool>("--disable-workspaces") { Description = "Disable workspaces (default)." };
        var workspaceStore = Opt<string?>("--workspace-store-uri", "MLFLOW_WORKSPACE_STORE_URI", "Workspace provider URI (not yet supported).");
        var secretsTtl = new Option<int?>("--secrets-cache-ttl") { Description = "Gateway secret cache TTL in seconds (not yet supported)." };
        var secretsSize = new Option<int?>("--secrets-cache-max-size") { Description = "Gateway secret cache size (not yet supported)." };

        var cmd = new Command("server", "Run the tracking server.")
        {
            backend, registry, defaultRoot, serve, noServe, artifactsOnly, destination, host, port, workers, staticPrefix,
            allowedHosts, cors, xfo, noSecurity, appName, prometheus, dev, gunicorn, uvicorn, waitress, replica, archival,
            workspaces, noWorkspaces, workspaceStore, secretsTtl, secretsSize, h2c, logFormat, dbPool, dbConnectTimeout, dbCommandTimeout, dbPasswordFile, iamAuth,
        };
        cmd.SetAction(async (parse, ct) =>
        {
            foreach (var (opt, name) in new[] { (gunicorn, "--gunicorn-opts"), (uvicorn, "--uvicorn-opts"), (waitress, "--waitress-opts") })
                if (parse.GetValue(opt) is not null) Console.Error.WriteLine($"Note: {name} configures MLflow's Python web server; Sharpflow ignores it.");
            foreach (var (opt, name) in new[] { (replica, "--read-replica-backend-store-uri"), (archival, "--trace-archival-config"), (workspaceStore, "--workspace-store-uri"), (appName, "--app-name") })
                if (parse.GetValue(opt) is not null) Console.Error.WriteLine($"Note: {name} is not yet supported by Sharpflow and is ignored.");
            if (parse.GetValue(workspaces)) Console.Error.WriteLine("Note: --enable-workspaces is not yet supported by Sharpflow and is ignored.");

            // The store reads its connection settings from these variables (StoreUri); a flag sets its variable.
            foreach (var (opt, variable) in new[] { (dbPool, "SHARPFLOW_DB_POOL_SIZE"), (dbConnectTimeout, "SHARPFLOW_DB_CONNECT_TIMEOUT"), (dbCommandTimeout, "SHARPFLOW_DB_COMMAND_TIMEOUT") })
                if (parse.GetValue(opt) is { } number) Environment.SetEnvironmentVariable(variable, number.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (parse.GetValue(dbPasswordFile) is { Length: > 0 } passwordFile) Environment.SetEnvironmentVariable("SHARPFLOW_DB_PASSWORD_FILE", passwordFile);

            var staticPrefixValue = parse.GetValue(staticPrefix);
            if (!string.IsNullOrEmpty(staticPrefixValue) && (!staticPrefixValue.StartsWith('/') || staticPrefixValue.EndsWith('/')))
            {
                Console.Error.WriteLine("Error: --static-prefix must begin with a '/' and not end with a '/'.");
                return 2;
            }
            var (hostValue, portValue, notice) = CloudRun.Listen(parse.GetValue(host)!, parse.GetResult(host) is { Implicit: false } || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MLFLOW_HOST")),
                parse.GetValue(port), Environment.GetEnvironmentVariable);
            if (notice is not null) Console.Error.WriteLine(notice);
            var options = new SharpflowOptions
            {
                BackendStoreUri = parse.GetValue(backend)!,
                RegistryStoreUri = parse.GetValue(registry),
                DefaultArtifactRoot = parse.GetValue(defaultRoot),
                ServeArtifacts = parse.GetValue(serve) && !parse.GetValue(noServe),
                ArtifactsOnly = parse.GetValue(artifactsOnly),
                ArtifactsDestination = parse.GetValue(destination)!,
                Host = hostValue,
                Port = portValue,
                Workers = parse.GetValue(workers),
                StaticPrefix = staticPrefixValue,
                AllowedHosts = parse.GetValue(allowedHosts),
                CorsAllowedOrigins = parse.GetValue(cors),
                XFrameOptions = parse.GetValue(xfo)!,
                DisableSecurityMiddleware = parse.GetValue(noSecurity),
                AppName = parse.GetValue(appName),
                ExposePrometheus = parse.GetValue(prometheus),
                Dev = parse.GetValue(dev),
                H2c = parse.GetValue(h2c),
                CloudSqlIamAuth = parse.GetValue(iamAuth),
                LogFormat = parse.GetValue(logFormat) ?? (CloudRun.IsCloudRun(Environment.GetEnvironmentVariable) ? "json" : "text"),
            };
            try
            {
                var app = await SharpflowServer.BuildAsync(options, ct: ct);
                // Announce only once the port is bound, so "listening" is never followed by a bind error.
                await app.StartAsync(ct);
                var listening = $"Sharpflow {CliApp.Version} listening on http://{options.Host}:{options.Port} (store: {Sharpflow.Store.StoreUri.Parse(options.BackendStoreUri).Display})";
                // With JSON logs (Cloud Run) every line on stdout is one entry Cloud Logging can parse.
                if (options.LogFormat == "json") Console.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(
                    new Dictionary<string, string> { ["severity"] = "INFO", ["message"] = listening, ["logger"] = "Sharpflow" }, CliJson.Default.DictionaryStringString));
                else Console.Error.WriteLine(listening);
                await app.WaitForShutdownAsync();
                return 0;
            }
            catch (MlflowException e)
            {
                Console.Error.WriteLine($"Error: {e.Message}");
                return 1;
            }
            catch (IOException e) when (e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                Console.Error.WriteLine($"Error: port {options.Port} on {options.Host} is already in use.");
                return 1;
            }
        });
        return cmd;
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class CliJson : System.Text.Json.Serialization.JsonSerializerContext;
