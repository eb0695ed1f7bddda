using System.Diagnostics;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Simulation;
using Xunit.Abstractions;

namespace MpEventRelay.IntegrationTests.Reliability;

/// <summary>
/// Two replicas (their own processes, Production, storage from environment variables) on a Sentinel set-up started
/// by the test: the primary killed with kill -9 while pushes flow to both, the sentinel promotes the replica, and
/// every push answered 200 reaches the bot once.
/// </summary>
public sealed class RedisSentinelTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task The_primary_killed_while_pushes_flow_loses_no_push_answered_200()
    {
        using var redis = await RedisSentinelSet.StartAsync();
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        bot.AnswerWith(_ => (503, "down"u8.ToArray())); // every push becomes an outbox record in Redis
        var prefix = $"t{Guid.NewGuid():N}:";
        using var first = await RelayProcess.StartReplicaAsync(RelayConfig.ModeTwo(idaas, bot).FastRetries(Lease), redis.Configuration, prefix);
        using var second = await RelayProcess.StartReplicaAsync(RelayConfig.ModeTwo(idaas, bot).FastRetries(Lease), redis.Configuration, prefix);
        using var http = new HttpClient();
        var wechat = new WeChatPushClient(http, Keys.Account);

        var answered = new List<byte[]>();
        var refused = 0;
        var clock = Stopwatch.StartNew();
        TimeSpan killedAt = default, promotedAt = default;
        var afterPromotion = 0;
        for (var i = 0; afterPromotion < 20 && clock.Elapsed < TimeSpan.FromSeconds(60); i++)
        {
            if (i == 20)
            {
                redis.Primary.KillHard();
                killedAt = clock.Elapsed;
            }

            if (promotedAt != default)
            {
                afterPromotion++;
            }
            else if (i > 20 && redis.ReplicaPromoted())
            {
                promotedAt = clock.Elapsed;
            }

            var push = Pushes.From().Text($"through a failover {i}", Pushes.NewMsgId());
            var relay = i % 2 == 0 ? first : second;
            if ((await wechat.PushAsync(relay.Url("/wechat/main"), push, EncryptionMode.Secure)).StatusCode == 200)
            {
                answered.Add(push);
            }
            else
            {
                refused++; // WeChat would retry it: not a promise
            }
        }

        Assert.NotEqual(default, promotedAt);
        bot.AnswerWith(_ => (200, "success"u8.ToArray()));
        Assert.True(await Eventually.TrueAsync(() => DeliveryCount.Of(answered, bot.Accepted, Keys.Bot).Delivered == answered.Count, TimeSpan.FromSeconds(30)), $"{DeliveryCount.Of(answered, bot.Accepted, Keys.Bot)}");
        Assert.True(await Eventually.TrueAsync(() => OutboxKeys.PendingAsync(redis.Configuration, prefix).Result == 0, TimeSpan.FromSeconds(15)));

        var counts = DeliveryCount.Of(answered, bot.Accepted, Keys.Bot);
        output.WriteLine($"Sentinel, primary killed with kill -9 after 20 pushes, replica promoted {(promotedAt - killedAt).TotalSeconds:0.0} s later, 20 more after that: {answered.Count} answered 200 ({refused} not), {counts}");
        Assert.Equal(new DeliveryCount(answered.Count, answered.Count, 0, 0), counts);
        Assert.True(answered.Count >= 40, $"only {answered.Count} pushes were answered 200");
    }
}
