namespace MpEventRelay.Outbox;

/// <summary>How much is waiting: pending deliveries, the oldest one's creation time, dead letters.</summary>
internal readonly record struct OutboxStats(long Pending, long? OldestPendingCreatedAtMs, long Dead);
