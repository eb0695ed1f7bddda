using MpEventRelay.Admin;
using MpEventRelay.Health;
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

        builder.Services.AddSerilog((services, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext()
            // ASP.NET Core's own request log prints the query string (OpenID, signatures); Serilog's request log
            // replaces it, and no configuration can turn it back on.
            .MinimumLevel.Override("Microsoft.AspNetCore.Hosting.Diagnostics", LogEventLevel.Warning));
        builder.Services.AddMpEventRelay(builder.Configuration);

        var app = builder.Build();
        app.UseSerilogRequestLogging(options =>
            options.MessageTemplate = "{RequestMethod} {RequestPath} → {StatusCode} in {Elapsed:0.0} ms");
        app.UseMpEventRelay();
        app.MapRelayHealth();
        app.MapRelayAdmin();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapReverseProxy();
        return app;
    }
}
