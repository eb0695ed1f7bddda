using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MpEventRelay.Configuration;
using MpEventRelay.Outbox;

namespace MpEventRelay.UnitTests.Outbox;

/// <summary>Recording, spill-over, the per-target limit, backoff and dead letters, on a clock the test controls.</summary>
public sealed class DeliveryOutboxTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
    private readonly MemoryOutboxStore _preferred;
    private readonly MemoryOutboxStore _spill;
    private readonly DeliveryOutbox _outbox;
    private readonly RelayOptions _options = new() { Outbox = new OutboxOptions { MaxPendingPerTarget = 3, Expiry = TimeSpan.FromMinutes(10), RetryBaseDelay = TimeSpan.FromSeconds(2), RetryMaxDelay = TimeSpan.FromSeconds(60) } };

    public DeliveryOutboxTests()
    {
        _preferred = new MemoryOutboxStore("redis", _time);
        _spill = new MemoryOutboxStore("sqlite", _time);
        _outbox = new DeliveryOutbox([_preferred, _spill], TestMetrics.Create(_time), _time, NullLogger<DeliveryOutbox>.Instance);
    }

    [Fact]
    public async Task Items_go_to_the_first_store_that_takes_them_all_or_none()
    {
        var (records, refusal) = await _outbox.TryAddAsync([Item("a", "bot"), Item("b", "idaas")], _options);

        Assert.Null(refusal);
        Assert.All(records!, r => Assert.Same(_preferred, r.Store));
        Assert.Equal(2, _preferred.Items.Count);
        Assert.Empty(_spill.Items);
    }

    [Fact]
    public async Task When_the_preferred_store_fails_the_spill_over_takes_them()
    {
        _preferred.Failing = true;

        var (records, _) = await _outbox.TryAddAsync([Item("a", "bot")], _options);

        Assert.Same(_spill, Assert.Single(records!).Store);
    }

    [Fact]
    public async Task When_no_store_can_record_the_caller_is_told()
    {
        _preferred.Failing = _spill.Failing = true;

        var (records, refusal) = await _outbox.TryAddAsync([Item("a", "bot")], _options);

        Assert.Null(records);
        Assert.Equal("no outbox store could record the delivery", refusal);
    }

    [Fact]
    public async Task A_target_at_its_limit_refuses_more_and_the_others_are_not_affected()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.NotNull((await _outbox.TryAddAsync([Item($"b{i}", "bot")], _options)).Records);
        }

        var (refusedRecords, refusal) = await _outbox.TryAddAsync([Item("b3", "bot")], _options);
        var (other, _) = await _outbox.TryAddAsync([Item("i0", "idaas")], _options);

        Assert.Null(refusedRecords);
        Assert.Contains("outbox of target bot is full", refusal, StringComparison.Ordinal);
        Assert.NotNull(other);
    }

    [Fact]
    public async Task Completing_frees_room_under_the_limit()
    {
        var records = new List<OutboxRecord>();
        for (var i = 0; i < 3; i++)
        {
            records.AddRange((await _outbox.TryAddAsync([Item($"b{i}", "bot")], _options)).Records!);
        }

        await _outbox.CompleteAsync(records[0]);

        Assert.NotNull((await _outbox.TryAddAsync([Item("b3", "bot")], _options)).Records);
        Assert.DoesNotContain("b0", _preferred.Items.Keys);
    }

    [Fact]
    public async Task The_counts_the_worker_observes_replace_the_estimate()
    {
        _outbox.ObservePending(new Dictionary<string, long> { ["main/bot"] = 3 }); // e.g. another replica's items

        Assert.Null((await _outbox.TryAddAsync([Item("b0", "bot")], _options)).Records);
        _outbox.ObservePending(new Dictionary<string, long>());
        Assert.NotNull((await _outbox.TryAddAsync([Item("b0", "bot")], _options)).Records);
    }

    [Fact]
    public async Task A_failure_reschedules_with_backoff_and_counts_the_attempt()
    {
        var record = (await _outbox.TryAddAsync([Item("a", "bot")], _options)).Records![0];

        Assert.False(await _outbox.FailAsync(record, "answered 503", _options.Outbox));

        var (item, dead) = _preferred.Items["a"];
        Assert.False(dead);
        Assert.Equal(1, item.Attempts);
        Assert.Equal("answered 503", item.LastError);
        var due = item.NextAttemptAtMs - _time.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.InRange(due, 1600, 2400);
    }

    [Fact]
    public async Task A_failure_past_the_expiry_makes_a_dead_letter_with_its_reason()
    {
        var record = (await _outbox.TryAddAsync([Item("a", "bot")], _options)).Records![0];
        _time.Advance(TimeSpan.FromMinutes(10));

        Assert.True(await _outbox.FailAsync(record, "connection refused", _options.Outbox));

        var (item, dead) = _preferred.Items["a"];
        Assert.True(dead);
        Assert.Equal("connection refused", item.LastError);
        Assert.NotNull((await _outbox.TryAddAsync([Item("b", "bot")], _options)).Records); // a dead letter is not pending
    }

    private OutboxItem Item(string id, string target) => OutboxItems.Due(_time, id, target);
}
