namespace MpEventRelay.Outbox;

/// <summary>
/// The outbox worker's alarm: it sleeps for its poll interval unless something became due sooner (a replay, a lane
/// that had been full, records moved back from the fall-back). Wake-ups before a wait collapse into one.
/// </summary>
internal sealed class OutboxWakeUp(TimeProvider time)
{
    private readonly SemaphoreSlim _signal = new(0);

    /// <summary>Ends the current or the next wait.</summary>
    public void Wake()
    {
        if (_signal.CurrentCount == 0)
        {
            _signal.Release();
        }
    }

    /// <summary>Waits for <paramref name="interval"/> or a <see cref="Wake"/>; throws only when stopping.</summary>
    public async Task WaitAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var wait = new Storage.TimeBudget(interval, time, cancellationToken);
        try
        {
            await _signal.WaitAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The interval passed.
        }
    }
}
