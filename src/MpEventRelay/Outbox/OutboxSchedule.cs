using MpEventRelay.Configuration;

namespace MpEventRelay.Outbox;

/// <summary>
/// When an outbox record is next due, for every writer (the delivery, the worker, settlement): one rule, so a record
/// made for a delivery in flight and one claimed by the worker are leased alike, and a failure waits its backoff.
/// </summary>
internal static class OutboxSchedule
{
    /// <summary>
    /// A delivery in flight (or claimed) is leased to this replica: renewed while it runs, due elsewhere only if this
    /// replica dies.
    /// </summary>
    public static TimeSpan InFlight(OutboxOptions options) => options.Lease;

    /// <summary>After the <paramref name="attempts"/>-th failed attempt: the backoff, with its jitter.</summary>
    public static TimeSpan AfterFailure(int attempts, OutboxOptions options) => OutboxBackoff.After(attempts, options);
}
