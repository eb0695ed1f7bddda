using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Outbox;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Simulation;

namespace MpEventRelay.IntegrationTests.Faults;

/// <summary>A replier slower than the attempt timeout: sent once, never again by the HTTP layer.</summary>
public sealed class SlowReplierTests
{
    [Fact]
    public async Task A_replier_answering_after_6_s_with_AttemptTimeout_4_s_receives_the_push_once()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        bot.Delay(TimeSpan.FromSeconds(6));
        var config = RelayConfig.ModeTwo(idaas, bot).Set("Resilience", new JsonObject { ["AttemptTimeout"] = "00:00:04", ["MaxRetries"] = 2 });
        await using var relay = await RelayServer.StartAsync(config.ToJson());
        var message = Pushes.From().Text("take your time", Pushes.NewMsgId());

        var answer = await new WeChatPushClient(relay.Http, Keys.Account).PushAsync(relay.Url("/wechat/main"), message, EncryptionMode.Secure);
        Assert.Equal("success", Encoding.UTF8.GetString(answer.Body)); // the deadline passed; the delivery went on

        // Settled: the record made at the deadline is completed once the bot's answer arrives.
        var outbox = relay.Services.GetRequiredService<DeliveryOutbox>();
        var pending = -1L;
        Assert.True(await Eventually.TrueAsync(() => bot.Accepted.Count == 1 && (pending = PendingAsync(outbox).GetAwaiter().GetResult()) == 0, TimeSpan.FromSeconds(20)),
            $"bot accepted {bot.Accepted.Count}; pending {pending}");
        Assert.Single(bot.Received);
    }

    private static async Task<long> PendingAsync(DeliveryOutbox outbox) => (await outbox.Stores[0].StatsAsync(CancellationToken.None)).Pending;
}
