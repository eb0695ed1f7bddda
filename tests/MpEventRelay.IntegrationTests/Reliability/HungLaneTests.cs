using System.Diagnostics;
using System.Text.Json.Nodes;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Simulation;
using Xunit.Abstractions;

namespace MpEventRelay.IntegrationTests.Reliability;

/// <summary>
/// Every target its own lane: retries to a target that accepts connections and never answers fill that target's
/// slots only, and another target's due retries drain as fast as with no hung target at all.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class HungLaneTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_hung_target_with_70_queued_retries_does_not_slow_another_targets_20()
    {
        var alone = await DrainTimeAsync(hungRetries: 0);
        var besideHung = await DrainTimeAsync(hungRetries: 70);
        output.WriteLine($"20 due retries to the bot drained in {alone.TotalMilliseconds:0} ms alone and in {besideHung.TotalMilliseconds:0} ms beside 70 retries to a hung IDaaS (each attempt held 5 s)");
        // 1.5x, and half a second for the sub-second scale of the drain (a batch that waited for the hung attempts took 5 s or more).
        Assert.True(besideHung <= alone * 1.5 + TimeSpan.FromMilliseconds(500), $"{besideHung.TotalMilliseconds:0} ms beside the hung target, {alone.TotalMilliseconds:0} ms alone");
    }

    // Records hungRetries logins for the IDaaS (answering 503), makes it hang, records 20 texts for the bot (down), then
    // brings the bot back and times its 20 deliveries.
    private async Task<TimeSpan> DrainTimeAsync(int hungRetries)
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        idaas.AnswerWith(_ => (503, "down"u8.ToArray()));
        bot.AnswerWith(_ => (503, "down"u8.ToArray()));
        var workDir = RelayProcess.NewWorkDirectory();
        var config = RelayConfig.ModeTwo(idaas, bot).FastRetries().Route("login", "Mirror", new JsonArray())
            .Set("DeliveryTimeout", "00:00:05").SqlitePath(Path.Combine(workDir, "outbox.db")).ToJson();
        using var relay = await RelayProcess.StartAsync(workDir, config);
        using var http = new HttpClient();
        var wechat = new WeChatPushClient(http, Keys.Account);

        for (var i = 0; i < hungRetries; i++)
        {
            Assert.Equal(200, (await wechat.PushAsync(relay.Url("/wechat/main"), Pushes.From().Subscribe($"hung_{i}"), EncryptionMode.Secure)).StatusCode);
        }

        if (hungRetries > 0)
        {
            idaas.AnswerWith(_ => (200, "success"u8.ToArray()));
            idaas.Delay(TimeSpan.FromSeconds(30)); // accepts, never answers within DeliveryTimeout
            var seen = idaas.Received.Count;
            Assert.True(await Eventually.TrueAsync(() => idaas.Received.Count >= seen + 8, TimeSpan.FromSeconds(10)), "the IDaaS lane did not fill");
        }

        var sent = new List<byte[]>();
        for (var i = 0; i < 20; i++)
        {
            sent.Add(Pushes.From().Text($"beside a hung lane {i}", Pushes.NewMsgId()));
            Assert.Equal(200, (await wechat.PushAsync(relay.Url("/wechat/main"), sent[^1], EncryptionMode.Secure)).StatusCode);
        }

        var clock = Stopwatch.StartNew();
        bot.AnswerWith(_ => (200, "success"u8.ToArray()));
        Assert.True(await Eventually.TrueAsync(() => DeliveryCount.Of(sent, bot.Accepted, Keys.Bot).Delivered == sent.Count, TimeSpan.FromSeconds(30)));
        var elapsed = clock.Elapsed;
        Assert.Equal(0, DeliveryCount.Of(sent, bot.Accepted, Keys.Bot).Duplicated);
        idaas.Delay(TimeSpan.Zero);
        return elapsed;
    }
}
