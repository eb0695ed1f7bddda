using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Protocol.Simulation;
using MpEventRelay.Tests.Infrastructure;
using Serilog.Core;

namespace MpEventRelay.Tests.Operations;

/// <summary>Edits the configuration file of a running relay.</summary>
public sealed class HotReloadTests
{
    [Fact]
    public async Task A_valid_edit_applies_without_a_restart_and_an_invalid_one_keeps_the_last_good_configuration()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        var sink = new CapturingSink();
        var path = Path.Combine(Path.GetTempPath(), "mprelay-tests", $"reload-{Guid.NewGuid():N}.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var config = RelayConfig.ModeTwo(idaas, bot);
        await File.WriteAllTextAsync(path, config.ToJson());
        await using var relay = await RelayServer.StartFromFileAsync(path, services => services.AddSingleton<ILogEventSink>(sink));
        var wechat = new WeChatPushClient(relay.Http, Keys.Account);

        await wechat.PushAsync(relay.Url("/wechat/main"), Pushes.From().Text("before", Pushes.NewMsgId()), EncryptionMode.Secure);
        Assert.Single(bot.Received);

        // A new first route: text messages now go to the IDaaS target.
        var edited = JsonNode.Parse(config.ToJson())!;
        edited["Relay"]!["Accounts"]!["main"]!["Routes"]!.AsArray().Insert(0, new JsonObject { ["Name"] = "texts", ["Match"] = new JsonObject { ["MsgType"] = "text" }, ["Target"] = "idaas" });
        await File.WriteAllTextAsync(path, edited.ToJsonString());
        Assert.True(await Eventually.TrueAsync(() =>
        {
            wechat.PushAsync(relay.Url("/wechat/main"), Pushes.From().Text("after", Pushes.NewMsgId()), EncryptionMode.Secure).GetAwaiter().GetResult();
            return idaas.Received.Count > 0;
        }, TimeSpan.FromSeconds(15)), "the edited route never applied");

        // A semantically invalid edit (a route to a target that does not exist), then a half-written file.
        // (A second before each edit: the file watcher reports changes, not every write of a burst.)
        await Task.Delay(1000);
        var invalid = JsonNode.Parse(edited.ToJsonString())!;
        invalid["Relay"]!["Accounts"]!["main"]!["Routes"]![0]!["Target"] = "nobody";
        await File.WriteAllTextAsync(path, invalid.ToJsonString());
        Assert.True(await Eventually.TrueAsync(() => sink.Lines.Any(l => l.Contains("Relay:Accounts:main:Routes:0:Target", StringComparison.Ordinal))), "the refused reload was not logged with its problem: " + string.Join("\n", sink.Lines.Where(l => l.Contains("eload", StringComparison.Ordinal))));
        await Task.Delay(1000);
        await File.WriteAllTextAsync(path, "{ \"Relay\": { \"Accounts\": ");
        await Task.Delay(1500);

        var idaasBefore = idaas.Received.Count;
        var answer = await wechat.PushAsync(relay.Url("/wechat/main"), Pushes.From().Text("still routed", Pushes.NewMsgId()), EncryptionMode.Secure);
        Assert.Equal(200, answer.StatusCode);
        Assert.Equal(idaasBefore + 1, idaas.Received.Count); // the last good routes, and YARP's clusters, are still in force
        var ready = await relay.Http.GetStringAsync("/health/ready");
        Assert.Equal("Degraded", ready);
    }
}
