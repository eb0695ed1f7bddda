using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MpEventRelay.Configuration;
using MpEventRelay.Observability;
using MpEventRelay.Outbox;

namespace MpEventRelay.UnitTests.Outbox;

/// <summary>
/// The outbox's fall-back as readiness and the mover see it (when and why a record went there, what it holds), a
/// dead letter's replay, and the cap on dead letters, on a clock the test controls.
/// </summary>
public sealed class DeliveryOutboxFallbackTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
    private readonly MemoryOutboxStore _redis;
    private readonly MemoryOutboxStore _sqlite;
    private readonly MeasurementRecorder _measurements;
    private readonly DeliveryOutbox _outbox;
    private readonly RelayOptions _options = new() { Outbox = new OutboxOptions { Expiry = TimeSpan.FromMinutes(10), MaxDeadPerTarget = 2 } };

    public DeliveryOutboxFallbackTests()
    {
        _redis = new MemoryOutboxStore("redis", _time);
        _sqlite = new MemoryOutboxStore("sqlite", _time);
        _outbox = new DeliveryOutbox([_redis, _sqlite], TestMetrics.Create(_time, out var scope), _time, NullLogger<DeliveryOutbox>.Instance);
        _measurements = new MeasurementRecorder(scope);
    }

    public void Dispose() => _measurements.Dispose();

    [Fact]
    public void With_one_store_there_is_no_fall_back()
    {
        var alone = new DeliveryOutbox([_sqlite], TestMetrics.Create(_time), _time, NullLogger<DeliveryOutbox>.Instance);

        Assert.Null(alone.Fallback);
        Assert.Same(_sqlite, _outbox.Fallback);
    }

    [Fact]
    public async Task A_record_in_the_preferred_store_leaves_no_fall_back_trace()
    {
        await _outbox.TryAddAsync([Item("a")], _options);

        Assert.Equal((long.MinValue, null), _outbox.LastFallback);
        Assert.Equal(0, _measurements.Total("mprelay.outbox.fallback"));
    }

    [Fact]
    public async Task A_record_the_preferred_store_refused_says_when_why_and_how_many_went_to_the_fall_back()
    {
        _redis.Failing = true;

        await _outbox.TryAddAsync([Item("a"), Item("b")], _options);

        var (atMs, reason) = _outbox.LastFallback;
        Assert.Equal(_time.GetUtcNow().ToUnixTimeMilliseconds(), atMs);
        Assert.StartsWith("redis: ", reason, StringComparison.Ordinal);
        Assert.Equal(2, _measurements.Of("mprelay.outbox.fallback{store=sqlite}"));
    }

    [Fact]
    public void What_the_worker_saw_in_the_fall_back_is_its_pending_count_and_the_preferred_stores_is_not()
    {
        _outbox.ObserveStats(_sqlite, new OutboxStats(4, 0, 0));
        _outbox.ObserveStats(_redis, new OutboxStats(9, 0, 0));

        Assert.Equal(4, _outbox.FallbackPending);
    }

    [Fact]
    public async Task A_replayed_dead_letter_is_due_now_with_a_fresh_expiry_and_wakes_the_worker()
    {
        var record = (await _outbox.TryAddAsync([Item("a")], _options)).Records![0];
        _time.Advance(_options.Outbox.Expiry);
        await _outbox.FailAsync(record, "gone", _options.Outbox);
        var waiting = _outbox.WaitAsync(TimeSpan.FromMinutes(1), CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.True(await _outbox.ReplayDeadLetterAsync(record, _options.Outbox, CancellationToken.None));

        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        var (item, dead) = _redis.Items["a"];
        Assert.False(dead);
        var now = _time.GetUtcNow();
        Assert.Equal(now.ToUnixTimeMilliseconds(), item.NextAttemptAtMs);
        Assert.Equal((now + _options.Outbox.Expiry).ToUnixTimeMilliseconds(), item.ExpiresAtMs);
    }

    [Fact]
    public async Task Replaying_what_is_not_a_dead_letter_is_refused_and_wakes_no_one()
    {
        var record = (await _outbox.TryAddAsync([Item("a")], _options)).Records![0];
        var waiting = _outbox.WaitAsync(TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.False(await _outbox.ReplayDeadLetterAsync(record, _options.Outbox, CancellationToken.None));

        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromMinutes(1));
        await waiting;
    }

    [Fact]
    public async Task Dead_letters_past_the_cap_drop_the_oldest_and_count_them()
    {
        foreach (var id in new[] { "a", "b" })
        {
            await DeadLetterAsync(id);
        }

        Assert.Equal(0, _measurements.Total("mprelay.outbox.dead.dropped"));
        await DeadLetterAsync("c");

        Assert.Equal(1, _measurements.Of("mprelay.outbox.dead.dropped{target=bot}"));
        Assert.Equal(["b", "c"], _redis.Items.Where(i => i.Value.Dead).Select(i => i.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Completing_a_fall_back_record_also_removes_the_copy_a_failed_write_may_have_left_in_the_preferred_store()
    {
        _redis.Failing = true;
        var record = (await _outbox.TryAddAsync([Item("a")], _options)).Records![0];
        _redis.Failing = false;
        await _redis.AddAsync([record.Item], CancellationToken.None); // the write that "failed" had landed
        Assert.True(_redis.Guard.IsHealthy); // one failure is not an outage

        await _outbox.CompleteAsync(record);

        Assert.Empty(_sqlite.Items);
        Assert.Empty(_redis.Items);
    }

    [Fact]
    public async Task Completing_a_fall_back_record_leaves_the_preferred_store_alone_while_it_fails()
    {
        _redis.Failing = true;
        var record = (await _outbox.TryAddAsync([Item("a")], _options)).Records![0];
        await _outbox.TryAddAsync([Item("b")], _options);
        await _outbox.TryAddAsync([Item("c")], _options);
        Assert.False(_redis.Guard.IsHealthy);
        var calls = _redis.Calls;

        await _outbox.CompleteAsync(record);

        Assert.False(_sqlite.Items.ContainsKey("a"));
        Assert.Equal(calls, _redis.Calls);
    }

    private async Task DeadLetterAsync(string id)
    {
        var record = (await _outbox.TryAddAsync([Item(id)], _options)).Records![0];
        _time.Advance(_options.Outbox.Expiry);
        await _outbox.FailAsync(record, "gone", _options.Outbox);
        _time.Advance(TimeSpan.FromMilliseconds(1));
    }

    private OutboxItem Item(string id) => OutboxItems.Due(_time, id);
}
