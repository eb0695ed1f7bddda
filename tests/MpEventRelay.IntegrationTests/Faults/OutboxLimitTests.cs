using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MpEventRelay.Delivery;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Outbox;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Simulation;
using Xunit.Abstractions;

namespace MpEventRelay.IntegrationTests.Faults;

/// <summary>A dead target under a bounded load: the outbox stops at its limit and the worker stays calm.</summary>
[Collection(TimingCollection.Name)]
public sealed class OutboxLimitTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_outbox_stops_at_its_limit_the_worker_idles_and_everything_accepted_is_delivered_later()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        bot.AnswerWith(_ => (503, "down"u8.ToArray()));
        var config = RelayConfig.ModeTwo(idaas, bot).FastRetries()
            .Set("Outbox", new JsonObject { ["PollInterval"] = "00:00:00.1", ["RetryBaseDelay"] = "00:00:00.01", ["RetryMaxDelay"] = "00:00:00.02", ["Expiry"] = "00:10:00", ["MaxPendingPerTarget"] = 100 });
        await using var relay = await RelayServer.StartAsync(config.ToJson());
        var wechat = new WeChatPushClient(relay.Http, Keys.Account);
        var accepted = new List<byte[]>();
        var refused = 0;

        for (var i = 0; i < 130; i++)
        {
            var message = Pushes.From().Text($"to a dead bot {i}", Pushes.NewMsgId());
            var answer = await wechat.PushAsync(relay.Url("/wechat/main"), message, EncryptionMode.Secure);
            Assert.True(answer.StatusCode is 200 or 503);
            if (answer.StatusCode == 200)
            {
                accepted.Add(message);
            }
            else
            {
                refused++;
            }
        }

        var outbox = relay.Services.GetRequiredService<DeliveryOutbox>();
        var pending = (await outbox.Stores[0].StatsAsync(CancellationToken.None)).Pending;
        output.WriteLine($"130 pushes to a dead bot, limit 100: {accepted.Count} accepted, {refused} refused with 503; {pending} pending");
        Assert.InRange(accepted.Count, 100, 102); // the limit, give or take the pushes in the worker's last count
        Assert.Equal(accepted.Count, pending);

        // Everything pending is retried against a dead bot: a calm worker ends each cycle with a poll wait (100 ms),
        // so ten cycles hold nine full waits (900 ms; nothing new arrives to wake it); a spinning one runs them back to
        // back, as fast as 64 failing deliveries a batch allow (measured: about 700 ms here).
        var worker = relay.Services.GetServices<IHostedService>().OfType<OutboxWorker>().Single();
        var cyclesBefore = worker.Cycles;
        var receivedBefore = bot.Received.Count;
        var window = Stopwatch.StartNew();
        Assert.True(await Eventually.TrueAsync(() => worker.Cycles - cyclesBefore >= 10, TimeSpan.FromSeconds(30)));
        window.Stop();
        output.WriteLine($"10 worker cycles while {pending} deliveries retry against a dead bot: {window.Elapsed.TotalMilliseconds:0} ms, {bot.Received.Count - receivedBefore} attempts (poll interval 100 ms)");
        Assert.True(window.Elapsed >= TimeSpan.FromMilliseconds(900), $"10 cycles in {window.Elapsed.TotalMilliseconds:0} ms: the worker spins");
        Assert.True(bot.Received.Count > receivedBefore, "the pending deliveries were retried meanwhile");

        bot.AnswerWith(_ => (200, "success"u8.ToArray()));
        Assert.True(await Eventually.TrueAsync(() => DeliveryCount.Of(accepted, bot.Accepted, Keys.Bot).Delivered == accepted.Count, TimeSpan.FromSeconds(20)));
        Assert.Equal(0, DeliveryCount.Of(accepted, bot.Accepted, Keys.Bot).Duplicated);
    }
}
