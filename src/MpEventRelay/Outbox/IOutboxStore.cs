using MpEventRelay.Observability;
using MpEventRelay.Storage;

namespace MpEventRelay.Outbox;

/// <summary>
/// Durable storage of deliveries to retry and of dead letters, in lanes: one per account and target
/// (<see cref="OutboxItem.TargetKey"/>), claimed and counted separately so one target's backlog never stands in
/// front of another's. Every method is asynchronous and honours its token: a caller with a budget (the request
/// path) stops waiting when the budget ends.
/// </summary>
internal interface IOutboxStore
{
    /// <summary>A short name for logs and the admin API (<c>sqlite</c>, <c>redis</c>).</summary>
    string Name { get; }

    /// <summary>The budget and circuit breaker every call to this store goes through.</summary>
    StoreGuard Guard { get; }

    /// <summary>
    /// Records the items, all or none. An item whose id the store already holds is left as it is: the fall-back's
    /// copy of a record whose write reached Redis although the client saw it fail moves in without a second copy.
    /// </summary>
    Task AddAsync(IReadOnlyList<OutboxItem> items, CancellationToken cancellationToken);

    /// <summary>
    /// Takes up to <paramref name="max"/> due items of <paramref name="lane"/> and leases them until
    /// <paramref name="leaseUntilMs"/>, so a crash mid-delivery only delays them until the lease ends.
    /// </summary>
    Task<IReadOnlyList<OutboxItem>> ClaimDueAsync(string lane, long nowMs, long leaseUntilMs, int max, CancellationToken cancellationToken);

    /// <summary>
    /// Extends the leases of items still pending to <paramref name="leaseUntilMs"/>; never brings an item's next
    /// attempt forward (one rescheduled past it keeps its time) and never revives a completed one.
    /// </summary>
    Task RenewLeasesAsync(IReadOnlyList<OutboxItem> items, long leaseUntilMs, CancellationToken cancellationToken);

    /// <summary>Stores the item's new attempt count, next attempt time and last error.</summary>
    Task RescheduleAsync(OutboxItem item, CancellationToken cancellationToken);

    Task CompleteAsync(OutboxItem item, CancellationToken cancellationToken);

    /// <summary>Makes the item a dead letter, dropping its lane's oldest beyond <paramref name="maxDeadPerLane"/>; returns how many were dropped.</summary>
    Task<int> DeadLetterAsync(OutboxItem item, int maxDeadPerLane, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="max"/> dead letters in <paramref name="range"/>, oldest first (by creation, then id).</summary>
    Task<IReadOnlyList<OutboxItem>> DeadLettersAsync(DeadLetterRange range, int max, CancellationToken cancellationToken);

    /// <summary>The dead letter with outbox id <paramref name="id"/>, or null.</summary>
    Task<OutboxItem?> FindDeadLetterAsync(string id, CancellationToken cancellationToken);

    /// <summary>Moves a dead letter back to pending, due now, with a fresh expiry; false when it is no longer a dead letter.</summary>
    Task<bool> ReplayAsync(OutboxItem deadLetter, long nowMs, long expiresAtMs, CancellationToken cancellationToken);

    Task<OutboxStats> StatsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// What each lane holds (pending, oldest pending, dead), read once per worker cycle: the lanes the worker claims
    /// from, the per-target limit's counts, the per-lane gauges and, summed, the store's own.
    /// </summary>
    Task<IReadOnlyDictionary<string, OutboxStats>> LaneStatsAsync(CancellationToken cancellationToken);
}
