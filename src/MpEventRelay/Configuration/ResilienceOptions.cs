namespace MpEventRelay.Configuration;

/// <summary>
/// The <c>Relay:Resilience</c> section: how each target's deliveries are retried and when its circuit opens
/// (Polly, through Microsoft.Extensions.Http.Resilience). Read when YARP builds a cluster's client.
/// </summary>
public sealed record ResilienceOptions
{
    /// <summary>
    /// Each attempt's timeout. Default 4 s: a slow target is given most of WeChat's budget rather than being sent the
    /// same push again (a timed-out attempt may still have been processed).
    /// </summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>Retries of transient failures (connection errors, 408, 429, 5xx, attempt timeouts). Default 2.</summary>
    public int MaxRetries { get; init; } = 2;

    /// <summary>The first retry's delay (exponential, with jitter). Default 100 ms.</summary>
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
