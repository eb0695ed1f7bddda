using StackExchange.Redis;

namespace MpEventRelay.Storage;

/// <summary>
/// The shared Redis connection, when <c>Relay:Storage:Redis</c> is set. Connects without aborting when Redis is
/// down at start-up: the relay starts anyway and the stores fall back (see the README's Reliability section).
/// </summary>
internal sealed class RedisConnection : IDisposable
{
    private readonly ConnectionMultiplexer _multiplexer;

    public RedisConnection(string configuration, string keyPrefix, StoreGuard guard)
    {
        Guard = guard;
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.AllowAdmin = true; // INFO and CONFIG GET, to read the persistence (RedisDurability); nothing else uses admin commands
        options.ConnectTimeout = Math.Min(options.ConnectTimeout, 2000);
        options.SyncTimeout = Math.Min(options.SyncTimeout, 1000);
        options.AsyncTimeout = Math.Min(options.AsyncTimeout, 1000);
        _multiplexer = ConnectionMultiplexer.Connect(options);
        KeyPrefix = keyPrefix;
    }

    public string KeyPrefix { get; }

    /// <summary>The budget and breaker shared by every Redis call (dedup and outbox): one Redis, one view of its health.</summary>
    public StoreGuard Guard { get; }

    public IDatabase Database => _multiplexer.GetDatabase();

    public bool IsConnected => _multiplexer.IsConnected;

    public RedisKey Key(string suffix) => KeyPrefix + suffix;

    /// <summary>The primaries the client is connected to (one, or each master of a cluster; Sentinel's current primary).</summary>
    public IEnumerable<IServer> Primaries() =>
        _multiplexer.GetServers().Where(s => s.IsConnected && !s.IsReplica && s.ServerType != ServerType.Sentinel);

    public void Dispose() => _multiplexer.Dispose();
}
