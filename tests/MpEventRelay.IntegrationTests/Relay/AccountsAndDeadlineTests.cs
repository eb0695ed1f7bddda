using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Outbox;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Protocol.Replies;
using MpEventRelay.Simulation;

namespace MpEventRelay.IntegrationTests.Relay;

[Collection(TimingCollection.Name)]
public sealed class AccountsAndDeadlineTests
{
    [Fact]
    public async Task A_second_account_on_another_path_uses_its_own_keys_and_routes()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        using var otherBot = new TargetStub();
        var otherKeys = new WeChatKeys("otherToken", new Protocol.Crypto.WeChatCryptor("wx5823bf96d3bd56c7", Keys.IdaasKey));
        var config = RelayConfig.ModeTwo(idaas, bot).Cluster("other-bot", otherBot.Address)
            .Account("second", "/wechat/second",
                new JsonObject { ["bot"] = new JsonObject { ["Cluster"] = "other-bot", ["Token"] = "otherBotToken", ["Encryption"] = "Plaintext" } },
                new JsonArray(new JsonObject { ["Name"] = "all", ["Target"] = "bot" }),
                token: "otherToken", key: Keys.IdaasKey, appId: "wx5823bf96d3bd56c7");
        await using var relay = await RelayServer.StartAsync(config.ToJson());

        var answer = await new WeChatPushClient(relay.Http, otherKeys).PushAsync(relay.Url("/wechat/second"), Pushes.From().Subscribe("x"), EncryptionMode.Secure);
        var refused = await new WeChatPushClient(relay.Http, Keys.Account).PushAsync(relay.Url("/wechat/second"), Pushes.From().Subscribe("x"), EncryptionMode.Secure);

        Assert.Equal(200, answer.StatusCode);
        Assert.Equal(401, refused.StatusCode);
        var received = Assert.Single(otherBot.Received);
        Assert.Equal(EncryptionMode.Plaintext, received.Open(new WeChatKeys("otherBotToken", null)).Mode);
        Assert.Empty(idaas.Received);
        Assert.Empty(bot.Received);
    }

    [Fact]
    public async Task A_slow_replier_still_lets_WeChat_have_success_in_time_and_a_retry_gets_the_late_reply()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        bot.AnswerWith(push => (200, ReplyWriter.Text(push.Open(Keys.Bot).Message, "late but here", 1714112446)));
        bot.Delay(TimeSpan.FromSeconds(3.5));
        // Deadline 2 s: the record made at the deadline gets the store's production budget (0.5 s; 0.5 s gave it 0.125 s).
        var config = RelayConfig.ModeTwo(idaas, bot).Set("Deadline", "00:00:02");
        await using var relay = await RelayServer.StartAsync(config.ToJson());
        var wechat = new WeChatPushClient(relay.Http, Keys.Account);
        var message = Pushes.From().Text("slow", Pushes.NewMsgId());

        var clock = Stopwatch.StartNew();
        var first = await wechat.PushAsync(relay.Url("/wechat/main"), message, EncryptionMode.Secure);
        var firstTook = clock.Elapsed;
        Assert.Equal("success", Encoding.UTF8.GetString(first.Body));
        Assert.True(firstTook < TimeSpan.FromSeconds(3), $"first answer took {firstTook}");

        // WeChat's retries (the same message) until the late reply is there: each is answered from the first attempt.
        string? reply = null;
        Assert.True(await Eventually.TrueAsync(() => (reply = wechat.PushAsync(relay.Url("/wechat/main"), message, EncryptionMode.Secure).GetAwaiter().GetResult().Reply?.Fields.Content) is not null, TimeSpan.FromSeconds(15)));
        Assert.Equal("late but here", reply);
        Assert.Single(bot.Received);
    }

    [Fact]
    public async Task A_hung_target_costs_the_request_nothing_past_the_deadline_and_its_delivery_is_kept()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        bot.Delay(TimeSpan.FromSeconds(30)); // accepts the connection, never answers in time: the deadline path runs
        var config = RelayConfig.ModeTwo(idaas, bot).Set("Deadline", "00:00:01").Set("DeliveryTimeout", "00:00:03");
        await using var relay = await RelayServer.StartAsync(config.ToJson());
        var wechat = new WeChatPushClient(relay.Http, Keys.Account);
        await wechat.PushAsync(relay.Url("/wechat/main"), Pushes.From().Scan("warm-up"), EncryptionMode.Secure); // JIT, not the bot

        var clock = Stopwatch.StartNew();
        var answer = await wechat.PushAsync(relay.Url("/wechat/main"), Pushes.From().Text("x", Pushes.NewMsgId()), EncryptionMode.Secure);

        Assert.Equal("success", Encoding.UTF8.GetString(answer.Body));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1.5), $"took {clock.Elapsed}");
        Assert.Single(bot.Received, p => p.Open(Keys.Bot).Message.MsgType == "text"); // it was sent, and is still in flight
        var outbox = relay.Services.GetRequiredService<DeliveryOutbox>();
        // Durable before WeChat had its answer: the text, and the warm-up's mirror copy (also in flight at the bot).
        Assert.Equal(2, (await outbox.Stores[0].StatsAsync(CancellationToken.None)).Pending);
    }

    [Fact]
    public async Task A_target_that_never_answers_is_given_up_at_the_delivery_timeout_not_when_it_answers()
    {
        const string adminKey = "delivery-timeout-admin-key-01234567";
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        bot.Delay(TimeSpan.FromSeconds(30)); // accepts, answers long after the delivery's bound
        var config = RelayConfig.ModeTwo(idaas, bot).AdminKey(adminKey).SqlitePath(Path.Combine(RelayProcess.NewWorkDirectory(), "outbox.db"))
            .Set("Deadline", "00:00:01").Set("DeliveryTimeout", "00:00:02");
        await using var relay = await RelayServer.StartAsync(config.ToJson());
        relay.Http.DefaultRequestHeaders.Add("X-Admin-Key", adminKey);
        var wechat = new WeChatPushClient(relay.Http, Keys.Account);
        var msgId = Pushes.NewMsgId();

        var clock = Stopwatch.StartNew();
        Assert.Equal(200, (await wechat.PushAsync(relay.Url("/wechat/main"), Pushes.From().Text("never answered", msgId), EncryptionMode.Secure)).StatusCode);

        // The attempt's failure is in the trail once the 2 s bound ends it; without the bound it would wait for the bot's 30 s.
        string? error = null;
        Assert.True(await Eventually.TrueAsync(() => (error = TimedOutDelivery(relay, msgId)) is not null, TimeSpan.FromSeconds(10)), "no delivery to the bot ended within 10 s");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Contains("no answer within the delivery timeout (00:00:02)", error, StringComparison.Ordinal);
        bot.Delay(TimeSpan.Zero);
    }

    private static string? TimedOutDelivery(RelayServer relay, long msgId) =>
        relay.Http.GetFromJsonAsync<JsonElement[]>($"/admin/trail?msgid={msgId}").GetAwaiter().GetResult()!
            .SelectMany(t => t.GetProperty("events").EnumerateArray())
            .Where(e => e.GetProperty("kind").GetString() == "delivery" && e.GetProperty("target").GetString() == "bot" && e.TryGetProperty("error", out _))
            .Select(e => e.GetProperty("error").GetString())
            .FirstOrDefault();
}
