namespace MpEventRelay.IntegrationTests.Infrastructure;

/// <summary>
/// The fixture most integration classes share: an IDaaS and a bot on WireMock ports, the relay in-process on the usual
/// Mode Two account (<see cref="RelayConfig.ModeTwo"/>), started before each test and stopped after it. A class changes
/// the configuration in <see cref="Configure"/>.
/// </summary>
public abstract class ModeTwoRelayTests : IAsyncLifetime
{
    internal TargetStub Idaas { get; } = new();

    internal TargetStub Bot { get; } = new();

    internal RelayServer Relay { get; private set; } = null!;

    public async Task InitializeAsync() => Relay = await RelayServer.StartAsync(Configure(RelayConfig.ModeTwo(Idaas, Bot)).ToJson());

    public async Task DisposeAsync()
    {
        await Relay.DisposeAsync();
        Idaas.Dispose();
        Bot.Dispose();
    }

    /// <summary>The test class's configuration, from the usual Mode Two one.</summary>
    internal virtual RelayConfig Configure(RelayConfig config) => config;
}
