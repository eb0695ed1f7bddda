using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Simulation;
using Xunit.Abstractions;

namespace MpEventRelay.IntegrationTests.Reliability;

[Collection(TimingCollection.Name)]
public sealed class HungTargetTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_hung_target_opens_its_circuit_WeChat_is_answered_in_time_and_everything_is_delivered_when_it_recovers()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        bot.Delay(TimeSpan.FromSeconds(20));
        // A 2 s deadline leaves the outbox write its full 0.5 s budget (a shorter one left 0.125 s: a loaded CI machine
        // missed it once in 14 runs and the push got a 503). The relay waits for the bot's reply until the deadline less
        // that budget, then answers: every answer must come before the deadline.
        var deadline = TimeSpan.FromSeconds(2);
        var config = RelayConfig.ModeTwo(idaas, bot).FastRetries()
            .Set("Deadline", deadline.ToString())
            .Set("DeliveryTimeout", "00:00:02")
            .Set("Resilience", new JsonObject
            {
                ["MaxRetries"] = 0,
                ["AttemptTimeout"] = "00:00:00.3",
                ["FailureRatio"] = 0.5,
                ["MinimumThroughput"] = 2,
                ["SamplingDuration"] = "00:00:10",
                ["BreakDuration"] = "00:00:02",
            });
        await using var relay = await RelayServer.StartAsync(config.ToJson());
        var wechat = new WeChatPushClient(relay.Http, Keys.Account);
        // Warm-up through the healthy IDaaS route: this test is about a hung target, not about a cold process's JIT.
        await wechat.PushAsync(relay.Url("/wechat/main"), Pushes.From().Scan("warm-up"), EncryptionMode.Secure);
        var sent = new List<byte[]>();
        var slowest = TimeSpan.Zero;

        for (var i = 0; i < 8; i++)
        {
            sent.Add(Pushes.From().Text($"while hung {i}", Pushes.NewMsgId()));
            var clock = Stopwatch.StartNew();
            var answer = await wechat.PushAsync(relay.Url("/wechat/main"), sent[^1], EncryptionMode.Secure);
            slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
            Assert.Equal("success", Encoding.UTF8.GetString(answer.Body));
        }

        // Two timed-out attempts open the circuit: later pushes (and the outbox's retries) fail fast, not at the bot.
        var seenWhileOpen = bot.Received.Count;
        output.WriteLine($"8 pushes to a hung bot: slowest answer to WeChat {slowest.TotalMilliseconds:0} ms; attempts that reached the bot: {seenWhileOpen}");
        Assert.True(slowest < deadline, $"slowest answer {slowest}, deadline {deadline}");
        Assert.True(seenWhileOpen < sent.Count, $"the bot saw {seenWhileOpen} attempts for {sent.Count} pushes: the circuit did not open");

        bot.Delay(TimeSpan.Zero);
        Assert.True(await Eventually.TrueAsync(() => DeliveryCount.Of(sent, bot.Accepted, Keys.Bot).Delivered == sent.Count, TimeSpan.FromSeconds(20)));
        var counts = DeliveryCount.Of(sent, bot.Accepted, Keys.Bot);
        output.WriteLine($"after recovery: {counts}");
        Assert.Equal(0, counts.Lost);
    }
}
