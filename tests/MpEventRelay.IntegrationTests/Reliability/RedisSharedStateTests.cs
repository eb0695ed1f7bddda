using Microsoft.Extensions.DependencyInjection;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Outbox;
using MpEventRelay.Protocol;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Protocol.Replies;
using MpEventRelay.Simulation;
using Xunit.Abstractions;

namespace MpEventRelay.IntegrationTests.Reliability;

/// <summary>Several replicas behind a load balancer, sharing a real Redis.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisSharedStateTests(RedisServer redis, ITestOutputHelper output)
{
    [Fact]
    public async Task The_same_push_sent_to_two_relays_is_delivered_once_and_both_get_the_same_answer()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        bot.AnswerWith(push => (200, ReplyWriter.Text(push.Open(Keys.Bot).Message, "one answer", 1714112446)));
        bot.Delay(TimeSpan.FromMilliseconds(300));
        var prefix = $"t{Guid.NewGuid():N}:";
        await using var first = await RelayServer.StartAsync(RelayConfig.ModeTwo(idaas, bot).Redis(redis.Configuration, prefix).ToJson());
        await using var second = await RelayServer.StartAsync(RelayConfig.ModeTwo(idaas, bot).Redis(redis.Configuration, prefix).ToJson());

        var sent = new List<byte[]>();
        for (var i = 0; i < 10; i++)
        {
            var message = Pushes.From().Text($"replicated {i}", Pushes.NewMsgId());
            sent.Add(message);
            var push = PushWriter.Write(PushMessage.Parse(message), Keys.Account, EncryptionMode.Secure, WeChatClock.Timestamp(TimeProvider.System), WeChatClock.Nonce());
            var answers = await Task.WhenAll(
                new WeChatPushClient(first.Http, Keys.Account).SendAsync(first.Url("/wechat/main"), push, encrypted: true),
                new WeChatPushClient(second.Http, Keys.Account).SendAsync(second.Url("/wechat/main"), push, encrypted: true));
            Assert.All(answers, a => Assert.Equal("one answer", a.Reply?.Fields.Content));
        }

        var counts = DeliveryCount.Of(sent, bot.Accepted, Keys.Bot);
        output.WriteLine($"two replicas, each push sent to both at once: {counts}; requests the bot saw: {bot.Received.Count}");
        Assert.Equal(new DeliveryCount(10, 10, 0, 0), counts);
        Assert.Equal(10, bot.Received.Count);
    }

    [Fact]
    public async Task A_retry_reaching_another_replica_later_gets_the_remembered_answer()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        var prefix = $"t{Guid.NewGuid():N}:";
        await using var first = await RelayServer.StartAsync(RelayConfig.ModeTwo(idaas, bot).Redis(redis.Configuration, prefix).ToJson());
        await using var second = await RelayServer.StartAsync(RelayConfig.ModeTwo(idaas, bot).Redis(redis.Configuration, prefix).ToJson());
        var message = Pushes.From().Subscribe("login_shared");

        await new WeChatPushClient(first.Http, Keys.Account).PushAsync(first.Url("/wechat/main"), message, EncryptionMode.Secure);
        await new WeChatPushClient(second.Http, Keys.Account).PushAsync(second.Url("/wechat/main"), message, EncryptionMode.Plaintext);

        Assert.Single(idaas.Received);
    }

    [Fact]
    public async Task The_Redis_outbox_delivers_once_the_target_recovers()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        bot.AnswerWith(_ => (503, "down"u8.ToArray()));
        await using var relay = await RelayServer.StartAsync(RelayConfig.ModeTwo(idaas, bot).FastRetries().Redis(redis.Configuration, $"t{Guid.NewGuid():N}:").ToJson());
        var wechat = new WeChatPushClient(relay.Http, Keys.Account);
        var sent = new List<byte[]>();
        for (var i = 0; i < 10; i++)
        {
            sent.Add(Pushes.From().Click($"KEY_{i}"));
            await wechat.PushAsync(relay.Url("/wechat/main"), sent[^1], EncryptionMode.Compatible);
        }

        var stats = await relay.Services.GetRequiredService<RedisOutboxStore>().StatsAsync(CancellationToken.None);
        Assert.Equal(10, stats.Pending);
        bot.AnswerWith(_ => (200, "success"u8.ToArray()));

        // Settled: nothing pending any more, so the counts below are final (a duplicate would already be there).
        var store = relay.Services.GetRequiredService<RedisOutboxStore>();
        Assert.True(await Eventually.TrueAsync(() => store.StatsAsync(CancellationToken.None).GetAwaiter().GetResult().Pending == 0, TimeSpan.FromSeconds(15)));
        Assert.Equal(new DeliveryCount(10, 10, 0, 0), DeliveryCount.Of(sent, bot.Accepted, Keys.Bot));
    }

    [Fact]
    public async Task With_Redis_unreachable_the_relay_keeps_answering_and_delivering_and_says_it_is_not_ready()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        bot.AnswerWith(push => (200, ReplyWriter.Text(push.Open(Keys.Bot).Message, "still here", 1714112446)));
        using var nothingListens = new ClosedPort();
        await using var relay = await RelayServer.StartAsync(RelayConfig.ModeTwo(idaas, bot).Redis($"127.0.0.1:{nothingListens.Port}", "down:").ToJson());
        var wechat = new WeChatPushClient(relay.Http, Keys.Account);

        var text = await wechat.PushAsync(relay.Url("/wechat/main"), Pushes.From().Text("hello", Pushes.NewMsgId()), EncryptionMode.Secure);
        var login = await wechat.PushAsync(relay.Url("/wechat/main"), Pushes.From().Subscribe("login_x"), EncryptionMode.Secure);

        Assert.Equal("still here", text.Reply?.Fields.Content);
        Assert.Equal(200, login.StatusCode);
        Assert.Single(idaas.Accepted);
        Assert.True(await Eventually.TrueAsync(() => bot.Accepted.Count == 2)); // the text and the login mirror (via the SQLite spill-over)
        Assert.Equal("Degraded", await relay.Http.GetStringAsync("/health/ready")); // serving, on the SQLite spill-over
    }

    [Fact]
    public async Task Two_replicas_on_Redis_send_late_replies_with_one_access_token()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        using var api = new WeChatApiStub();
        bot.AnswerWith(push => (200, ReplyWriter.Text(push.Open(Keys.Bot).Message, "late", 1714112446)));
        bot.Delay(TimeSpan.FromSeconds(3));
        var prefix = $"t{Guid.NewGuid():N}:";
        string Config() => RelayConfig.ModeTwo(idaas, bot).WeChatApi(api, attemptTimeout: "00:00:04").Set("Deadline", "00:00:02").Redis(redis.Configuration, prefix).ToJson();
        await using var first = await RelayServer.StartAsync(Config());
        await using var second = await RelayServer.StartAsync(Config());

        // Both replicas need a token at about the same time: one fetches it, the other reads it from Redis.
        await Task.WhenAll(
            new WeChatPushClient(first.Http, Keys.Account).PushAsync(first.Url("/wechat/main"), Pushes.From().Text("to the first", Pushes.NewMsgId()), EncryptionMode.Secure),
            new WeChatPushClient(second.Http, Keys.Account).PushAsync(second.Url("/wechat/main"), Pushes.From().Text("to the second", Pushes.NewMsgId()), EncryptionMode.Secure));

        Assert.True(await Eventually.TrueAsync(() => api.Sent.Count == 2, TimeSpan.FromSeconds(15)));
        Assert.Single(api.TokenRequests);
        Assert.All(api.Sent, call => Assert.Equal("token-1", call.AccessToken));
    }
}
