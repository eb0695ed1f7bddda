using MpEventRelay.Admin;
using MpEventRelay.Health;
using MpEventRelay.Hosting;
using Serilog;
using Serilog.Events;

namespace MpEventRelay;

/// <summary>Builds the relay's web application; <c>Program</c>, the samples and the tests all start it this way.</summary>
public static class RelayApp
{
    /// <summary>Creates the application from <paramref name="args"/>; <paramref name="configure"/> can add configuration sources or services.</summary>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);

        // preserveStaticLogger: each host keeps its own logger; Serilog's static Log is not replaced by the last host built.
        builder.Services.AddSerilog(
            (services, logger) =>
        {
            logger
                .ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext()
                // ASP.NET Core's own request log prints the query string (OpenID, signatures); Serilog's request log
                // replaces it, and no configuration can turn it back on.
                .MinimumLevel.Override("Microsoft.AspNetCore.Hosting.Diagnostics", LogEventLevel.Warning);
            if (!builder.Configuration.GetSection("Serilog:WriteTo").Exists())
            {
                logger.WriteTo.Console(); // a configuration without sinks must not make the relay silent
            }
        },
            preserveStaticLogger: true);
        var management = ManagementListener.Configure(builder);
        builder.Services.AddMpEventRelay(builder.Configuration);

        var app = builder.Build();
        if (Hosting.TrustedProxies.Options(app.Configuration) is { } forwarded)
        {
            app.UseForwardedHeaders(forwarded); // first: everything after sees the real client's address
        }

        app.UseSerilogRequestLogging(options =>
        {
            options.MessageTemplate = "{RequestMethod} {RequestPath} → {StatusCode} in {Elapsed:0.0} ms";
            // This host's logger, not Serilog's static one (which another host in the same process may own).
            options.Logger = app.Services.GetService<Serilog.ILogger>();
        });
        if (management.IsSeparate)
        {
            // Health, metrics and admin only on their own listener; the push port serves accounts and YARP routes.
            app.MapWhen(management.IsManagementRequest, branch =>
            {
                branch.UseRouting();
                branch.UseEndpoints(endpoints => MapManagement(endpoints));
            });
        }
        else
        {
            MapManagement(app);
            if (!app.Environment.IsDevelopment())
            {
                app.Logger.LogWarning("Health, metrics and admin endpoints share the push port; set Relay:Management:Url (e.g. http://0.0.0.0:8081) to serve them on a listener of their own");
            }
        }

        app.UseMpEventRelay();
        app.MapReverseProxy();
        app.Lifetime.ApplicationStarted.Register(() => LogListeners(app, management));
        if (RelayServiceCollectionExtensions.TracingConfigured(app.Configuration))
        {
            app.Logger.LogInformation("Tracing: spans exported by OTLP ({Endpoint})", app.Configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] ?? app.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        }
        return app;
    }

    // One line per listener, so an operator (and a test that asked for port 0) can tell them apart.
    private static void LogListeners(WebApplication app, ManagementListener management)
    {
        var push = ManagementListener.Bound(app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>())
            .Where(address => !management.IsSeparate || !address.EndsWith($":{management.Port}", StringComparison.Ordinal));
        app.Logger.LogInformation("Push listener: {PushAddresses}", string.Join(" ", push));
        app.Logger.LogInformation("Management listener: {ManagementAddress}", management.IsSeparate ? $"port {management.Port}" : "the push port");
    }

    private static void MapManagement(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapRelayHealth();
        endpoints.MapRelayAdmin();
        endpoints.MapPrometheusScrapingEndpoint("/metrics");
    }
}
