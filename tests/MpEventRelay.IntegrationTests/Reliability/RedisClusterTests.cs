using System.Diagnostics;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Simulation;
using Xunit.Abstractions;

namespace MpEventRelay.IntegrationTests.Reliability;

/// <summary>
/// Two replicas (published-style processes, Production, storage from environment variables) on a real three-master
/// Redis Cluster: dedup across replicas, and an outbox that lives in the cluster, so a replica killed with kill -9
/// leaves its work to the other.
/// </summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterTests(RedisCluster cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task WeChat_retrying_at_the_other_replica_gets_one_delivery()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        var prefix = $"t{Guid.NewGuid():N}:";
        using var first = await StartReplicaAsync(idaas, bot, prefix);
        using var second = await StartReplicaAsync(idaas, bot, prefix);
        using var http = new HttpClient();
        var sent = new List<byte[]>();

        for (var i = 0; i < 20; i++)
        {
            sent.Add(Pushes.From().Text($"retried elsewhere {i}", Pushes.NewMsgId()));
            var push = PushWriter.Write(PushMessage.Parse(sent[^1]), Keys.Account, EncryptionMode.Secure, WeChatClock.Timestamp(TimeProvider.System), WeChatClock.Nonce());
            Assert.Equal(200, (await new WeChatPushClient(http, Keys.Account).SendAsync(first.Url("/wechat/main"), push, encrypted: true)).StatusCode);
            Assert.Equal(200, (await new WeChatPushClient(http, Keys.Account).SendAsync(second.Url("/wechat/main"), push, encrypted: true)).StatusCode);
        }

        var counts = DeliveryCount.Of(sent, bot.Accepted, Keys.Bot);
        output.WriteLine($"Redis Cluster, each push to one replica and its retry to the other: {counts}");
        Assert.Equal(new DeliveryCount(20, 20, 0, 0), counts);
        Assert.DoesNotContain("could not record", first.Output + second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pushes_answered_by_a_replica_killed_with_kill_9_are_delivered_once_by_the_other()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        bot.AnswerWith(_ => (503, "down"u8.ToArray()));
        var prefix = $"t{Guid.NewGuid():N}:";
        var sent = new List<byte[]>();
        using var survivor = await StartReplicaAsync(idaas, bot, prefix);
        using (var doomed = await StartReplicaAsync(idaas, bot, prefix))
        {
            using var http = new HttpClient();
            var wechat = new WeChatPushClient(http, Keys.Account);
            for (var i = 0; i < 30; i++)
            {
                sent.Add(Pushes.From().Text($"before the kill {i}", Pushes.NewMsgId()));
                Assert.Equal(200, (await wechat.PushAsync(doomed.Url("/wechat/main"), sent[^1], EncryptionMode.Secure)).StatusCode);
            }

            // Live in the cluster, not in the replica's own file: the bot lane holds all 30.
            Assert.Equal(30, await OutboxKeys.PendingAsync(cluster.Configuration, prefix));
            Assert.DoesNotContain("could not record", doomed.Output, StringComparison.Ordinal);
            doomed.KillHard();
        }

        var clock = Stopwatch.StartNew();
        bot.AnswerWith(_ => (200, "success"u8.ToArray()));
        Assert.True(await Eventually.TrueAsync(() => DeliveryCount.Of(sent, bot.Accepted, Keys.Bot).Delivered == sent.Count, TimeSpan.FromSeconds(20)), $"the survivor delivered {DeliveryCount.Of(sent, bot.Accepted, Keys.Bot)}");
        var tookOver = clock.Elapsed;
        Assert.True(await Eventually.TrueAsync(() => OutboxKeys.PendingAsync(cluster.Configuration, prefix).Result == 0));
        var counts = DeliveryCount.Of(sent, bot.Accepted, Keys.Bot);
        output.WriteLine($"Redis Cluster, 30 pushes answered 200 by a replica killed with kill -9 (lease {Lease.TotalSeconds:0} s): the other delivered {counts} {tookOver.TotalSeconds:0.0} s after the bot came back");
        Assert.Equal(new DeliveryCount(30, 30, 0, 0), counts);
    }

    private Task<RelayProcess> StartReplicaAsync(TargetStub idaas, TargetStub bot, string prefix) =>
        RelayProcess.StartReplicaAsync(RelayConfig.ModeTwo(idaas, bot).FastRetries(Lease), cluster.Configuration, prefix);
}
