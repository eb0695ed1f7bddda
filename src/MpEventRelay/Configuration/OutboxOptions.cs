namespace MpEventRelay.Configuration;

/// <summary>The <c>Relay:Outbox</c> section: how deliveries that did not succeed at once are retried.</summary>
public sealed record OutboxOptions
{
    /// <summary>How often due deliveries are looked for. Default 1 s.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The first retry delay; doubled per attempt, with jitter. Default 2 s.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest delay between two attempts. Default 5 min.</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>After this long without success, a delivery becomes a dead letter. Default 24 h.</summary>
    public TimeSpan Expiry { get; init; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Pending deliveries allowed per account and target. Past it, a push that needs one more is refused with 503 (and
    /// counted), so a dead target cannot fill the disk; WeChat retries it later. Default 100 000.
    /// </summary>
    public int MaxPendingPerTarget { get; init; } = 100_000;

    /// <summary>
    /// How long a delivery being worked on is reserved for the replica working on it. The lease is renewed every
    /// third of it while the delivery runs, so a live replica keeps its work however slow the target, and a replica
    /// that dies (even <c>kill -9</c>) hands its work to the others within Lease + PollInterval. Default 10 s.
    /// </summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Retries in flight at once per account and target (a lane). A hung or slow target fills only its own lane;
    /// the others' due retries go on. Default 8.
    /// </summary>
    public int ConcurrencyPerTarget { get; init; } = 8;

    /// <summary>Dead letters kept per account and target; past it the oldest is dropped (and counted). Default 10 000.</summary>
    public int MaxDeadPerTarget { get; init; } = 10_000;
}
