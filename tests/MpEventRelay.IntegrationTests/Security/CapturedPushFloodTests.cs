using System.Text.Json;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Simulation;
using Xunit.Abstractions;

namespace MpEventRelay.IntegrationTests.Security;

/// <summary>
/// One genuine push, captured and replayed at full speed while its timestamp is still accepted: every copy is answered
/// from dedup (200, never delivered again), and the trail counts the copies instead of storing one event each, so the
/// disk it shares with the outbox barely grows and a search for that push answers small. The relay as its own process.
/// </summary>
public sealed class CapturedPushFloodTests(ITestOutputHelper output)
{
    private const string AdminKey = "flood-test-admin-key-0123456789abc";
    private const int Replays = 20_000;

    [Fact]
    public async Task Twenty_thousand_replays_of_one_push_are_counted_in_the_trail_not_stored_one_by_one()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        var workDir = RelayProcess.NewWorkDirectory();
        var outbox = Path.Combine(workDir, "data", "outbox.db");
        var config = RelayConfig.ModeTwo(idaas, bot).SqlitePath(outbox).AdminKey(AdminKey).Set("Trail", new System.Text.Json.Nodes.JsonObject { ["MaxPushes"] = 1000 });
        using var relay = await RelayProcess.StartAsync(workDir, config.ToJson());
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Add("X-Admin-Key", AdminKey);
        var wechat = new WeChatPushClient(http, Keys.Account);
        var captured = PushWriter.Write(PushMessage.Parse(Pushes.From().Text("captured once", Pushes.NewMsgId())), Keys.Account, EncryptionMode.Secure, WeChatClock.Timestamp(TimeProvider.System), WeChatClock.Nonce());
        Assert.Equal(200, (await wechat.SendAsync(relay.Url("/wechat/main"), captured, encrypted: true)).StatusCode);
        var trailId = Assert.Single(bot.Received).Headers["Idempotency-Key"];
        Assert.True(await Eventually.TrueAsync(() => Tries(Find(http, relay, trailId).Result.Trail) == 1), "the first try never reached the trail");
        var before = TrailBytes(outbox);

        var sent = 0;
        var refused = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            while (Interlocked.Increment(ref sent) <= Replays)
            {
                if ((await wechat.SendAsync(relay.Url("/wechat/main"), captured, encrypted: true)).StatusCode != 200)
                {
                    Interlocked.Increment(ref refused);
                }
            }
        }));

        (JsonElement Trail, long Bytes) found = default;
        Assert.True(await Eventually.TrueAsync(() => Tries((found = Find(http, relay, trailId).Result).Trail) == Replays + 1, TimeSpan.FromSeconds(20)), $"the trail counted {Tries(found.Trail)} tries");
        var grown = TrailBytes(outbox) - before;
        var events = found.Trail[0].GetProperty("events").GetArrayLength();
        output.WriteLine($"{Replays} replays of one push: {refused} not answered 200, bot received {bot.Received.Count}; trail files grew {grown / 1024.0:0} KB, the push's trail has {events} events counting {Tries(found.Trail)} tries, search answer {found.Bytes} bytes");
        Assert.Equal(0, refused);
        Assert.Single(bot.Received);
        Assert.True(grown < 2 * 1024 * 1024, $"the trail grew {grown} bytes");
        Assert.True(found.Bytes < 1024 * 1024, $"the search answered {found.Bytes} bytes");
    }

    // Every WeChat try of the push, counted ones included.
    private static int Tries(JsonElement trails) =>
        trails.ValueKind != JsonValueKind.Array || trails.GetArrayLength() == 0 ? 0
        : trails[0].GetProperty("events").EnumerateArray().Where(e => e.GetProperty("kind").GetString() == "wechat")
            .Sum(e => e.TryGetProperty("count", out var count) ? count.GetInt32() : 1);

    private static async Task<(JsonElement Trail, long Bytes)> Find(HttpClient http, RelayProcess relay, string trailId)
    {
        var body = await http.GetByteArrayAsync(new Uri(relay.ManagementAddress, $"/admin/trail?id={trailId}"));
        return (JsonDocument.Parse(body).RootElement.Clone(), body.Length);
    }

    private static long TrailBytes(string outbox)
    {
        var directory = Path.GetDirectoryName(outbox)!;
        return Directory.EnumerateFiles(directory, "outbox-trail.db*").Sum(f => new FileInfo(f).Length);
    }
}
