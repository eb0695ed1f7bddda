using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MpEventRelay.Configuration;
using MpEventRelay.Outbox;

namespace MpEventRelay.UnitTests.Outbox;

/// <summary>
/// The fall-back's records back in the preferred store once it answers, without a second copy of one whose write
/// reached the preferred store although it was seen to fail, and never one this replica is delivering.
/// </summary>
public sealed class FallbackMoverTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
    private readonly MemoryOutboxStore _redis;
    private readonly MemoryOutboxStore _sqlite;
    private readonly DeliveryOutbox _outbox;
    private readonly OutboxLeases _leases = new();
    private readonly FallbackMover _mover;

    public FallbackMoverTests()
    {
        _redis = new MemoryOutboxStore("redis", _time);
        _sqlite = new MemoryOutboxStore("sqlite", _time);
        _outbox = new DeliveryOutbox([_redis, _sqlite], TestMetrics.Create(_time), _time, NullLogger<DeliveryOutbox>.Instance);
        _mover = new FallbackMover(_outbox, _leases, TestMetrics.Create(_time), _time, NullLogger<FallbackMover>.Instance);
    }

    [Fact]
    public async Task A_record_Redis_already_holds_keeps_that_copy_and_leaves_the_fall_back()
    {
        var landed = OutboxItems.Due(_time, "landed") with { Attempts = 3, NextAttemptAtMs = Later(60) }; // claimed elsewhere
        await _redis.AddAsync([landed], CancellationToken.None);
        await _sqlite.AddAsync([landed with { Attempts = 0 }, OutboxItems.Due(_time, "only-local")], CancellationToken.None);

        var moved = await MoveAsync();

        Assert.Equal(2, moved);
        Assert.Empty(_sqlite.Items);
        Assert.Equal(landed, _redis.Items["landed"].Item); // not overwritten: its lease and attempts stand
        Assert.Equal(_time.GetUtcNow().ToUnixTimeMilliseconds(), _redis.Items["only-local"].Item.NextAttemptAtMs);
    }

    [Fact]
    public async Task A_record_this_replica_is_delivering_stays_and_a_failed_move_keeps_every_record()
    {
        var delivering = OutboxItems.Due(_time, "delivering");
        await _sqlite.AddAsync([delivering, OutboxItems.Due(_time, "waiting")], CancellationToken.None);
        using (_leases.Take(new OutboxRecord(_sqlite, delivering)))
        {
            _redis.Failing = true;
            Assert.Equal(0, await MoveAsync());
            Assert.Equal(2, _sqlite.Items.Count);

            _redis.Failing = false;
            Assert.Equal(1, await MoveAsync());
        }

        Assert.Equal(["delivering"], _sqlite.Items.Keys);
        Assert.Equal(["waiting"], _redis.Items.Keys);
    }

    [Fact]
    public async Task Completing_a_fall_back_record_takes_away_a_copy_that_reached_Redis()
    {
        var item = OutboxItems.Due(_time, "twice");
        await _redis.AddAsync([item], CancellationToken.None);
        await _sqlite.AddAsync([item], CancellationToken.None);

        await _outbox.CompleteAsync(new OutboxRecord(_sqlite, item));

        Assert.Empty(_sqlite.Items);
        Assert.Empty(_redis.Items);
    }

    // Redis has answered once (the mover waits for that), then the move runs on the fall-back's lanes as the worker read them.
    private async Task<int> MoveAsync()
    {
        var failing = _redis.Failing;
        _redis.Failing = false;
        await _redis.Guard.RunAsync(_redis.StatsAsync, CancellationToken.None);
        _redis.Failing = failing;
        return await _mover.MoveAsync(await _sqlite.LaneStatsAsync(CancellationToken.None), new OutboxOptions(), CancellationToken.None);
    }

    private long Later(int seconds) => (_time.GetUtcNow() + TimeSpan.FromSeconds(seconds)).ToUnixTimeMilliseconds();
}
