using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Simulation;
using Xunit.Abstractions;

namespace MpEventRelay.IntegrationTests.Reliability;

/// <summary>
/// What a Redis restart costs the promise "a 200 is delivered or durable", with the relay as an operator runs it (its
/// own process, Production, Redis from the environment) and a Redis of the test's own, killed with kill -9.
/// </summary>
public sealed class RedisDurabilityTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_Redis_without_AOF_is_named_in_a_warning_and_a_metric_and_with_the_opt_in_readiness_is_degraded()
    {
        using var redis = OwnRedisServer.Start(); // --appendonly no: Redis's default
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        using var relay = await StartAsync(idaas, bot, redis, new Dictionary<string, string> { ["Relay__Storage__RequireDurableRedis"] = "true" });
        using var http = new HttpClient();

        Assert.True(await Eventually.TrueAsync(() => relay.Output.Contains("may lose pushes already answered 200 if it restarts: appendonly no", StringComparison.Ordinal), TimeSpan.FromSeconds(15)), relay.Output);
        var metrics = await http.GetStringAsync(new Uri(relay.ManagementAddress, "/metrics"));
        var line = metrics.Split('\n').Single(l => l.StartsWith("mprelay_redis_durability{", StringComparison.Ordinal));
        var ready = await http.GetStringAsync(new Uri(relay.ManagementAddress, "/health/ready"));
        output.WriteLine($"Redis with appendonly no: {line}; /health/ready with Storage:RequireDurableRedis: {ready}");
        Assert.EndsWith(" 0", line.Trim(), StringComparison.Ordinal);
        Assert.Equal("Degraded", ready);
    }

    [Fact]
    public async Task With_appendfsync_always_30_pending_deliveries_survive_Redis_killed_with_kill_9_and_are_delivered_once()
    {
        var directory = Path.Combine(Path.GetTempPath(), "mprelay-tests", "aof-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        using var redis = OwnRedisServer.Start("--save \"\" --appendonly yes --appendfsync always", directory);
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        bot.AnswerWith(_ => (503, "down"u8.ToArray()));
        using var relay = await StartAsync(idaas, bot, redis, new Dictionary<string, string> { ["Relay__Storage__RequireDurableRedis"] = "true" });
        using var http = new HttpClient();
        var wechat = new WeChatPushClient(http, Keys.Account);
        Assert.True(await Eventually.TrueAsync(() => http.GetStringAsync(new Uri(relay.ManagementAddress, "/health/ready")).Result == "Healthy", TimeSpan.FromSeconds(15)), await http.GetStringAsync(new Uri(relay.ManagementAddress, "/health/ready")) + relay.Output);

        var sent = new List<byte[]>();
        for (var i = 0; i < 30; i++)
        {
            sent.Add(Pushes.From().Text($"before Redis dies {i}", Pushes.NewMsgId()));
            Assert.Equal(200, (await wechat.PushAsync(relay.Url("/wechat/main"), sent[^1], EncryptionMode.Secure)).StatusCode);
        }

        Assert.Equal(30, await OutboxKeys.PendingAsync(redis.Configuration, Prefix));
        redis.KillHard();
        redis.Restart();
        Assert.Equal(30, await OutboxKeys.PendingAsync(redis.Configuration, Prefix));
        bot.AnswerWith(_ => (200, "success"u8.ToArray()));

        Assert.True(await Eventually.TrueAsync(() => DeliveryCount.Of(sent, bot.Accepted, Keys.Bot).Delivered == sent.Count, TimeSpan.FromSeconds(30)), $"{DeliveryCount.Of(sent, bot.Accepted, Keys.Bot)}");
        Assert.True(await Eventually.TrueAsync(() => OutboxKeys.PendingAsync(redis.Configuration, Prefix).Result == 0));
        var counts = DeliveryCount.Of(sent, bot.Accepted, Keys.Bot);
        output.WriteLine($"appendfsync always, Redis killed with kill -9 and restarted with 30 pending: {counts}");
        Assert.Equal(new DeliveryCount(30, 30, 0, 0), counts);
        Assert.DoesNotContain("may lose pushes already answered 200", relay.Output, StringComparison.Ordinal);
    }

    private const string Prefix = "durability:";

    private static Task<RelayProcess> StartAsync(TargetStub idaas, TargetStub bot, OwnRedisServer redis, Dictionary<string, string> environment) =>
        RelayProcess.StartReplicaAsync(RelayConfig.ModeTwo(idaas, bot).FastRetries(), redis.Configuration, Prefix, environment);
}
