using MpEventRelay.TestKit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using MpEventRelay.Configuration.Loading;
using MpEventRelay.Dedup;
using MpEventRelay.Delivery;
using MpEventRelay.Model;
using MpEventRelay.Outbox;
using MpEventRelay.Protocol.Crypto;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Relaying;
using MpEventRelay.Simulation;
using MpEventRelay.Trail;
using MpEventRelay.UnitTests.Outbox;

namespace MpEventRelay.UnitTests.Delivery;

/// <summary>
/// The delivery core as the relay wires it (its own service registrations), with the network and the disk taken
/// out: targets are a <see cref="FakeSender"/>, the outbox a <see cref="MemoryOutboxStore"/>, the clock a
/// <see cref="FakeTimeProvider"/>. One Mode Two account: "login" (subscribe/SCAN) replied by the IDaaS then the bot,
/// "copy" (CLICK) replied by the bot and copied to the IDaaS, everything else replied by the bot.
/// </summary>
internal sealed class DeliveryCore : IDisposable
{
    public const string AppId = TestKeys.AppId;
    private const string AccountKey = TestKeys.AccountKey;
    private readonly ServiceProvider _services;

    public DeliveryCore(params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?>
        {
            ["Relay:Storage:SqlitePath"] = Path.Combine(Path.GetTempPath(), "mprelay-unit", Guid.NewGuid().ToString("N") + ".db"),
            ["Relay:Accounts:main:Path"] = "/wechat/main",
            ["Relay:Accounts:main:AppId"] = AppId,
            ["Relay:Accounts:main:Token"] = "accountToken",
            ["Relay:Accounts:main:EncodingAESKey"] = AccountKey,
            ["Relay:Accounts:main:Targets:idaas:Cluster"] = "idaas",
            ["Relay:Accounts:main:Targets:idaas:Token"] = "idaasToken",
            ["Relay:Accounts:main:Targets:idaas:Encryption"] = "Plaintext",
            ["Relay:Accounts:main:Targets:bot:Cluster"] = "bot",
            ["Relay:Accounts:main:Targets:bot:Token"] = "botToken",
            ["Relay:Accounts:main:Targets:bot:Encryption"] = "Plaintext",
            ["Relay:Accounts:main:Routes:0:Name"] = "login",
            ["Relay:Accounts:main:Routes:0:Match:Event:0"] = "subscribe",
            ["Relay:Accounts:main:Routes:0:Match:Event:1"] = "SCAN",
            ["Relay:Accounts:main:Routes:0:Repliers:0"] = "idaas",
            ["Relay:Accounts:main:Routes:0:Repliers:1"] = "bot",
            ["Relay:Accounts:main:Routes:1:Name"] = "copy",
            ["Relay:Accounts:main:Routes:1:Match:Event:0"] = "CLICK",
            ["Relay:Accounts:main:Routes:1:Target"] = "bot",
            ["Relay:Accounts:main:Routes:1:Mirror:0"] = "idaas",
            ["Relay:Accounts:main:Routes:2:Name"] = "everything-else",
            ["Relay:Accounts:main:Routes:2:Target"] = "bot",
            ["ReverseProxy:Clusters:idaas:Destinations:d0:Address"] = "http://127.0.0.1:9/",
            ["ReverseProxy:Clusters:bot:Destinations:d0:Address"] = "http://127.0.0.1:9/",
        };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(Logs));
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<IHostEnvironment>(new HostingEnvironment { EnvironmentName = "Production", ApplicationName = "MpEventRelay", ContentRootPath = AppContext.BaseDirectory });
        services.AddSingleton<TimeProvider>(Time);
        services.AddMpEventRelay(configuration);
        services.RemoveAll<ITargetSender>();
        services.AddSingleton<ITargetSender>(Sender);
        services.RemoveAll<IOutboxStore>();
        services.AddSingleton<IOutboxStore>(Store);
        services.AddHttpClient(WeChatApi.ApiCaller.ClientName).ConfigurePrimaryHttpMessageHandler(() => Api);
        _services = services.BuildServiceProvider();
    }

    /// <summary>Every log line the core wrote, with its class and level.</summary>
    public ListLoggerProvider Logs { get; } = new();

    /// <summary>The trail events recorded since the last call (no writer runs here: they wait in the recorder's channel).</summary>
    public List<TrailEvent> TrailEvents()
    {
        var events = new List<TrailEvent>();
        while (Get<TrailRecorder>().Reader.TryRead(out var trailEvent))
        {
            events.Add(trailEvent);
        }

        return events;
    }

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));

    public FakeSender Sender { get; } = new();

    /// <summary>WeChat's API (late replies, typing), in memory.</summary>
    public FakeWeChatApi Api { get; } = new();

    public MemoryOutboxStore Store => _store ??= new MemoryOutboxStore("memory", Time);

    public PushRelay Relay => _services.GetRequiredService<PushRelay>();

    /// <summary>What the relay's meter counted (this container's meter only).</summary>
    public MeasurementRecorder Metrics => _metrics ??= new MeasurementRecorder(Get<System.Diagnostics.Metrics.IMeterFactory>());

    private MeasurementRecorder? _metrics;

    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    public RelayModel Model => Get<RelayModelProvider>().Current;

    private MemoryOutboxStore? _store;

    /// <summary>A push from a new user, as the inbound pipeline hands it on: routed, keyed, started now.</summary>
    public PushDelivery Delivery(Func<PushMessageBuilder, byte[]> build)
    {
        var model = Model;
        var account = model.AccountsByName["main"];
        var push = new InboundPush(PushMessage.Parse(build(new PushMessageBuilder("gh_1", "oUser" + Guid.NewGuid().ToString("N")[..20], 1_800_000_000))), EncryptionMode.Secure, AesKeySlot.Current, null);
        return new PushDelivery(model, account, account.Route(push.Message), push, new PushKey(DedupKey.For(account.DedupHashKey, account.AppId, push.Message)), Time.GetTimestamp(), TimeSpan.FromMinutes(5));
    }

    public void Dispose()
    {
        _metrics?.Dispose();
        _services.Dispose();
    }
}
