namespace MpEventRelay.Observability;

/// <summary>How much is waiting (in a store, or in one lane): pending deliveries, the oldest one's creation time, dead letters.</summary>
internal readonly record struct OutboxStats(long Pending, long? OldestPendingCreatedAtMs, long Dead)
{
    /// <summary>The lanes of one store together.</summary>
    public static OutboxStats Sum(IEnumerable<OutboxStats> lanes)
    {
        long pending = 0, dead = 0;
        long? oldest = null;
        foreach (var lane in lanes)
        {
            pending += lane.Pending;
            dead += lane.Dead;
            if (lane.OldestPendingCreatedAtMs is { } created && (oldest is null || created < oldest))
            {
                oldest = created;
            }
        }

        return new OutboxStats(pending, oldest, dead);
    }
}
