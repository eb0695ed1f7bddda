using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Simulation;
using Xunit.Abstractions;

namespace MpEventRelay.IntegrationTests.Reliability;

/// <summary>
/// What a replica recorded in its own fall-back file while Redis was down does not stay there: once Redis is back it
/// moves to Redis, so when that replica then dies (kill -9) another one delivers it.
/// </summary>
public sealed class FallbackHandOverTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Pushes_recorded_locally_while_Redis_was_down_are_delivered_by_the_other_replica_after_this_one_dies()
    {
        using var redis = OwnRedisServer.Start();
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        bot.AnswerWith(_ => (503, "down"u8.ToArray()));
        var prefix = $"t{Guid.NewGuid():N}:";
        using var survivor = await RelayProcess.StartReplicaAsync(RelayConfig.ModeTwo(idaas, bot).FastRetries(Lease), redis.Configuration, prefix);
        using var http = new HttpClient();
        var wechat = new WeChatPushClient(http, Keys.Account);
        var sent = new List<byte[]>();
        using (var doomed = await RelayProcess.StartReplicaAsync(RelayConfig.ModeTwo(idaas, bot).FastRetries(Lease), redis.Configuration, prefix))
        {
            redis.KillHard();
            for (var i = 0; i < 20; i++)
            {
                sent.Add(Pushes.From().Text($"while Redis is down {i}", Pushes.NewMsgId()));
                Assert.Equal(200, (await wechat.PushAsync(doomed.Url("/wechat/main"), sent[^1], EncryptionMode.Secure)).StatusCode);
            }

            var metrics = await PrometheusText.ScrapeAsync(http, doomed);
            Assert.True(20 == metrics.GetValueOrDefault("mprelay_outbox_fallback_total{store=\"sqlite\"}"), string.Join("\n", metrics.Where(m => m.Key.StartsWith("mprelay_outbox", StringComparison.Ordinal))));

            redis.Restart();
            Assert.True(await Eventually.TrueAsync(
                () => (metrics = PrometheusText.ScrapeAsync(http, doomed).Result).GetValueOrDefault("mprelay_outbox_moved_total") == 20
                    && metrics.GetValueOrDefault("mprelay_outbox_pending{store=\"sqlite\"}", -1) == 0,
                TimeSpan.FromSeconds(20)), string.Join("\n", metrics.Where(m => m.Key.StartsWith("mprelay_outbox", StringComparison.Ordinal))));
            Assert.Equal(20, await OutboxKeys.PendingAsync(redis.Configuration, prefix));
            doomed.KillHard();
        }

        bot.AnswerWith(_ => (200, "success"u8.ToArray()));
        Assert.True(await Eventually.TrueAsync(() => DeliveryCount.Of(sent, bot.Accepted, Keys.Bot).Delivered == sent.Count, TimeSpan.FromSeconds(20)), $"{DeliveryCount.Of(sent, bot.Accepted, Keys.Bot)}");
        Assert.True(await Eventually.TrueAsync(() => OutboxKeys.PendingAsync(redis.Configuration, prefix).Result == 0));
        var counts = DeliveryCount.Of(sent, bot.Accepted, Keys.Bot);
        output.WriteLine($"20 pushes recorded in the fall-back while Redis was down, moved to Redis once it was back, that replica killed: the other delivered {counts}");
        Assert.Equal(new DeliveryCount(20, 20, 0, 0), counts);
    }
}
