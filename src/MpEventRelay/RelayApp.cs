using MpEventRelay.Admin;
using MpEventRelay.ApiGateway;
using MpEventRelay.Configuration;
using MpEventRelay.Configuration.Loading;
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
        builder.PollConfigurationFiles();

        // preserveStaticLogger: each host keeps its own logger; Serilog's static Log is not replaced by the last host built.
        builder.Services.AddSerilog(
            (services, logger) =>
        {
            logger
                .ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext()
                // ASP.NET Core's own request log prints the query string (OpenID, signatures); Serilog's request log
                // replaces it, and no configuration can turn it back on. Off, not Warning: while this logger is on at
                // any level, ASP.NET Core starts an Activity per request for its log scopes, and HttpClient a child
                // one per delivery with a traceparent header (about 2 KB a push); tracing, when configured, starts
                // them itself. It logs nothing above Information that another category does not.
                .MinimumLevel.Override("Microsoft.AspNetCore.Hosting.Diagnostics", LevelAlias.Off)
                // YARP's "Proxying to <url>" prints the query string: through the API gateway, that is WeChat's token.
                .MinimumLevel.Override("Yarp.ReverseProxy.Forwarder.HttpForwarder", LogEventLevel.Warning);
            if (!builder.Configuration.GetSection("Serilog:WriteTo").Exists())
            {
                logger.WriteTo.Console(); // a configuration without sinks must not make the relay silent
            }
        },
            preserveStaticLogger: true);
        var management = ManagementListener.Configure(builder);
        builder.Services.AddMpEventRelay(builder.Configuration);

        var app = builder.Build();
        if (TrustedProxies.Options(app.Configuration) is { } forwarded)
        {
            app.UseForwardedHeaders(forwarded); // first: everything after sees the real client's address
        }

        app.UseSerilogRequestLogging(options =>
        {
            options.MessageTemplate = "{RequestMethod} {RequestPath} → {StatusCode} in {Elapsed:0.0} ms";
            // This host's logger, not Serilog's static one (which another host in the same process may own).
            options.Logger = app.Services.GetService<Serilog.ILogger>();
        });
        var hosts = ManagementHosts.From(app.Configuration);
        if (management.IsSeparate)
        {
            // Health, metrics and admin only on their own listener; the push port serves accounts and YARP routes.
            // The API gateway's paths go on to its YARP routes (which check the listener themselves).
            var models = app.Services.GetRequiredService<RelayModelProvider>();
            app.MapWhen(context => management.IsManagementRequest(context) && models.Current.Gateway?.Claims(context.Request.Path) != true, branch =>
            {
                branch.Use(hosts.CheckAsync);
                branch.UseRouting();
                branch.UseEndpoints(endpoints => MapManagement(endpoints));
            });
        }
        else if (app.Environment.IsDevelopment() || app.Configuration.GetValue<bool>($"{RelayOptions.SectionName}:Management:OnPushPort"))
        {
            app.UseWhen(IsOperatorPath, branch => branch.Use(hosts.CheckAsync));
            MapManagement(app);
            if (!app.Environment.IsDevelopment())
            {
                app.Logger.LogWarning("Metrics, admin and the console are served on the push port (Relay:Management:OnPushPort); set Relay:Management:Url (e.g. http://127.0.0.1:8081) to serve them on a listener of their own");
            }
        }
        else
        {
            // The port WeChat reaches is public: without a management listener, only health is served on it.
            app.MapRelayHealth();
            app.Logger.LogWarning("Metrics, admin and the console are off: the push port does not serve them outside Development. Set Relay:Management:Url (e.g. http://127.0.0.1:8081) to serve them on a listener of their own, or Relay:Management:OnPushPort: true");
        }

        app.UseMpEventRelay();
        app.MapReverseProxy(proxy =>
        {
            proxy.UseMiddleware<ApiGatewayMiddleware>(); // the gateway's routes only; then YARP's usual steps
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
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
        if (push.FirstOrDefault() is { } first)
        {
            DemoGuide.Print(app, first, management);
        }
    }

    private static bool IsOperatorPath(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/admin") || context.Request.Path.StartsWithSegments("/console") || context.Request.Path.StartsWithSegments("/metrics");

    private static void MapManagement(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapRelayHealth();
        endpoints.MapRelayAdmin();
        endpoints.MapPrometheusScrapingEndpoint("/metrics");
    }
}
