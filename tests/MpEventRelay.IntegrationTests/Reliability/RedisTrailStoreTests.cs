using Microsoft.Extensions.DependencyInjection;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Trail;
using static MpEventRelay.TestKit.TrailEvents;

namespace MpEventRelay.IntegrationTests.Reliability;

/// <summary>The trail in a real Redis: each filter through its index, the limits, the bound on one push's events.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisTrailStoreTests : IAsyncLifetime
{
    private readonly RedisServer _redis;
    private readonly TargetStub _idaas = new();
    private readonly TargetStub _bot = new();
    private RelayServer _relay = null!;
    private RedisTrailStore _store = null!;

    public RedisTrailStoreTests(RedisServer redis) => _redis = redis;

    public async Task InitializeAsync()
    {
        // The relay's own container builds the store (its connection and configuration), on a prefix of this test's.
        _relay = await RelayServer.StartAsync(RelayConfig.ModeTwo(_idaas, _bot).Redis(_redis.Configuration, $"t{Guid.NewGuid():N}:").Set("Trail", new System.Text.Json.Nodes.JsonObject { ["Enabled"] = false }).ToJson());
        _store = _relay.Services.GetRequiredService<RedisTrailStore>();
    }

    public async Task DisposeAsync()
    {
        await _relay.DisposeAsync();
        _idaas.Dispose();
        _bot.Dispose();
    }

    [Fact]
    public async Task A_push_is_found_by_each_filter_with_its_events_in_order()
    {
        await _store.AddAsync(
        [
            DeliveryOf("t1", 1_000, "bot", error: null),
            TryOf("t1", 1_010, "main", "everything-else", "text", "m-1", "h-alice", "replied+reply"),
            TryOf("t2", 2_000, "main", "login", "event/subscribe", null, "h-bob", "delivered"),
            DeliveryOf("t2", 2_005, "idaas", error: "d0 answered 503"),
        ], 1, CancellationToken.None);

        Assert.Equal(["t1"], await Ids(new TrailQuery { OpenIdHashes = ["h-alice"] }));
        Assert.Equal(["t1"], await Ids(new TrailQuery { MsgId = "m-1" }));
        Assert.Equal(["t2"], await Ids(new TrailQuery { Route = "login" }));
        Assert.Equal(["t2"], await Ids(new TrailQuery { Target = "idaas" }));
        Assert.Equal(["t2"], await Ids(new TrailQuery { Outcome = "failed" }));
        Assert.Equal(["t1"], await Ids(new TrailQuery { Outcome = "replied" }));
        Assert.Equal(["t2"], await Ids(new TrailQuery { SinceMs = 1_500 }));
        Assert.Equal(["t1"], await Ids(new TrailQuery { UntilMs = 1_500 }));
        Assert.Equal(["t2", "t1"], await Ids(new TrailQuery { Account = "main" }));
        Assert.Equal(["t2"], await Ids(new TrailQuery { OpenIdHashes = ["h-bob"], Target = "idaas" }));
        Assert.Empty(await Ids(new TrailQuery { OpenIdHashes = ["h-alice"], Target = "idaas" }));
        Assert.Empty(await Ids(new TrailQuery { OpenIdHashes = ["h-carol"] }));

        var t1 = Assert.Single(await _store.FindAsync(new TrailQuery { TrailId = "t1" }, CancellationToken.None));
        Assert.Equal(["delivery", "wechat"], t1.Events.Select(e => e.Kind));
        Assert.Equal("replied+reply", t1.Events[1].Detail);
        Assert.Equal("h-alice", t1.OpenIdHash);
    }

    [Fact]
    public async Task Pruning_removes_pushes_past_the_retention_then_beyond_the_push_and_byte_limits()
    {
        for (var i = 0; i < 10; i++)
        {
            await _store.AddAsync([TryOf($"t{i}", 10_000 + (1_000 * i), "main", "r", "text", null, "h", "replied")], 1, CancellationToken.None);
        }

        var perPush = await _store.BytesAsync(CancellationToken.None) / 10;

        Assert.Equal(3, await _store.PruneAsync(cutoffMs: 13_000, maxPushes: 1_000, maxBytes: long.MaxValue, CancellationToken.None));
        Assert.Equal(2, await _store.PruneAsync(cutoffMs: 0, maxPushes: 5, maxBytes: long.MaxValue, CancellationToken.None));
        Assert.Equal(2, await _store.PruneAsync(cutoffMs: 0, maxPushes: 1_000, maxBytes: perPush * 3, CancellationToken.None));
        Assert.Equal(["t9", "t8", "t7"], await Ids(new TrailQuery()));
        Assert.Equal(3, await _store.CountAsync(CancellationToken.None));
        Assert.Equal(perPush * 3, await _store.BytesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_push_with_thousands_of_events_returns_its_first_try_and_the_newest_500()
    {
        var events = new List<TrailEvent> { TryOf("busy", 1_000, "main", "r", "text", "m-busy", "h", "replied") };
        events.AddRange(Enumerable.Range(1, 1_999).Select(i => DeliveryOf("busy", 1_000 + i, "bot", "d0 answered 503")));
        await _store.AddAsync(events, 1, CancellationToken.None);

        var busy = Assert.Single(await _store.FindAsync(new TrailQuery { MsgId = "m-busy" }, CancellationToken.None));

        Assert.Equal(TrailSearch.MaxEventsPerPush + 1, busy.Events.Count);
        Assert.Equal(1_999 - TrailSearch.MaxEventsPerPush, busy.EventsOmitted);
        Assert.Equal("wechat", busy.Events[0].Kind);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(2_999), busy.Events[^1].At);
    }

    private async Task<List<string>> Ids(TrailQuery query) => (await _store.FindAsync(query, CancellationToken.None)).Select(t => t.Id).ToList();
}
