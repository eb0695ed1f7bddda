using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MpEventRelay.Configuration;
using MpEventRelay.Dedup;

namespace MpEventRelay.UnitTests.Dedup;

/// <summary>Dedup on a clock the test controls: joining, remembering for the replay window, forgetting failures.</summary>
public sealed class InMemoryDedupStoreTests : IDisposable
{
    private static readonly RelayOptions Options = new() { Dedup = new DedupOptions { Expiry = TimeSpan.FromMinutes(5), Capacity = 2 } };
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddYears(56));
    private readonly InMemoryDedupStore _store;
    private readonly MeasurementRecorder _measurements;
    private int _runs;

    public InMemoryDedupStoreTests()
    {
        _store = new InMemoryDedupStore(TestMetrics.Create(_time, out var scope), _time, NullLogger<InMemoryDedupStore>.Instance);
        _measurements = new MeasurementRecorder(scope);
    }

    public void Dispose() => _measurements.Dispose();

    [Fact]
    public async Task Each_retry_answered_from_the_first_attempt_is_counted_and_the_first_is_not()
    {
        await _store.RunOnceAsync("k", Work("first"), Options, TimeSpan.Zero);
        Assert.Equal(0, _measurements.Total("mprelay.dedup.hits"));

        await _store.RunOnceAsync("k", Work("second"), Options, TimeSpan.Zero);
        await _store.RunOnceAsync("k", Work("third"), Options, TimeSpan.Zero);

        Assert.Equal(2, _measurements.Total("mprelay.dedup.hits"));
    }

    [Fact]
    public async Task A_joined_attempt_that_gets_a_retry_answer_is_not_called_a_duplicate()
    {
        var release = new TaskCompletionSource<RelayAnswer>();
        _ = _store.RunOnceAsync("k", () => release.Task, Options, TimeSpan.Zero);
        var joined = _store.RunOnceAsync("k", Work("joined"), Options, TimeSpan.Zero);
        release.SetResult(RelayAnswer.Retry("not durable"));

        Assert.Equal((true, false), ((await joined).RetryLater, (await joined).Duplicate));
    }

    [Fact]
    public async Task A_work_that_throws_is_answered_with_the_exceptions_type_and_nothing_else_of_it()
    {
        var failed = await _store.RunOnceAsync("k", () => Task.FromException<RelayAnswer>(new InvalidOperationException("secret detail")), Options, TimeSpan.Zero);

        Assert.Equal("the delivery failed unexpectedly (InvalidOperationException)", failed.Outcome);
    }

    [Fact]
    public async Task A_retry_while_the_first_attempt_is_in_flight_joins_it()
    {
        var release = new TaskCompletionSource<RelayAnswer>();
        var first = _store.RunOnceAsync("k", () => { _runs++; return release.Task; }, Options, TimeSpan.Zero);
        var retry = _store.RunOnceAsync("k", Work("second"), Options, TimeSpan.Zero);
        release.SetResult(RelayAnswer.Success("first"));

        Assert.Equal("first", (await first).Outcome);
        Assert.Equal("first", (await retry).Outcome);
        Assert.False((await first).Duplicate);
        Assert.True((await retry).Duplicate);
        Assert.Equal(1, _runs);
    }

    [Fact]
    public async Task Capacity_never_evicts_a_message_inside_its_replay_window()
    {
        await _store.RunOnceAsync("captured", Work("first"), Options, TimeSpan.FromMinutes(10));
        for (var i = 0; i < 80; i++)
        {
            await _store.RunOnceAsync($"other-{i}", Work("other"), Options, TimeSpan.FromMinutes(10)); // 40 times the capacity
        }

        var replay = await _store.RunOnceAsync("captured", Work("replayed"), Options, TimeSpan.FromMinutes(10));

        Assert.Equal("first", replay.Outcome);
        Assert.Equal(81, _runs);
    }

    [Fact]
    public async Task A_message_is_remembered_past_Dedup_Expiry_while_its_timestamp_is_accepted_and_forgotten_after()
    {
        await _store.RunOnceAsync("captured", Work("first"), Options, TimeSpan.FromMinutes(10));

        _time.Advance(TimeSpan.FromMinutes(9) + TimeSpan.FromSeconds(59)); // past the 5-minute Expiry, inside the window
        var replay = await _store.RunOnceAsync("captured", Work("replayed"), Options, TimeSpan.FromMinutes(10));
        _time.Advance(TimeSpan.FromSeconds(2)); // the window has ended: a replay is refused by the clock-skew check now
        var later = await _store.RunOnceAsync("captured", Work("later"), Options, TimeSpan.FromMinutes(10));

        Assert.Equal("first", replay.Outcome);
        Assert.Equal("later", later.Outcome);
    }

    [Fact]
    public async Task Dedup_Expiry_is_the_floor_when_the_window_is_shorter()
    {
        await _store.RunOnceAsync("k", Work("first"), Options, TimeSpan.FromSeconds(1));

        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        Assert.Equal("first", (await _store.RunOnceAsync("k", Work("again"), Options, TimeSpan.FromSeconds(1))).Outcome);
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal("again", (await _store.RunOnceAsync("k", Work("again"), Options, TimeSpan.FromSeconds(1))).Outcome);
    }

    [Fact]
    public async Task An_answer_that_asks_WeChat_to_retry_is_given_to_the_joined_attempts_then_forgotten()
    {
        var release = new TaskCompletionSource<RelayAnswer>();
        var first = _store.RunOnceAsync("k", () => release.Task, Options, TimeSpan.Zero);
        var joined = _store.RunOnceAsync("k", Work("joined"), Options, TimeSpan.Zero);
        release.SetResult(RelayAnswer.Retry("not durable"));

        Assert.True((await first).RetryLater);
        Assert.True((await joined).RetryLater);
        var retry = await _store.RunOnceAsync("k", Work("delivered"), Options, TimeSpan.Zero);
        Assert.Equal("delivered", retry.Outcome);
    }

    [Fact]
    public async Task A_work_that_throws_is_a_retry_not_a_remembered_success()
    {
        var failed = await _store.RunOnceAsync("k", () => throw new InvalidOperationException("bug"), Options, TimeSpan.Zero);
        var faulted = await _store.RunOnceAsync("j", () => Task.FromException<RelayAnswer>(new InvalidOperationException("bug")), Options, TimeSpan.Zero);

        Assert.True(failed.RetryLater);
        Assert.True(faulted.RetryLater);
        Assert.Equal("ok", (await _store.RunOnceAsync("k", Work("ok"), Options, TimeSpan.Zero)).Outcome);
    }

    [Fact]
    public async Task A_late_reply_replaces_the_deadline_answer_for_later_retries()
    {
        var late = new TaskCompletionSource<RelayAnswer?>();
        var first = await _store.RunOnceAsync("k", () => Task.FromResult(RelayAnswer.Success("deadline-missed") with { Late = late.Task }), Options, TimeSpan.Zero);
        var before = await _store.RunOnceAsync("k", Work("x"), Options, TimeSpan.Zero);
        late.SetResult(new RelayAnswer([1, 2, 3], "replied"));
        await Task.Yield();
        RelayAnswer after = null!;
        Assert.True(await Eventually.TrueAsync(async () => (after = await _store.RunOnceAsync("k", Work("x"), Options, TimeSpan.Zero)).Outcome == "replied"));

        Assert.Equal("deadline-missed", first.Outcome);
        Assert.Equal("deadline-missed", before.Outcome);
        Assert.Equal([1, 2, 3], after.ReplyXml);
    }

    private Func<Task<RelayAnswer>> Work(string outcome) => () =>
    {
        _runs++;
        return Task.FromResult(RelayAnswer.Success(outcome));
    };
}
