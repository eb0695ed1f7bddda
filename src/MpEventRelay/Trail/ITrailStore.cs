namespace MpEventRelay.Trail;

/// <summary>
/// Where the trail lives: this replica's SQLite file (<see cref="SqliteTrailStore"/>, the embedded default) or Redis,
/// shared by every replica (<see cref="RedisTrailStore"/>), so an operator behind a balancer sees every push in one place.
/// Written only by <see cref="TrailWriter"/>; read by the admin API.
/// </summary>
internal interface ITrailStore
{
    /// <summary>Stores a batch; <paramref name="rowPushes"/> is how many pushes a stored unit may hold, where the store has such units.</summary>
    Task AddAsync(IReadOnlyList<TrailEvent> events, int rowPushes, CancellationToken cancellationToken);

    /// <summary>Removes pushes past <paramref name="cutoffMs"/>, then the oldest beyond <paramref name="maxPushes"/> or <paramref name="maxBytes"/>; returns how many.</summary>
    Task<long> PruneAsync(long cutoffMs, int maxPushes, long maxBytes, CancellationToken cancellationToken);

    /// <summary>The newest pushes matching <paramref name="query"/>, each with at most <see cref="TrailSearch.MaxEventsPerPush"/> events.</summary>
    Task<IReadOnlyList<TrailView>> FindAsync(TrailQuery query, CancellationToken cancellationToken);

    /// <summary>The pushes held, as the size limit counts them.</summary>
    Task<long> CountAsync(CancellationToken cancellationToken);
}
