using Microsoft.Extensions.Time.Testing;
using MpEventRelay.Storage;

namespace MpEventRelay.UnitTests.Storage;

/// <summary>The budget and breaker in front of every store call, on a clock the test controls.</summary>
public sealed class StoreGuardTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly StoreGuard _guard;

    public StoreGuardTests() => _guard = new StoreGuard("test", () => TimeSpan.FromMilliseconds(500), _time);

    [Fact]
    public async Task A_call_past_its_budget_fails_as_unavailable_and_a_hung_call_does_not_hold_the_caller()
    {
        var hung = new TaskCompletionSource<int>();
        var call = _guard.RunAsync(token => hung.Task.WaitAsync(token), CancellationToken.None);
        Assert.False(call.IsCompleted);

        _time.Advance(TimeSpan.FromMilliseconds(500));

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => call);
        Assert.Contains("no answer within 500 ms", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Any_exception_a_store_throws_becomes_unavailable_with_its_reason()
    {
        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => _guard.RunAsync<int>(_ => throw new TimeoutException("redis timeout"), CancellationToken.None));

        Assert.Equal("test", error.Store);
        Assert.Contains("redis timeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Four_failures_open_the_circuit_which_refuses_at_once_and_lets_a_probe_through_after_five_seconds()
    {
        var calls = 0;
        Task<int> Failing(CancellationToken _)
        {
            calls++;
            throw new IOException("disk full");
        }

        for (var i = 0; i < 4; i++)
        {
            await Assert.ThrowsAsync<StoreUnavailableException>(() => _guard.RunAsync(Failing, CancellationToken.None));
        }

        Assert.False(_guard.IsHealthy);
        var refused = await Assert.ThrowsAsync<StoreUnavailableException>(() => _guard.RunAsync(Failing, CancellationToken.None));
        Assert.Contains("circuit open", refused.Message, StringComparison.Ordinal);
        Assert.Equal(4, calls); // refused without calling the store

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(42, await _guard.RunAsync(_ => Task.FromResult(42), CancellationToken.None));
        Assert.True(_guard.IsHealthy);
    }

    [Fact]
    public async Task One_slow_call_is_not_an_outage_three_in_a_row_are()
    {
        await Assert.ThrowsAsync<StoreUnavailableException>(() => _guard.RunAsync<int>(_ => throw new IOException("x"), CancellationToken.None));
        Assert.True(_guard.IsHealthy);
        await Assert.ThrowsAsync<StoreUnavailableException>(() => _guard.RunAsync<int>(_ => throw new IOException("x"), CancellationToken.None));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => _guard.RunAsync<int>(_ => throw new IOException("x"), CancellationToken.None));
        Assert.False(_guard.IsHealthy);
        await _guard.RunAsync(_ => Task.FromResult(1), CancellationToken.None);
        Assert.True(_guard.IsHealthy);
    }

    [Fact]
    public async Task It_has_not_answered_until_a_call_succeeded()
    {
        Assert.False(_guard.HasAnswered);
        await _guard.RunAsync(_ => Task.FromResult(1), CancellationToken.None);
        Assert.True(_guard.HasAnswered);
    }

    [Fact]
    public async Task A_background_budget_replaces_the_request_budget()
    {
        var hung = new TaskCompletionSource<int>();
        var call = _guard.RunAsync(token => hung.Task.WaitAsync(token), CancellationToken.None, TimeSpan.FromSeconds(10));

        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(call.IsCompleted);
        hung.SetResult(7);
        Assert.Equal(7, await call);
    }

    [Fact]
    public async Task The_callers_own_cancellation_is_not_a_store_failure()
    {
        using var stop = new CancellationTokenSource();
        var hung = new TaskCompletionSource<int>();
        var call = _guard.RunAsync(token => hung.Task.WaitAsync(token), stop.Token);
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.True(_guard.IsHealthy);
        Assert.Null(_guard.LastFailure);
    }

    [Fact]
    public async Task The_last_failure_names_its_exception()
    {
        await Assert.ThrowsAsync<StoreUnavailableException>(() => _guard.RunAsync<int>(_ => throw new IOException("disk full"), CancellationToken.None));

        Assert.Equal("IOException: disk full", _guard.LastFailure);
    }

    [Fact]
    public async Task A_store_is_tried_once_a_call_failed_or_answered_and_not_before()
    {
        Assert.False(_guard.HasBeenTried);
        await Assert.ThrowsAsync<StoreUnavailableException>(() => _guard.RunAsync<int>(_ => throw new IOException("connecting"), CancellationToken.None));
        Assert.True(_guard.HasBeenTried);
        Assert.False(_guard.HasAnswered);

        var other = new StoreGuard("other", () => TimeSpan.FromMilliseconds(500), _time);
        await other.RunAsync(_ => Task.FromResult(1), CancellationToken.None);
        Assert.True(other.HasBeenTried);
        Assert.True(other.HasAnswered);
    }

    [Fact]
    public async Task A_store_that_cancels_by_itself_is_a_failure_with_its_reason_not_a_timeout()
    {
        await Assert.ThrowsAsync<StoreUnavailableException>(() => _guard.RunAsync<int>(_ => throw new OperationCanceledException("the connection was reset"), CancellationToken.None));

        Assert.Equal("OperationCanceledException: the connection was reset", _guard.LastFailure);
    }
}
