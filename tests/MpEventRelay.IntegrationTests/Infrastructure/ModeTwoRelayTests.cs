using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;

namespace MpEventRelay.IntegrationTests.Infrastructure;

/// <summary>
/// The fixture most integration classes share: an IDaaS and a bot on WireMock ports, the relay in-process on the usual
/// Mode Two account (<see cref="RelayConfig.ModeTwo"/>), started before each test and stopped after it. A class changes
/// the configuration in <see cref="Configure"/>; <see cref="Api"/> (WeChat's API stand-in) and <see cref="Logs"/> (the
/// relay's log events, at <see cref="LogLevel"/>) exist when the class uses them.
/// </summary>
public abstract class ModeTwoRelayTests : IAsyncLifetime
{
    private WeChatApiStub? _api;

    internal TargetStub Idaas { get; } = new();

    internal TargetStub Bot { get; } = new();

    internal WeChatApiStub Api => _api ??= new WeChatApiStub();

    internal CapturingSink Logs { get; } = new();

    internal RelayServer Relay { get; private set; } = null!;

    /// <summary>The lowest level <see cref="Logs"/> receives.</summary>
    internal virtual string LogLevel => "Warning";

    public async Task InitializeAsync() =>
        Relay = await RelayServer.StartAsync(Configure(RelayConfig.ModeTwo(Idaas, Bot)).ToJson(), services => services.AddSingleton<ILogEventSink>(Logs), LogLevel);

    public async Task DisposeAsync()
    {
        await Relay.DisposeAsync();
        Idaas.Dispose();
        Bot.Dispose();
        _api?.Dispose();
    }

    /// <summary>The test class's configuration, from the usual Mode Two one.</summary>
    internal virtual RelayConfig Configure(RelayConfig config) => config;
}
