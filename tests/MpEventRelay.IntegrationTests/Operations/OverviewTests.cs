using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Simulation;

namespace MpEventRelay.IntegrationTests.Operations;

/// <summary>The overview an operator reads first does not call a destination healthy while the relay's circuit keeps deliveries off it.</summary>
public sealed class OverviewTests
{
    private const string AdminKey = "overview-admin-key-0123456789abcdef";

    [Fact]
    public async Task A_destination_whose_circuit_is_open_is_shown_unhealthy()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        bot.AnswerWith(_ => (503, "down"u8.ToArray()));
        var config = RelayConfig.ModeTwo(idaas, bot).FastRetries().AdminKey(AdminKey)
            .Set("Resilience", new JsonObject
            {
                ["MaxRetries"] = 0,
                ["AttemptTimeout"] = "00:00:01",
                ["FailureRatio"] = 0.5,
                ["MinimumThroughput"] = 2,
                ["SamplingDuration"] = "00:00:30",
                ["BreakDuration"] = "00:01:00",
            });
        await using var relay = await RelayServer.StartAsync(config.ToJson());
        relay.Http.DefaultRequestHeaders.Add("X-Admin-Key", AdminKey);
        var wechat = new WeChatPushClient(relay.Http, Keys.Account);
        for (var i = 0; i < 3; i++)
        {
            await wechat.PushAsync(relay.Url("/wechat/main"), Pushes.From().Text($"to a dead bot {i}", Pushes.NewMsgId()), EncryptionMode.Secure);
        }

        JsonElement destination = default;
        Assert.True(await Eventually.TrueAsync(() => (destination = Bot(relay.Http.GetFromJsonAsync<JsonElement>("/admin/overview").Result)).GetProperty("circuit").GetString() == "open"), destination.ToString());

        Assert.Equal("unhealthy", destination.GetProperty("health").GetString()); // YARP still calls it healthy: no active checks here
    }

    private static JsonElement Bot(JsonElement overview) =>
        overview.GetProperty("accounts")[0].GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "bot").GetProperty("destinations")[0];
}
