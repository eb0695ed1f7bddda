namespace MpEventRelay.Configuration;

/// <summary>
/// The <c>Relay:Resilience</c> section: failover between a cluster's destinations and when a destination's circuit
/// opens (Polly, one breaker per destination). Applies live.
/// </summary>
public sealed record ResilienceOptions
{
    /// <summary>
    /// An answer slower than this counts as a failure of that destination (for its circuit breaker). The request
    /// itself is not abandoned: it waits up to <c>DeliveryTimeout</c>, because a request that may have arrived is
    /// never sent again by the HTTP layer. Default 4 s.
    /// </summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>
    /// Failovers at once to another destination of the cluster, only when a destination provably did not receive
    /// the push (no connection). Everything else is retried by the outbox. Default 2.
    /// </summary>
    public int MaxRetries { get; init; } = 2;

    /// <summary>Unused since failover is immediate; kept so existing configurations still load. Default 100 ms.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The failure ratio, over <see cref="SamplingDuration"/>, that opens a target's circuit. Default 0.5.</summary>
    public double FailureRatio { get; init; } = 0.5;

    /// <summary>Attempts needed in the sampling window before the circuit can open. Default 4.</summary>
    public int MinimumThroughput { get; init; } = 4;

    /// <summary>The window the failure ratio is measured over. Default 30 s.</summary>
    public TimeSpan SamplingDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit refuses attempts before letting one through. Default 10 s.</summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(10);
}
