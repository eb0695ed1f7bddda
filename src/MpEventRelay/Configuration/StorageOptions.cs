namespace MpEventRelay.Configuration;

/// <summary>
/// The <c>Relay:Storage</c> section. Embedded default: in-memory dedup and a SQLite outbox file, for one replica.
/// With <see cref="Redis"/> set, replicas share dedup and the outbox through Redis.
/// </summary>
public sealed record StorageOptions
{
    /// <summary>A StackExchange.Redis configuration string (e.g. <c>redis:6379,password=…</c>); null for none.</summary>
    public string? Redis { get; init; }

    /// <summary>Prefix of every Redis key, so several relays can share one Redis. Default <c>mprelay:</c>.</summary>
    public string RedisKeyPrefix { get; init; } = "mprelay:";

    /// <summary>The SQLite outbox file (also the spill-over when Redis cannot be reached). Default <c>data/outbox.db</c>.</summary>
    public string SqlitePath { get; init; } = "data/outbox.db";

    /// <summary>
    /// The budget of one store call on the request path (a hung Redis never answers). Past it the call counts as
    /// failed and the relay takes its fall-back; repeated failures open the store's circuit. Default: 0.5 s, or a
    /// quarter of the Deadline when that is shorter. Applies live.
    /// </summary>
    public TimeSpan? CallTimeout { get; init; }

    /// <summary>
    /// When true, <c>/health/ready</c> stays <c>Degraded</c> while a Redis primary could lose a push answered 200 on
    /// a restart (no AOF, or <c>appendfsync</c> other than <c>always</c>). The warning and the
    /// <c>mprelay_redis_durability</c> metric come either way. Default false.
    /// </summary>
    public bool RequireDurableRedis { get; init; }
}
