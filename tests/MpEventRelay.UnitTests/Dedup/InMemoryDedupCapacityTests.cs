using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using MpEventRelay.Configuration;
using MpEventRelay.Dedup;

namespace MpEventRelay.UnitTests.Dedup;

/// <summary>Going over capacity is counted and said, once a minute; expired entries leave and the count follows.</summary>
public sealed class InMemoryDedupCapacityTests : IDisposable
{
    private static readonly RelayOptions Options = new() { Dedup = new DedupOptions { Expiry = TimeSpan.FromMinutes(1), Capacity = 2 } };
    private readonly FakeTimeProvider _time = new();
    private readonly ListLogger<InMemoryDedupStore> _logger = new();
    private readonly MeasurementRecorder _measurements;
    private readonly InMemoryDedupStore _store;

    public InMemoryDedupCapacityTests()
    {
        _store = new InMemoryDedupStore(TestMetrics.Create(_time, out var scope), _time, _logger);
        _measurements = new MeasurementRecorder(scope);
    }

    public void Dispose() => _measurements.Dispose();

    [Fact]
    public async Task Over_capacity_is_counted_per_push_and_warned_once_a_minute()
    {
        var window = TimeSpan.FromMinutes(10); // every message stays inside its replay window throughout
        await RunAsync("a", window);
        await RunAsync("b", window);
        Assert.Equal(0, _measurements.Total("mprelay.dedup.over.capacity"));
        Assert.Empty(_logger.Lines);

        await RunAsync("c", window);
        await RunAsync("d", window);
        Assert.Equal(2, _measurements.Total("mprelay.dedup.over.capacity"));
        var warning = Assert.Single(_logger.Lines);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("Dedup remembers 3 messages, over Relay:Dedup:Capacity 2", warning.Message, StringComparison.Ordinal);

        _time.Advance(TimeSpan.FromMinutes(1));
        await RunAsync("e", window);
        Assert.Single(_logger.Lines); // a minute exactly: not yet
        _time.Advance(TimeSpan.FromTicks(1));
        await RunAsync("f", window);
        Assert.Equal(2, _logger.Lines.Count);
        Assert.Equal(6, _store.Count); // none forgotten early
    }

    [Fact]
    public async Task Expired_entries_leave_oldest_first_and_the_count_follows()
    {
        await RunAsync("a");
        await RunAsync("b");
        Assert.Equal(2, _store.Count);

        _time.Advance(TimeSpan.FromMinutes(1));
        await RunAsync("c"); // the walk from the oldest drops a and b

        Assert.Equal(1, _store.Count);
        Assert.Empty(_logger.Lines);
    }

    [Fact]
    public async Task An_attempt_in_flight_is_never_dropped_even_expired()
    {
        var release = new TaskCompletionSource<RelayAnswer>();
        var first = _store.RunOnceAsync("slow", () => release.Task, Options, TimeSpan.Zero);
        _time.Advance(TimeSpan.FromMinutes(5));
        await RunAsync("other");

        var joined = _store.RunOnceAsync("slow", () => Task.FromResult(RelayAnswer.Success("second")), Options, TimeSpan.Zero);
        release.SetResult(RelayAnswer.Success("first"));

        Assert.Equal("first", (await joined).Outcome);
        Assert.Equal("first", (await first).Outcome);
    }

    private Task<RelayAnswer> RunAsync(string key, TimeSpan? window = null) =>
        _store.RunOnceAsync(key, () => Task.FromResult(RelayAnswer.Success(key)), Options, window ?? TimeSpan.Zero);
}
