namespace MpEventRelay.Storage;

/// <summary>
/// A time limit on work the caller may also cancel, on the relay's <see cref="TimeProvider"/>: one token for both, and
/// which of the two ended it (a timeout is the work's failure; the caller's cancellation is not).
/// </summary>
internal sealed class TimeBudget : IDisposable
{
    private readonly CancellationTokenSource _limit;
    private readonly CancellationTokenSource _either;

    public TimeBudget(TimeSpan limit, TimeProvider time, CancellationToken cancellationToken)
    {
        _limit = new CancellationTokenSource(limit, time);
        _either = CancellationTokenSource.CreateLinkedTokenSource(_limit.Token, cancellationToken);
    }

    /// <summary>Cancelled when the budget runs out or the caller cancels.</summary>
    public CancellationToken Token => _either.Token;

    /// <summary>True once the budget ran out (whether or not the caller cancelled too).</summary>
    public bool Expired => _limit.IsCancellationRequested;

    public void Dispose()
    {
        _either.Dispose();
        _limit.Dispose();
    }
}
