using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Simulation;
using Xunit.Abstractions;

namespace MpEventRelay.IntegrationTests.Reliability;

/// <summary>The relay as its own process, killed with SIGKILL and started again on the same outbox file.</summary>
public sealed class KillNineTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Deliveries_pending_when_the_relay_is_killed_complete_after_restart()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        bot.AnswerWith(_ => (503, "down"u8.ToArray()));
        var workDir = RelayProcess.NewWorkDirectory();
        // Deliveries in flight at the kill wait out their lease (DeliveryTimeout + 5 s) before the restart retries them.
        var config = RelayConfig.ModeTwo(idaas, bot).FastRetries().Set("DeliveryTimeout", "00:00:05").SqlitePath(Path.Combine(workDir, "outbox.db")).ToJson();
        var sent = new List<byte[]>();

        using (var relay = await RelayProcess.StartAsync(workDir, config))
        {
            using var http = new HttpClient();
            var wechat = new WeChatPushClient(http, Keys.Account);
            for (var i = 0; i < 10; i++)
            {
                sent.Add(Pushes.From().Text($"before the crash {i}", Pushes.NewMsgId()));
                var answer = await wechat.PushAsync(relay.Url("/wechat/main"), sent[^1], EncryptionMode.Secure);
                Assert.Equal(200, answer.StatusCode);
            }

            relay.KillHard();
        }

        Assert.Equal(0, DeliveryCount.Of(sent, bot.Accepted, Keys.Bot).Delivered);
        bot.AnswerWith(_ => (200, "success"u8.ToArray()));
        using var restarted = await RelayProcess.StartAsync(workDir, config);

        Assert.True(await Eventually.TrueAsync(() => DeliveryCount.Of(sent, bot.Accepted, Keys.Bot).Delivered == sent.Count, TimeSpan.FromSeconds(20)));
        var counts = DeliveryCount.Of(sent, bot.Accepted, Keys.Bot);
        output.WriteLine($"kill -9 with the bot down, restart, bot back: {counts}");
        Assert.Equal(new DeliveryCount(10, 10, 0, 0), counts);
    }

    [Fact]
    public async Task A_delivery_in_flight_past_the_deadline_survives_kill_9()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        bot.Delay(TimeSpan.FromSeconds(30)); // hung
        var workDir = RelayProcess.NewWorkDirectory();
        var config = RelayConfig.ModeTwo(idaas, bot).FastRetries().SqlitePath(Path.Combine(workDir, "outbox.db"))
            .Set("Deadline", "00:00:02").Set("DeliveryTimeout", "00:00:02").ToJson(); // 2 s: the outbox write keeps its 0.5 s budget
        var message = Pushes.From().Text("in flight", Pushes.NewMsgId());

        using (var relay = await RelayProcess.StartAsync(workDir, config))
        {
            using var http = new HttpClient();
            var answer = await new WeChatPushClient(http, Keys.Account).PushAsync(relay.Url("/wechat/main"), message, EncryptionMode.Secure);
            Assert.Equal("success", System.Text.Encoding.UTF8.GetString(answer.Body));
            relay.KillHard(); // WeChat has its answer; the bot has not answered yet
        }

        bot.Delay(TimeSpan.Zero);
        using var restarted = await RelayProcess.StartAsync(workDir, config);

        // The record made at the deadline becomes due DeliveryTimeout + 5 s after it was made.
        Assert.True(await Eventually.TrueAsync(() => DeliveryCount.Of([message], bot.Accepted, Keys.Bot).Delivered == 1, TimeSpan.FromSeconds(20)));
        var keys = bot.Received.Select(p => p.Headers["Idempotency-Key"]).Distinct().ToList();
        output.WriteLine($"in flight at kill -9: the bot saw {bot.Received.Count} attempt(s), {bot.Accepted.Count} answered, one Idempotency-Key");
        Assert.Single(keys);
    }
}
