using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using MpEventRelay.Configuration.Loading;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Simulation;
using Serilog.Core;

namespace MpEventRelay.IntegrationTests.Operations;

/// <summary>
/// Edits the configuration file of a running relay. Each edit is written atomically (a rename, as editors and
/// ConfigMap updates do) and the test waits for the relay's own log line about that edit, never for a fixed time.
/// </summary>
public sealed class HotReloadTests : IAsyncLifetime
{
    private readonly TargetStub _idaas = new();
    private readonly TargetStub _bot = new();
    private readonly CapturingSink _sink = new();
    // A directory of its own: the file watcher sees this directory, and other tests' SQLite files churn in the shared one.
    private readonly string _path = Path.Combine(Path.GetTempPath(), "mprelay-tests", $"reload-{Guid.NewGuid():N}", "appsettings.json");
    private JsonNode _config = null!;
    private RelayServer _relay = null!;
    private WeChatPushClient _wechat = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _config = JsonNode.Parse(RelayConfig.ModeTwo(_idaas, _bot).ToJson())!;
        await File.WriteAllTextAsync(_path, _config.ToJsonString());
        _relay = await RelayServer.StartFromFileAsync(_path, services => services.AddSingleton<ILogEventSink>(_sink), logLevel: "Information");
        _wechat = new WeChatPushClient(_relay.Http, Keys.Account);
    }

    public async Task DisposeAsync()
    {
        await _relay.DisposeAsync();
        _idaas.Dispose();
        _bot.Dispose();
    }

    [Fact]
    public async Task A_valid_edit_applies_and_an_invalid_one_keeps_the_last_good_configuration()
    {
        await PushTextAsync();
        Assert.Single(_bot.Received);

        // A new first route: text messages now go to the IDaaS target.
        Routes().Insert(0, new JsonObject { ["Name"] = "texts", ["Match"] = new JsonObject { ["MsgType"] = "text" }, ["Target"] = "idaas" });
        await EditAsync("Configuration reloaded");
        await PushTextAsync();
        Assert.Single(_idaas.Received);

        // A route to a target that does not exist: refused, with the key; the routes above stay.
        Routes()[0]!["Target"] = "nobody";
        await EditAsync("Relay:Accounts:main:Routes:0:Target");
        await PushTextAsync();
        Assert.Equal(2, _idaas.Received.Count);
        Assert.Equal("Degraded", await _relay.Http.GetStringAsync("/health/ready"));

        // A half-written file: .NET refuses to parse it and signals nothing; the relay carries on.
        await WriteAtomicallyAsync("{ \"Relay\": { \"Accounts\": ");
        await PushTextAsync();
        Assert.Equal(3, _idaas.Received.Count);
    }

    [Fact]
    public async Task A_binder_error_in_ReverseProxy_is_refused_and_the_next_good_edit_still_applies()
    {
        _config["ReverseProxy"]!["Clusters"]!["bot"]!["HealthCheck"] = new JsonObject { ["Active"] = new JsonObject { ["Enabled"] = true, ["Interval"] = "often" } };
        await EditAsync("ReverseProxy: YARP cannot read it");
        await PushTextAsync();
        Assert.Single(_bot.Received); // the last good clusters are in force

        // Fixed, and the bot moved to a second address: the edit after the refused one is watched and applied.
        using var movedBot = new TargetStub();
        _config["ReverseProxy"]!["Clusters"]!["bot"] = new JsonObject { ["Destinations"] = new JsonObject { ["d0"] = new JsonObject { ["Address"] = movedBot.Address } } };
        await EditAsync("Configuration reloaded");
        Assert.True(await Eventually.TrueAsync(() => _relay.Services.GetRequiredService<Yarp.ReverseProxy.IProxyStateLookup>().TryGetCluster("bot", out var cluster)
            && cluster.Destinations.Values.Any(d => d.Model.Config.Address == movedBot.Address)), "YARP never applied the cluster edit");
        await PushTextAsync();
        Assert.Single(movedBot.Received);
        Assert.Single(_bot.Received);
        Assert.Equal("Healthy", await _relay.Http.GetStringAsync("/health/ready"));
    }

    [Fact]
    public async Task A_storage_edit_is_not_applied_live_and_says_a_restart_is_needed()
    {
        _config["Relay"]!["Storage"]!["SqlitePath"] = Path.Combine(Path.GetTempPath(), "mprelay-tests", "elsewhere.db");
        _config["Relay"]!["Dedup"] = new JsonObject { ["Capacity"] = 1234 };
        // The restart warning is written while the edit is applied; "Configuration reloaded" once it is in force.
        await EditAsync("Configuration reloaded");
        Assert.Contains(_sink.Lines, l => l.Contains("Relay:Storage\" changed but cannot change while the relay runs", StringComparison.Ordinal));

        var options = _relay.Services.GetRequiredService<RelayModelProvider>().Current.Options;
        Assert.NotEqual(_config["Relay"]!["Storage"]!["SqlitePath"]!.GetValue<string>(), options.Storage.SqlitePath);
        Assert.Equal(1234, options.Dedup.Capacity); // the rest of the edit applied
    }

    private JsonArray Routes() => _config["Relay"]!["Accounts"]!["main"]!["Routes"]!.AsArray();

    private async Task PushTextAsync()
    {
        var answer = await _wechat.PushAsync(_relay.Url("/wechat/main"), Pushes.From().Text("hi", Pushes.NewMsgId()), EncryptionMode.Secure);
        Assert.Equal(200, answer.StatusCode);
    }

    private async Task EditAsync(string expectedLogLine)
    {
        var before = Matching(expectedLogLine);
        await WriteAtomicallyAsync(_config.ToJsonString());
        Assert.True(await Eventually.TrueAsync(() => Matching(expectedLogLine) > before, TimeSpan.FromSeconds(20)),
            $"no log line \"{expectedLogLine}\" after the edit:\n" + string.Join("\n", _sink.Lines.Where(l => l.Contains("onfiguration", StringComparison.Ordinal))));
    }

    private int Matching(string text) => _sink.Lines.Count(l => l.Contains(text, StringComparison.Ordinal));

    private async Task WriteAtomicallyAsync(string json)
    {
        var temporary = _path + ".tmp";
        await File.WriteAllTextAsync(temporary, json);
        File.Move(temporary, _path, overwrite: true);
    }
}
