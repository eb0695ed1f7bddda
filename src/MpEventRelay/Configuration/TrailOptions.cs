namespace MpEventRelay.Configuration;

/// <summary>
/// The <c>Relay:Trail</c> section: per push, what happened (arrival, each delivery attempt, WeChat's answers, a late
/// reply) — never content, OpenIDs, tokens or keys. Kept beside the SQLite outbox (<c>data/outbox.db</c> → <c>data/outbox-trail.db</c>).
/// </summary>
public sealed record TrailOptions
{
    /// <summary>Record trails (default). Off: nothing is written and the admin trail endpoints find nothing.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>How long a push's trail is kept. Default 7 days.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(7);

    /// <summary>At most this many pushes are kept (and at least 99 % of it once reached); the oldest go first. Default 200,000.</summary>
    public int MaxPushes { get; init; } = 200_000;

    /// <summary>
    /// At most about this many bytes of stored events (the database file is this plus SQLite's pages and WAL); the
    /// oldest go first, checked every minute. Default 256 MB: 200,000 ordinary pushes take about 60 MB.
    /// </summary>
    public long MaxBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>
    /// The key of the OpenID hashes (HMAC-SHA256). Default: derived per account from its Token (HKDF), so a Token change
    /// starts new hashes. Set it to keep hashes stable across Token changes and accounts.
    /// </summary>
    public string? HashKey { get; init; }
}
