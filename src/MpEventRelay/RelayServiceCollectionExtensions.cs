using MpEventRelay.Dedup;
using MpEventRelay.Forwarding;
using MpEventRelay.Health;
using MpEventRelay.Inbound;
using MpEventRelay.Model;
using MpEventRelay.Replies;
using Yarp.ReverseProxy.Forwarder;

namespace MpEventRelay;

/// <summary>Registration of the relay's services and middleware.</summary>
public static class RelayServiceCollectionExtensions
{
    /// <summary>Adds the relay: configuration model, dedup, delivery through YARP clusters with Polly, health checks.</summary>
    public static IServiceCollection AddMpEventRelay(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<RelayModelProvider>();
        services.AddSingleton<IDedupStore, InMemoryDedupStore>();
        services.AddSingleton<TargetSender>();
        services.AddSingleton<ReplyTranslator>();
        services.AddSingleton<PushRelay>();
        services.AddSingleton<BackgroundDeliveries>();
        services.AddHostedService(sp => sp.GetRequiredService<BackgroundDeliveries>());

        // Registered before AddReverseProxy, which only adds its own factory when none is there.
        services.AddSingleton<IForwarderHttpClientFactory, ResilientForwarderHttpClientFactory>();
        services.AddReverseProxy().LoadFromConfig(configuration.GetSection("ReverseProxy"));

        services.AddHealthChecks().AddCheck<ConfigurationHealthCheck>("configuration", tags: [HealthEndpoints.ReadyTag]);
        return services;
    }

    /// <summary>Validates the configuration now (failing start-up with every error) and serves the accounts' paths.</summary>
    public static IApplicationBuilder UseMpEventRelay(this IApplicationBuilder app)
    {
        _ = app.ApplicationServices.GetRequiredService<RelayModelProvider>();
        return app.UseMiddleware<WeChatAccountMiddleware>();
    }
}
