using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using MpEventRelay.Configuration;
using MpEventRelay.Outbox;
using MpEventRelay.Storage;

namespace MpEventRelay.UnitTests.Outbox;

/// <summary>What the outbox counts, says and survives: refusals, unavailability, dead letters freeing room, failing settles.</summary>
public sealed class DeliveryOutboxAccountingTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
    private readonly MemoryOutboxStore _store;
    private readonly MemoryOutboxStore _other;
    private readonly ListLogger<DeliveryOutbox> _logger = new();
    private readonly MeasurementRecorder _measurements;
    private readonly DeliveryOutbox _outbox;
    private readonly RelayOptions _options = new() { Outbox = new OutboxOptions { MaxPendingPerTarget = 2, Expiry = TimeSpan.FromMinutes(10) } };

    public DeliveryOutboxAccountingTests()
    {
        _store = new MemoryOutboxStore("sqlite", _time);
        _other = new MemoryOutboxStore("redis", _time);
        _outbox = new DeliveryOutbox([_store, _other], TestMetrics.Create(_time, out var scope), _time, _logger);
        _measurements = new MeasurementRecorder(scope);
    }

    public void Dispose() => _measurements.Dispose();

    [Fact]
    public async Task A_refusal_at_the_limit_is_counted_and_said()
    {
        await AddAsync("a");
        await AddAsync("b");

        Assert.Null((await _outbox.TryAddAsync([Item("c")], _options)).Records);

        Assert.Equal(1, _measurements.Total("mprelay.outbox.refused"));
        Assert.Contains(_logger.Lines, l => l.Level == LogLevel.Error && l.Message.Contains("has 2 deliveries pending", StringComparison.Ordinal));
    }

    [Fact]
    public async Task No_store_at_all_is_counted_and_each_failing_store_is_said()
    {
        _store.Failing = _other.Failing = true;

        Assert.Null((await _outbox.TryAddAsync([Item("a")], _options)).Records);

        Assert.Equal(1, _measurements.Total("mprelay.outbox.unavailable"));
        Assert.Equal(2, _logger.Lines.Count(l => l.Message.Contains("could not record", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_dead_letter_frees_room_under_the_limit()
    {
        var first = await AddAsync("a");
        await AddAsync("b");
        _time.Advance(TimeSpan.FromMinutes(10));

        await _outbox.FailAsync(first, "gone", _options.Outbox);

        Assert.NotNull((await _outbox.TryAddAsync([Item("c")], _options)).Records);
    }

    [Fact]
    public async Task Observed_counts_replace_the_local_estimate_rather_than_adding_to_it()
    {
        await AddAsync("a");
        _outbox.ObservePending(new Dictionary<string, long> { ["main/bot"] = 1 }); // the store counted a itself

        Assert.NotNull((await _outbox.TryAddAsync([Item("b")], _options)).Records);
        Assert.Null((await _outbox.TryAddAsync([Item("c")], _options)).Records);
    }

    [Fact]
    public async Task A_store_failing_to_complete_or_reschedule_is_said_and_nothing_throws()
    {
        var record = await AddAsync("a");
        _store.Failing = true;

        await _outbox.CompleteAsync(record);
        await _outbox.FailAsync(record, "answered 503", _options.Outbox);

        Assert.Contains(_logger.Lines, l => l.Message.Contains("could not complete", StringComparison.Ordinal));
        Assert.Contains(_logger.Lines, l => l.Message.Contains("could not reschedule", StringComparison.Ordinal));
    }

    [Fact]
    public async Task All_stores_healthy_means_every_one_of_them()
    {
        _other.Failing = true;
        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<StoreUnavailableException>(() => _other.Guard.RunAsync(t => _other.AddAsync([Item("x")], t), CancellationToken.None));
        }

        await _store.Guard.RunAsync(t => _store.StatsAsync(t), CancellationToken.None);

        Assert.False(_outbox.AllStoresHealthy);
        Assert.True(_store.Guard.IsHealthy);
    }

    private async Task<OutboxRecord> AddAsync(string id) => (await _outbox.TryAddAsync([Item(id)], _options)).Records![0];

    private OutboxItem Item(string id) => OutboxItems.Due(_time, id);
}
