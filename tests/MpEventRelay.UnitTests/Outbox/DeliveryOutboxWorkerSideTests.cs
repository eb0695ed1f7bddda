using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MpEventRelay.Configuration;
using MpEventRelay.Outbox;

namespace MpEventRelay.UnitTests.Outbox;

/// <summary>The outbox's side facing the worker and the request path's budget: wake-ups, waits, warm-up, health, items.</summary>
public sealed class DeliveryOutboxWorkerSideTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
    private readonly MemoryOutboxStore _redis;
    private readonly MemoryOutboxStore _sqlite;
    private readonly DeliveryOutbox _outbox;

    public DeliveryOutboxWorkerSideTests()
    {
        _redis = new MemoryOutboxStore("redis", _time);
        _sqlite = new MemoryOutboxStore("sqlite", _time);
        _outbox = new DeliveryOutbox([_redis, _sqlite], TestMetrics.Create(_time), _time, NullLogger<DeliveryOutbox>.Instance);
    }

    [Fact]
    public void The_write_budget_is_one_call_per_store()
    {
        var options = new RelayOptions { Storage = new StorageOptions { CallTimeout = TimeSpan.FromMilliseconds(300) } };

        Assert.Equal(TimeSpan.FromMilliseconds(600), _outbox.WriteBudget(options));
    }

    [Fact]
    public async Task A_wait_ends_at_a_wake_up_or_at_the_interval()
    {
        var waiting = _outbox.WaitAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        _outbox.Wake();
        await waiting;

        var timed = _outbox.WaitAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(timed.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await timed;
    }

    [Fact]
    public async Task Two_wake_ups_before_a_wait_end_one_wait_only()
    {
        _outbox.Wake();
        _outbox.Wake();
        await _outbox.WaitAsync(TimeSpan.FromSeconds(1), CancellationToken.None);

        var next = _outbox.WaitAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
        Assert.False(next.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        await next;
    }

    [Fact]
    public async Task Stopping_ends_a_wait_with_cancellation()
    {
        using var stop = new CancellationTokenSource();
        var waiting = _outbox.WaitAsync(TimeSpan.FromMinutes(1), stop.Token);
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public async Task Warming_up_opens_every_store_through_its_guard()
    {
        Assert.False(_redis.Guard.HasAnswered || _sqlite.Guard.HasAnswered);

        _outbox.WarmUp();

        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(_redis.Guard.HasAnswered && _sqlite.Guard.HasAnswered)));
        Assert.True(_outbox.AllStoresHealthy);
    }

    [Fact]
    public void A_new_item_is_sealed_and_timed_from_now()
    {
        var options = new RelayOptions { Outbox = new OutboxOptions { Expiry = TimeSpan.FromHours(24) } };
        var account = TestModel.Account();
        var route = account.Routes[0];

        var item = _outbox.NewItem(account, route, route.Repliers[0], TestModel.Push(), "dedup-key", TimeSpan.FromSeconds(35), options, attempts: 1, lastError: "answered 503");

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.Equal(now, item.CreatedAtMs);
        Assert.Equal(now + 35_000, item.NextAttemptAtMs);
        Assert.Equal(now + 86_400_000, item.ExpiresAtMs);
        Assert.Equal(("main", "everything", "bot", "dedup-key", 1, "answered 503"), (item.Account, item.Route, item.Target, item.DedupKey, item.Attempts, item.LastError));
        Assert.StartsWith("aes:", item.Payload, StringComparison.Ordinal); // sealed with the account's key, never in clear
        Assert.Equal(32, item.Id.Length);
    }
}
