namespace MpEventRelay.IntegrationTests.Infrastructure;

/// <summary>
/// A Sentinel set-up of the test's own on loopback: a primary, one replica of it and one redis-sentinel (quorum 1)
/// that sees the primary down after a second and promotes the replica. Clients connect through the sentinel by
/// service name, as StackExchange.Redis does in production (<c>host:port,serviceName=…</c>).
/// </summary>
internal sealed class RedisSentinelSet : IDisposable
{
    public const string ServiceName = "mymaster";

    private RedisSentinelSet(OwnRedisServer primary, OwnRedisServer replica, OwnRedisServer sentinel)
    {
        Primary = primary;
        Replica = replica;
        Sentinel = sentinel;
    }

    public OwnRedisServer Primary { get; }

    public OwnRedisServer Replica { get; }

    public OwnRedisServer Sentinel { get; }

    /// <summary>The client configuration: the sentinel's address and the service name.</summary>
    public string Configuration => $"{Sentinel.Configuration},serviceName={ServiceName}";

    /// <summary>
    /// Starts the three and returns once the replica is in sync and the sentinel knows it (Sentinel learns of replicas
    /// from the primary's INFO, so a failover needs that first).
    /// </summary>
    public static async Task<RedisSentinelSet> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "mprelay-tests", "sentinel-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        // No persistence: a failover is what keeps the data here. No diskless-sync delay: the replica syncs at once.
        var primary = OwnRedisServer.Start("--save \"\" --appendonly no --repl-diskless-sync-delay 0", directory);
        var replica = OwnRedisServer.Start($"--save \"\" --appendonly no --replicaof 127.0.0.1 {primary.Port}", directory);
        if (!await Eventually.TrueAsync(() => replica.Output.Contains("MASTER <-> REPLICA sync: Finished with success", StringComparison.Ordinal), TimeSpan.FromSeconds(20)))
        {
            throw new InvalidOperationException("the replica did not sync: " + replica.Output);
        }

        var sentinel = OwnRedisServer.StartSentinel(primary, ServiceName, directory);
        var set = new RedisSentinelSet(primary, replica, sentinel);
        if (!await Eventually.TrueAsync(() => sentinel.Output.Contains($"+slave slave 127.0.0.1:{replica.Port}", StringComparison.Ordinal), TimeSpan.FromSeconds(20)))
        {
            set.Dispose();
            throw new InvalidOperationException("the sentinel did not find the replica: " + sentinel.Output);
        }

        return set;
    }

    /// <summary>
    /// Whether the sentinel has promoted the replica: it logs <c>+switch-master</c> once the replica took
    /// <c>REPLICAOF NO ONE</c> and clients are told the new address. Read from the sentinel's log rather than by
    /// connecting to the replica, whose 1 s connect was seen to time out on a busy CI machine.
    /// </summary>
    public bool ReplicaPromoted() =>
        Sentinel.Output.Contains($"+switch-master {ServiceName} 127.0.0.1 {Primary.Port} 127.0.0.1 {Replica.Port}", StringComparison.Ordinal);

    public void Dispose()
    {
        Sentinel.Dispose();
        Replica.Dispose();
        Primary.Dispose();
    }
}
