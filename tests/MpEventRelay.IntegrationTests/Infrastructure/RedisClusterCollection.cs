namespace MpEventRelay.IntegrationTests.Infrastructure;

/// <summary>Tests that share one real three-master Redis Cluster.</summary>
[CollectionDefinition(Name)]
public sealed class RedisClusterCollection : ICollectionFixture<RedisCluster>
{
    public const string Name = "redis-cluster";
}
