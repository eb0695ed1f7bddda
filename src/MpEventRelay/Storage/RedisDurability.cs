using System.Collections.Concurrent;
using MpEventRelay.Observability;
using StackExchange.Redis;

namespace MpEventRelay.Storage;

/// <summary>
/// What a Redis restart would cost the promise "a 200 is delivered or durable", read from each primary at start and
/// every five minutes: <c>INFO persistence</c> (is AOF on) and <c>CONFIG GET appendfsync</c> (where the server
/// allows CONFIG). No AOF: a restart loses every pending delivery (an RDB snapshot keeps only what it caught);
/// <c>everysec</c>: up to about a second of them; <c>always</c>: none. Logged as a warning when weaker than
/// <c>always</c> (at start and whenever it changes), exported as <c>mprelay_redis_durability</c>, and, with
/// <c>Storage:RequireDurableRedis</c>, kept in readiness.
/// </summary>
internal sealed partial class RedisDurability(RedisConnection redis, RelayMetrics metrics, TimeProvider time, ILogger<RedisDurability> logger) : BackgroundService
{
    /// <summary>No AOF (or appendfsync no): a restart loses pending deliveries.</summary>
    public const int None = 0;

    /// <summary>appendfsync everysec: up to about a second.</summary>
    public const int EverySecond = 1;

    /// <summary>appendfsync always: nothing answered 200 is lost.</summary>
    public const int EveryWrite = 2;

    /// <summary>Could not be read (CONFIG refused, server unreachable).</summary>
    public const int Unknown = -1;

    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, (int Level, string Setting)> _servers = new(StringComparer.Ordinal);

    /// <summary>The primaries whose restart could lose a push answered 200, with their setting; empty when none (or none read yet).</summary>
    public IReadOnlyList<string> Weak() =>
        _servers.Where(s => s.Value.Level != EveryWrite).Select(s => $"{s.Key}: {s.Value.Setting}").Order(StringComparer.Ordinal).ToList();

    /// <summary>True once at least one primary has been read.</summary>
    public bool HasRead => !_servers.IsEmpty;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var read = false;
            try
            {
                read = await CheckAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogCheckFailed(e.Message); // never fatal to the host
            }

            var delay = read ? Interval : TimeSpan.FromSeconds(5); // none reachable yet: soon again
            try
            {
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Reads every connected primary; false when none could be read.</summary>
    public async Task<bool> CheckAsync(CancellationToken cancellationToken)
    {
        var read = false;
        foreach (var server in redis.Primaries())
        {
            var name = server.EndPoint.ToString() ?? "redis";
            var (level, setting) = await ReadAsync(server, cancellationToken).ConfigureAwait(false);
            if (level == Unknown && setting.Length == 0)
            {
                continue; // unreachable this time
            }

            read = true;
            metrics.RedisDurability(name, level);
            var previous = _servers.TryGetValue(name, out var before) ? before.Level : (int?)null;
            _servers[name] = (level, setting);
            if (previous != level && level != EveryWrite)
            {
                LogWeak(name, setting);
            }
        }

        return read;
    }

    private static async Task<(int Level, string Setting)> ReadAsync(IServer server, CancellationToken cancellationToken)
    {
        string? aof;
        try
        {
            var info = await server.InfoAsync("persistence").WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            aof = info.SelectMany(g => g).FirstOrDefault(p => p.Key == "aof_enabled").Value;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (Unknown, "");
        }

        if (aof != "1")
        {
            return (None, "appendonly no: a Redis restart loses every pending delivery (set appendonly yes, appendfsync always)");
        }

        try
        {
            var fsync = (await server.ConfigGetAsync("appendfsync").WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false)).FirstOrDefault().Value;
            return fsync switch
            {
                "always" => (EveryWrite, "appendfsync always"),
                "everysec" => (EverySecond, "appendfsync everysec: a Redis crash can lose about the last second of pending deliveries (set appendfsync always)"),
                _ => (None, $"appendfsync {fsync}: the OS decides when pending deliveries reach the disk (set appendfsync always)"),
            };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (Unknown, "appendonly yes, appendfsync unknown (CONFIG GET refused): check that it is always");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis persistence could not be read: {Reason}")]
    private partial void LogCheckFailed(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis {Server} may lose pushes already answered 200 if it restarts: {Setting}. See the README's Reliability section")]
    private partial void LogWeak(string server, string setting);
}
