using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Sharpflow.Artifacts;
using Sharpflow.Server.Features.Artifacts;
using Sharpflow.Server.Features.Experiments;
using Sharpflow.Server.Features.Health;
using Sharpflow.Server.Features.LoggedModels;
using Sharpflow.Server.Features.Metrics;
using Sharpflow.Server.Features.Otlp;
using Sharpflow.Server.Features.Registry;
using Sharpflow.Server.Features.Runs;
using Sharpflow.Server.Features.Traces;
using Sharpflow.Server.Features.Ui;
using Sharpflow.Server.Features.Webhooks;
using Sharpflow.Server.Http;
using Sharpflow.Store;
using Sharpflow.Store.Registry;
using Sharpflow.Store.Schema;
using Sharpflow.Store.Sql;
using Sharpflow.Store.Tracing;
using Sharpflow.Store.Tracking;

namespace Sharpflow.Server;

/// <summary>Builds the Sharpflow web application: services, middleware and every feature's routes.</summary>
public static class SharpflowServer
{
    public static async Task<WebApplication> BuildAsync(SharpflowOptions options, Action<ILoggingBuilder>? logging = null, CancellationToken ct = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        if (logging is not null) logging(builder.Logging);
        else
        {
            if (options.LogFormat == "json")
            {
                // Registered directly rather than with AddConsoleFormatter, whose options binding needs dynamic code
                // (Native AOT); the formatter has no options of its own and always writes the request's scopes.
                builder.Logging.AddConsole(o => { o.FormatterName = CloudLoggingFormatter.Name; });
                builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ConsoleFormatter, CloudLoggingFormatter>());
            }
            else builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-dd HH:mm:ss "; });
            builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Sharpflow", LogLevel.Information)
                // The CLI reports start-up failures (port in use) in one line; the host would add a stack trace.
                .AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        }
        // SIGTERM (Cloud Run scaling in, a deploy) stops accepting connections and lets in-flight requests finish.
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);
        builder.WebHost.UseKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null;
            k.AddServerHeader = false;
            // Kestrel's default (HTTP/1.1 and HTTP/2) means HTTP/1.1 only on a cleartext port; h2c needs HTTP/2 alone.
            if (options.H2c) k.ConfigureEndpointDefaults(listen => listen.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2);
        });
        builder.WebHost.UseUrls($"http://{FormatHost(options.Host)}:{options.Port}");

        var artifacts = new ArtifactProxy(options);
        // The destination check (one listing) runs while the database is opened and checked.
        var destinationCheck = artifacts.CheckDestinationAsync(ct);
        var db = new SqlDatabase(StoreUri.Parse(options.BackendStoreUri),
            options.DatabasePasswordProvider ?? (options.CloudSqlIamAuth ? CloudSqlIamAuth.TokenProvider() : null));
        var state = await SchemaInitializer.EnsureAsync(db, ct);
        var store = new TrackingStore(db, options.EffectiveDefaultArtifactRoot);
        await store.EnsureDefaultExperimentAsync(ct);

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(db);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(new RegistryStore(db));
        builder.Services.AddSingleton(new TraceStore(db));
        builder.Services.AddSingleton<WebhookDispatcher>();
        builder.Services.AddSingleton(artifacts);
        builder.Services.AddSingleton<IArtifactStore>(_ => artifacts.Destination);
        builder.Services.AddRoutingCore();

        var app = builder.Build();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Sharpflow");
        var (destinationError, destinationWarning) = await destinationCheck;
        if (destinationError is not null)
        {
            await db.DisposeAsync();
            throw new Sharpflow.Core.Errors.MlflowException(Sharpflow.Core.Errors.ErrorCode.INVALID_PARAMETER_VALUE, destinationError);
        }
        if (destinationWarning is not null) log.LogWarning("{Warning}", destinationWarning);
        if (state == SchemaState.Newer)
            log.LogWarning("The database schema is newer than MLflow 3.11's ({Head}); continuing, but newer features' data is ignored.", SchemaInitializer.HeadRevision);
        app.Lifetime.ApplicationStopped.Register(() => db.DisposeAsync().AsTask().GetAwaiter().GetResult());
        app.Lifetime.ApplicationStarted.Register(() =>
            _ = Task.Run(() => artifacts.SweepStaleUploads(options.EffectiveDefaultArtifactRoot, log, app.Lifetime.ApplicationStopping)));
        if (options.LogFormat == "json") app.UseCloudLogging(log);
        app.UseRawRequestPath();
        app.UseMlflowSecurity(options, log);
        app.MapSharpflow(options);
        return app;
    }

    private static string FormatHost(string host) => host.Contains(':') && !host.StartsWith('[') ? $"[{host}]" : host;

    public static void MapSharpflow(this WebApplication app, SharpflowOptions options)
    {
        Features.Prometheus.PrometheusEndpoints.UsePrometheus(app, options); // first: times the whole pipeline; /metrics ignores --static-prefix as in MLflow
        app.UseMlflowStatusPages();
        if (!string.IsNullOrEmpty(options.StaticPrefix))
        {
            // Like MLflow, every route lives under the prefix only; anything else is not found.
            var prefix = new PathString(options.StaticPrefix);
            app.Use((http, next) =>
            {
                if (!http.Request.Path.StartsWithSegments(prefix, out var rest))
                {
                    http.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                }
                http.Request.PathBase = http.Request.PathBase.Add(prefix);
                http.Request.Path = rest;
                return next(http);
            });
        }
        if (options.ArtifactsOnly) app.UseArtifactsOnly();
        app.UseMlflowErrors();
        app.UseHealthBeforeRouting();
        app.UseRouting();
        app.MapHealth();
        app.MapExperiments();
        app.MapRuns();
        app.MapMetrics();
        app.MapArtifacts();
        app.MapRegistry();
        app.MapLoggedModels();
        app.MapWebhooks();
        app.MapTraces();
        app.MapTraceMetrics();
        app.MapAssessments();
        app.MapOtlp();
        app.MapUi(options);
    }
}
