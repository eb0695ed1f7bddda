using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Observability;
using MpEventRelay.Outbox;
using MpEventRelay.Storage;

namespace MpEventRelay.IntegrationTests.Reliability;

/// <summary>The Redis outbox store against a real Redis: what its scripts promise, read back from Redis itself.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisOutboxStoreTests(RedisServer redis) : IDisposable
{
    private readonly RedisConnection _connection = new(redis.Configuration, $"t{Guid.NewGuid():N}:", new StoreGuard("redis", () => TimeSpan.FromSeconds(2), TimeProvider.System));
    private readonly long _now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    [Fact]
    public async Task Adding_an_id_the_lane_already_holds_keeps_the_held_copy_and_adds_the_rest()
    {
        var store = new RedisOutboxStore(_connection);
        var held = Item("held", createdAtMs: _now - 5_000) with { Attempts = 3, NextAttemptAtMs = _now + 60_000 }; // leased by a replica
        await store.AddAsync([held], CancellationToken.None);

        await store.AddAsync([held with { Attempts = 0, NextAttemptAtMs = _now }, Item("new", createdAtMs: _now)], CancellationToken.None);

        var due = await store.ClaimDueAsync("main/bot", _now, _now + 10_000, 10, CancellationToken.None);
        Assert.Equal(["new"], due.Select(i => i.Id));
        var lanes = await store.LaneStatsAsync(CancellationToken.None);
        Assert.Equal(new OutboxStats(2, held.CreatedAtMs, 0), lanes["main/bot"]);
    }

    [Fact]
    public async Task The_oldest_pending_of_a_lane_moves_on_when_it_is_delivered_or_dead()
    {
        var store = new RedisOutboxStore(_connection);
        var items = Enumerable.Range(0, 3).Select(i => Item($"i{i}", createdAtMs: _now - 3_000 + i * 1_000)).ToList();
        await store.AddAsync([.. items, Item("other", createdAtMs: _now - 60_000, target: "idaas")], CancellationToken.None);

        await store.CompleteAsync(items[0], CancellationToken.None);
        await store.DeadLetterAsync(items[1], 10, CancellationToken.None);

        var lanes = await store.LaneStatsAsync(CancellationToken.None);
        Assert.Equal(new OutboxStats(1, items[2].CreatedAtMs, 1), lanes["main/bot"]);
        Assert.Equal(new OutboxStats(1, _now - 60_000, 0), lanes["main/idaas"]);
    }

    public void Dispose() => _connection.Dispose();

    private OutboxItem Item(string id, long createdAtMs, string target = "bot") => new()
    {
        Id = id,
        Account = "main",
        Route = "r",
        Target = target,
        DedupKey = "k" + id,
        InboundMode = 0,
        Payload = "b64:",
        CreatedAtMs = createdAtMs,
        ExpiresAtMs = _now + 600_000,
        NextAttemptAtMs = _now,
    };
}
