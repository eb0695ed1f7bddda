namespace MpEventRelay.Outbox;

/// <summary>Durable storage of deliveries to retry and of dead letters.</summary>
internal interface IOutboxStore
{
    /// <summary>A short name for logs and the admin API (<c>sqlite</c>, <c>redis</c>).</summary>
    string Name { get; }

    Task AddAsync(OutboxItem item, CancellationToken cancellationToken = default);

    /// <summary>Takes up to <paramref name="max"/> due items and leases them until <paramref name="leaseUntilMs"/>, so a crash mid-delivery only delays them.</summary>
    Task<IReadOnlyList<OutboxItem>> ClaimDueAsync(long nowMs, long leaseUntilMs, int max, CancellationToken cancellationToken = default);

    /// <summary>Makes a pending item due at <paramref name="dueAtMs"/> (e.g. now, after an in-flight attempt failed).</summary>
    Task RescheduleAsync(OutboxItem item, CancellationToken cancellationToken = default);

    Task CompleteAsync(string id, CancellationToken cancellationToken = default);

    Task DeadLetterAsync(OutboxItem item, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<OutboxItem>> ListDeadLettersAsync(int max, CancellationToken cancellationToken = default);

    /// <summary>Moves a dead letter back to pending, due now, with a fresh expiry; false when there is no such dead letter.</summary>
    Task<bool> ReplayAsync(string id, long nowMs, long expiresAtMs, CancellationToken cancellationToken = default);

    Task<OutboxStats> StatsAsync(CancellationToken cancellationToken = default);
}
