using Microsoft.Extensions.DependencyInjection.Extensions;
using MpEventRelay.Admin;
using MpEventRelay.ApiGateway;
using MpEventRelay.Configuration;
using MpEventRelay.Configuration.Loading;
using MpEventRelay.Dedup;
using MpEventRelay.Delivery;
using MpEventRelay.Health;
using MpEventRelay.Hosting;
using MpEventRelay.Inbound;
using MpEventRelay.Observability;
using MpEventRelay.Outbox;
using MpEventRelay.Relaying;
using MpEventRelay.Replies;
using MpEventRelay.Storage;
using MpEventRelay.Trail;
using MpEventRelay.WeChatApi;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Yarp.ReverseProxy.Configuration;

namespace MpEventRelay;

/// <summary>Registration of the relay's services and middleware.</summary>
public static class RelayServiceCollectionExtensions
{
    // .NET's own meter (GC, allocation, thread pool, locks): on /metrics beside the relay's, read only when scraped.
    private const string RuntimeMeterName = "System.Runtime";

    /// <summary>Adds the relay: configuration model, dedup, delivery through YARP clusters with Polly, health checks.</summary>
    public static IServiceCollection AddMpEventRelay(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new ConfigurationLoader(sp.GetRequiredService<IConfigValidator>(), sp.GetRequiredService<IHostEnvironment>().EnvironmentName));
        services.AddSingleton<RelayModelProvider>();
        AddStorage(services, configuration);
        services.AddSingleton<DestinationPipelines>();
        services.AddSingleton<DestinationPicker>();
        services.AddSingleton<TargetSender>();
        services.AddSingleton<ITargetSender>(sp => sp.GetRequiredService<TargetSender>());
        services.AddSingleton<Settlement>();
        services.AddSingleton<ReplyTranslator>();
        services.AddSingleton<ReplyChooser>();
        services.AddSingleton<LateReplies>();
        services.AddSingleton<TypingIndicator>();
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<AccessTokenSource>(sp));
        services.AddSingleton<CustomServiceClient>();
        services.AddSingleton<ApiCaller>();
        // The token travels in the query string: no request logging on this client.
        services.AddHttpClient(ApiCaller.ClientName).RemoveAllLoggers()
            .AddResilienceHandler("wechat-api", (pipeline, context) => ApiResilience.Configure(pipeline, context.ServiceProvider));
        services.AddSingleton<PushRelay>();
        services.AddSingleton<BoundedBody>();
        services.AddSingleton<InboundLog>();
        services.AddSingleton<UrlVerifier>();
        services.AddSingleton<PushIntake>();
        services.AddSingleton<WeChatAnswer>();
        services.AddSingleton<BackgroundDeliveries>();
        services.AddHostedService(sp => sp.GetRequiredService<BackgroundDeliveries>());

        // YARP's routes and clusters come from the relay's model: validated with it, reloaded with it, one snapshot.
        services.AddReverseProxy().AddTransforms<ApiGatewayTransforms>();
        services.AddSingleton(sp => new GatewayListener(sp.GetRequiredService<IHostEnvironment>(), sp.GetRequiredService<RelayModelProvider>(), sp.GetService<ManagementListener>()));
        services.AddSingleton<ClientRateLimits>();
        services.AddSingleton<IProxyConfigProvider, RelayProxyConfigProvider>();

        services.AddSingleton<RelayMetrics>();
        services.AddSingleton<AdminKeyFilter>();
        var telemetry = services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("MpEventRelay")).WithMetrics(metrics => metrics.AddMeter(RelayMetrics.MeterName, RuntimeMeterName).AddPrometheusExporter());
        if (TracingConfigured(configuration))
        {
            // Off unless an OTLP endpoint is configured (OTEL_EXPORTER_OTLP_ENDPOINT or its traces variant): with no
            // listener, the relay's spans are never created.
            // ASP.NET Core's request span is the root: the relay's spans are its children (and sampled with it).
            telemetry.WithTracing(tracing => tracing.AddSource("Microsoft.AspNetCore", RelayTracing.SourceName).AddOtlpExporter());
        }

        services.AddSingleton<OpenIdHasher>();
        services.AddSingleton<TrailRecorder>();
        services.AddSingleton<TrailWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<TrailWriter>());

        services.AddHealthChecks()
            .AddCheck<ConfigurationHealthCheck>("configuration", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<OutboxHealthCheck>("outbox", tags: [HealthEndpoints.ReadyTag]);
        return services;
    }

    // Embedded default: in-memory dedup and the SQLite outbox. With Relay:Storage:Redis, both go through Redis, and
    // SQLite stays as the spill-over for deliveries Redis cannot take.
    private static void AddStorage(IServiceCollection services, IConfiguration configuration)
    {
        // Read here because the stores are chosen at registration; a wrong value is reported by the validation.
        StorageOptions storage;
        try
        {
            storage = configuration.GetSection("Relay:Storage").Get<StorageOptions>() ?? new StorageOptions();
        }
        catch (InvalidOperationException)
        {
            storage = new StorageOptions();
        }

        services.AddSingleton<InMemoryDedupStore>();
        services.AddSingleton<InMemorySignatureLedger>();
        services.AddSingleton<InMemoryReplyClaims>();
        services.AddSingleton(_ => new SqliteTrailStore(storage.SqlitePath));
        services.AddSingleton(sp => new SqliteOutboxStore(storage.SqlitePath, new StoreGuard("sqlite", CallTimeout(sp), sp.GetRequiredService<TimeProvider>()))); // a factory: disposed by the container
        if (string.IsNullOrWhiteSpace(storage.Redis))
        {
            services.AddSingleton<IDedupStore>(sp => sp.GetRequiredService<InMemoryDedupStore>());
            services.AddSingleton<ISignatureLedger>(sp => sp.GetRequiredService<InMemorySignatureLedger>());
            services.AddSingleton<IReplyClaims>(sp => sp.GetRequiredService<InMemoryReplyClaims>());
            services.AddSingleton<IOutboxStore>(sp => sp.GetRequiredService<SqliteOutboxStore>());
            services.AddSingleton<ITrailStore>(sp => sp.GetRequiredService<SqliteTrailStore>());
        }
        else
        {
            services.AddSingleton(sp => new RedisConnection(storage.Redis, storage.RedisKeyPrefix, new StoreGuard("redis", CallTimeout(sp), sp.GetRequiredService<TimeProvider>())));
            services.AddSingleton<IDedupStore, RedisDedupStore>();
            services.AddSingleton<ISignatureLedger, RedisSignatureLedger>();
            services.AddSingleton<IReplyClaims, RedisReplyClaims>();
            services.AddSingleton<RedisTrailStore>();
            services.AddSingleton<ITrailStore>(sp => sp.GetRequiredService<RedisTrailStore>()); // one trail for every replica
            services.AddSingleton<RedisOutboxStore>();
            services.AddSingleton<LegacyRedisOutbox>();
            services.AddSingleton<RedisDurability>();
            services.AddHostedService(sp => sp.GetRequiredService<RedisDurability>());
            services.AddHealthChecks().AddCheck<RedisDurabilityHealthCheck>("redis-durability", tags: [HealthEndpoints.ReadyTag]);
            services.AddSingleton<IOutboxStore>(sp => sp.GetRequiredService<RedisOutboxStore>());
            services.AddSingleton<IOutboxStore>(sp => sp.GetRequiredService<SqliteOutboxStore>());
        }

        services.AddSingleton<DeliveryOutbox>();
        services.AddSingleton<DeadLetters>();
        services.AddSingleton<OutboxLeases>();
        services.AddSingleton<FallbackMover>();
        services.AddHostedService<OutboxLeaseRenewer>(); // before the worker: stopped after it, renewing to the end
        services.AddHostedService<OutboxWorker>();
    }

    internal static bool TracingConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]) || !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]);

    private static Func<TimeSpan> CallTimeout(IServiceProvider services)
    {
        var models = services.GetRequiredService<RelayModelProvider>();
        return () => models.Current.Options.StoreCallTimeout;
    }

    /// <summary>Validates the configuration now (failing start-up with every error) and serves the accounts' paths.</summary>
    public static IApplicationBuilder UseMpEventRelay(this IApplicationBuilder app)
    {
        var models = app.ApplicationServices.GetRequiredService<RelayModelProvider>();
        app.ApplicationServices.GetRequiredService<DeliveryOutbox>().WarmUp(); // opens the stores before the first push
        var metrics = app.ApplicationServices.GetRequiredService<RelayMetrics>();
        models.ReloadRefused += _ => metrics.ReloadRefused();
        return app.UseMiddleware<WeChatAccountMiddleware>();
    }
}
