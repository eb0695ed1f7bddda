namespace MpEventRelay.Outbox;

/// <summary>
/// Durable storage of deliveries to retry and of dead letters. Every method is asynchronous and honours its token:
/// a caller with a budget (the request path) stops waiting when the budget ends.
/// </summary>
internal interface IOutboxStore
{
    /// <summary>A short name for logs and the admin API (<c>sqlite</c>, <c>redis</c>).</summary>
    string Name { get; }

    /// <summary>The budget and circuit breaker every call to this store goes through.</summary>
    Storage.StoreGuard Guard { get; }

    /// <summary>Records the items, all or none.</summary>
    Task AddAsync(IReadOnlyList<OutboxItem> items, CancellationToken cancellationToken);

    /// <summary>Takes up to <paramref name="max"/> due items and leases them until <paramref name="leaseUntilMs"/>, so a crash mid-delivery only delays them.</summary>
    Task<IReadOnlyList<OutboxItem>> ClaimDueAsync(long nowMs, long leaseUntilMs, int max, CancellationToken cancellationToken);

    /// <summary>Stores the item's new attempt count, next attempt time and last error.</summary>
    Task RescheduleAsync(OutboxItem item, CancellationToken cancellationToken);

    Task CompleteAsync(OutboxItem item, CancellationToken cancellationToken);

    Task DeadLetterAsync(OutboxItem item, CancellationToken cancellationToken);

    Task<IReadOnlyList<OutboxItem>> ListDeadLettersAsync(int max, CancellationToken cancellationToken);

    /// <summary>Moves a dead letter back to pending, due now, with a fresh expiry; false when there is no such dead letter.</summary>
    Task<bool> ReplayAsync(string id, long nowMs, long expiresAtMs, CancellationToken cancellationToken);

    Task<OutboxStats> StatsAsync(CancellationToken cancellationToken);

    /// <summary>Pending (not dead) items per <see cref="OutboxItem.TargetKey"/>, for the per-target limit.</summary>
    Task<IReadOnlyDictionary<string, long>> PendingByTargetAsync(CancellationToken cancellationToken);
}
