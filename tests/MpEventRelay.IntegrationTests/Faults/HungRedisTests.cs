using System.Diagnostics;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Protocol.Replies;
using MpEventRelay.Simulation;
using Xunit.Abstractions;

namespace MpEventRelay.IntegrationTests.Faults;

/// <summary>Redis stopped with SIGSTOP mid-run (accepts connections, never answers), then continued.</summary>
[Collection(TimingCollection.Name)]
public sealed class HungRedisTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_push_is_delivered_once_and_answered_inside_the_deadline()
    {
        using var redis = OwnRedisServer.Start();
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        bot.AnswerWith(push => (200, ReplyWriter.Text(push.Open(Keys.Bot).Message, "hello back", 1714112446)));
        var sqlite = Path.Combine(Path.GetTempPath(), "mprelay-tests", Guid.NewGuid().ToString("N") + ".db");
        await using var relay = await RelayServer.StartAsync(RelayConfig.ModeTwo(idaas, bot).SqlitePath(sqlite, redis.Configuration).ToJson());
        var wechat = new WeChatPushClient(relay.Http, Keys.Account);
        var texts = new List<byte[]>();
        var logins = new List<byte[]>();
        var slowest = TimeSpan.Zero;

        async Task PushAsync(byte[] message, bool expectReply)
        {
            var clock = Stopwatch.StartNew();
            var answer = await wechat.PushAsync(relay.Url("/wechat/main"), message, EncryptionMode.Secure);
            slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
            Assert.Equal(200, answer.StatusCode);
            if (expectReply)
            {
                Assert.Equal("hello back", answer.Reply?.Fields.Content);
            }
        }

        for (var i = 0; i < 5; i++)
        {
            texts.Add(Pushes.From().Text($"before {i}", Pushes.NewMsgId()));
            await PushAsync(texts[^1], expectReply: true);
        }

        redis.Hang();
        for (var i = 0; i < 10; i++)
        {
            texts.Add(Pushes.From().Text($"while hung {i}", Pushes.NewMsgId()));
            await PushAsync(texts[^1], expectReply: true);
            logins.Add(Pushes.From().Subscribe($"login_{i}"));
            await PushAsync(logins[^1], expectReply: false);
        }

        redis.Resume();
        // WeChat's retries of everything sent while Redis hung: answered, never delivered again.
        foreach (var message in texts.Skip(5).Concat(logins))
        {
            await PushAsync(message, expectReply: false);
        }

        Assert.True(await Eventually.TrueAsync(() => DeliveryCount.Of([.. texts, .. logins], bot.Accepted, Keys.Bot).Delivered == texts.Count + logins.Count, TimeSpan.FromSeconds(30)));
        var toBot = DeliveryCount.Of([.. texts, .. logins], bot.Accepted, Keys.Bot);
        var toIdaas = DeliveryCount.Of(logins, idaas.Accepted, Keys.Idaas);
        output.WriteLine($"Redis hung for 20 pushes: bot {toBot}; IDaaS {toIdaas}; slowest answer {slowest.TotalMilliseconds:0} ms");
        Assert.Equal(new DeliveryCount(25, 25, 0, 0), toBot);
        Assert.Equal(new DeliveryCount(10, 10, 0, 0), toIdaas);
        Assert.True(slowest < TimeSpan.FromSeconds(4.5), $"slowest answer {slowest}");
    }
}
