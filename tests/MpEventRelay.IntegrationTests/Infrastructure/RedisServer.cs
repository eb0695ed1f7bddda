namespace MpEventRelay.IntegrationTests.Infrastructure;

/// <summary>
/// A real Redis for the tests: the one named by MPRELAY_TEST_REDIS (host:port), or a redis-server started here. Without
/// either, the tests that need Redis fail with that message; they are never skipped.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private readonly OwnRedisServer? _own;

    public RedisServer()
    {
        var given = Environment.GetEnvironmentVariable("MPRELAY_TEST_REDIS");
        if (!string.IsNullOrWhiteSpace(given))
        {
            Configuration = given;
            return;
        }

        _own = OwnRedisServer.Start();
        Configuration = _own.Configuration;
    }

    /// <summary>The StackExchange.Redis configuration string.</summary>
    public string Configuration { get; }

    public void Dispose() => _own?.Dispose();
}
