namespace MpEventRelay.IntegrationTests.Infrastructure;

/// <summary>Tests that share one real Redis server.</summary>
[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisServer>
{
    public const string Name = "redis";
}
