namespace MpEventRelay.Configuration;

/// <summary>The <c>Relay:Dedup</c> section: how long, and how many, answers are remembered for WeChat's retries.</summary>
public sealed record DedupOptions
{
    /// <summary>How long an answer is kept. WeChat retries within about 15 s; the default is 5 minutes.</summary>
    public TimeSpan Expiry { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The most entries held in memory. Default 100,000 (a few tens of MB at most).</summary>
    public int Capacity { get; init; } = 100_000;

    /// <summary>How long a message is remembered: as long as it is needed (<paramref name="needed"/>), never less than <see cref="Expiry"/>.</summary>
    public TimeSpan KeepFor(TimeSpan needed) => needed > Expiry ? needed : Expiry;
}
