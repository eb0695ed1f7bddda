using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Outbox;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Simulation;
using Xunit.Abstractions;

namespace MpEventRelay.IntegrationTests.Reliability;

/// <summary>Targets that go down: nothing accepted is lost, nothing is delivered twice, expired deliveries can be replayed.</summary>
public sealed class DurableDeliveryTests(ITestOutputHelper output)
{
    private const string AdminKey = "test-admin-key-0123456789abcdefgh";

    [Fact]
    public async Task Target_down_for_a_while_then_back_every_accepted_event_is_delivered_once()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        bot.AnswerWith(_ => (503, "down"u8.ToArray()));
        await using var relay = await RelayServer.StartAsync(RelayConfig.ModeTwo(idaas, bot).FastRetries().ToJson());
        var wechat = new WeChatPushClient(relay.Http, Keys.Account);

        var sent = new List<byte[]>();
        for (var i = 0; i < 20; i++)
        {
            var message = i % 2 == 0 ? Pushes.From().Text($"message {i}", Pushes.NewMsgId()) : Pushes.From().Subscribe($"login_{i}");
            var answer = await wechat.PushAsync(relay.Url("/wechat/main"), message, EncryptionMode.Secure);
            Assert.Equal(HttpStatusCode.OK, (HttpStatusCode)answer.StatusCode);
            sent.Add(message);
        }

        // The outbox retries while the bot is down: at least one retry of every delivery has reached it.
        Assert.True(await Eventually.TrueAsync(() => bot.Received.Count >= 2 * sent.Count), $"the bot saw {bot.Received.Count} attempts");
        bot.AnswerWith(_ => (200, "success"u8.ToArray()));

        // Settled: nothing pending any more, so the counts below are final (a duplicate would already be there).
        var outbox = relay.Services.GetRequiredService<DeliveryOutbox>();
        Assert.True(await Eventually.TrueAsync(() => outbox.Stores[0].StatsAsync(CancellationToken.None).GetAwaiter().GetResult().Pending == 0, TimeSpan.FromSeconds(15)));
        var counts = DeliveryCount.Of(sent, bot.Accepted, Keys.Bot);
        output.WriteLine($"bot down then back: {counts}; failed attempts seen by the bot: {bot.Received.Count - bot.Accepted.Count}");
        Assert.Equal(new DeliveryCount(20, 20, 0, 0), counts);
        Assert.Equal(10, DeliveryCount.Of(sent.Where((_, i) => i % 2 == 1).ToList(), idaas.Accepted, Keys.Idaas).Delivered);
    }

    [Fact]
    public async Task Expired_deliveries_become_dead_letters_which_an_operator_can_list_and_replay()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        bot.AnswerWith(_ => (500, "broken"u8.ToArray()));
        await using var relay = await RelayServer.StartAsync(RelayConfig.ModeTwo(idaas, bot).FastRetries(expiry: "00:00:01").AdminKey(AdminKey).ToJson());
        var wechat = new WeChatPushClient(relay.Http, Keys.Account);
        var sent = new List<byte[]>();
        for (var i = 0; i < 3; i++)
        {
            sent.Add(Pushes.From().Text($"dead {i}", Pushes.NewMsgId()));
            await wechat.PushAsync(relay.Url("/wechat/main"), sent[^1], EncryptionMode.Secure);
        }

        JsonElement[] dead = [];
        Assert.True(await Eventually.TrueAsync(() => (dead = ListDeadLetters(relay)).Length == 3, TimeSpan.FromSeconds(10)));
        Assert.All(dead, d => Assert.Equal("bot", d.GetProperty("target").GetString()));
        Assert.DoesNotContain("dead 0", JsonSerializer.Serialize(dead), StringComparison.Ordinal);

        bot.AnswerWith(_ => (200, "success"u8.ToArray()));
        foreach (var letter in dead)
        {
            var replay = await Admin(relay, HttpMethod.Post, $"/admin/dead-letters/{letter.GetProperty("id").GetString()}/replay", AdminKey);
            Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        }

        Assert.True(await Eventually.TrueAsync(() => DeliveryCount.Of(sent, bot.Accepted, Keys.Bot).Delivered == 3));
        Assert.Empty(ListDeadLetters(relay));
        Assert.Equal(HttpStatusCode.NotFound, (await Admin(relay, HttpMethod.Post, "/admin/dead-letters/nope/replay", AdminKey)).StatusCode);
    }

    [Fact]
    public async Task Admin_endpoints_need_the_key_and_do_not_exist_without_one()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        await using var withKey = await RelayServer.StartAsync(RelayConfig.ModeTwo(idaas, bot).AdminKey(AdminKey).ToJson());
        await using var withoutKey = await RelayServer.StartAsync(RelayConfig.ModeTwo(idaas, bot).ToJson());

        Assert.Equal(HttpStatusCode.Unauthorized, (await Admin(withKey, HttpMethod.Get, "/admin/dead-letters", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Admin(withKey, HttpMethod.Get, "/admin/dead-letters", "wrong")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Admin(withKey, HttpMethod.Get, "/admin/dead-letters", AdminKey)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Admin(withoutKey, HttpMethod.Get, "/admin/dead-letters", AdminKey)).StatusCode);
    }

    private static JsonElement[] ListDeadLetters(RelayServer relay)
    {
        var response = Admin(relay, HttpMethod.Get, "/admin/dead-letters", AdminKey).GetAwaiter().GetResult();
        return response.Content.ReadFromJsonAsync<JsonElement[]>().GetAwaiter().GetResult()!;
    }

    private static Task<HttpResponseMessage> Admin(RelayServer relay, HttpMethod method, string path, string? key)
    {
        var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.Add("X-Admin-Key", key);
        }

        return relay.Http.SendAsync(request);
    }
}
