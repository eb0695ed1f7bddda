using MpEventRelay.Configuration;
using MpEventRelay.Model;
using MpEventRelay.Storage;
using StackExchange.Redis;

namespace MpEventRelay.Dedup;

/// <summary>
/// Dedup shared by replicas. Within a replica, attempts join through the in-memory store; across replicas, the first
/// to <c>SET NX</c> the key owns the delivery and keeps a short "pending" lease alive while it works, then stores the
/// answer. Others wait for the answer; if the owner dies, its lease lapses within seconds and the next attempt takes
/// over. When Redis cannot be reached the relay keeps answering: dedup falls back to this replica alone.
/// </summary>
internal sealed partial class RedisDedupStore(
    InMemoryDedupStore local,
    RedisConnection redis,
    RelayModelProvider models,
    Observability.RelayMetrics metrics,
    TimeProvider time,
    ILogger<RedisDedupStore> logger) : IDedupStore
{
    private const string Pending = "pending";
    private static readonly TimeSpan PendingLease = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    public Task<RelayAnswer> RunOnceAsync(string key, Func<Task<RelayAnswer>> work) =>
        local.RunOnceAsync(key, () => AcrossReplicasAsync(redis.Key("dedup:" + key), work));

    private async Task<RelayAnswer> AcrossReplicasAsync(RedisKey key, Func<Task<RelayAnswer>> work)
    {
        var giveUp = time.GetTimestamp();
        var waitLimit = models.Current.Options.DeliveryTimeout + PendingLease;
        while (true)
        {
            RedisValue value;
            try
            {
                if (await redis.Database.StringSetAsync(key, Pending, PendingLease, When.NotExists).ConfigureAwait(false))
                {
                    return await OwnAsync(key, work).ConfigureAwait(false);
                }

                value = await redis.Database.StringGetAsync(key).ConfigureAwait(false);
            }
            catch (RedisException e)
            {
                LogUnreachable(e.GetType().Name);
                return await work().ConfigureAwait(false);
            }

            if (value.HasValue && value != Pending)
            {
                metrics.DedupHit();
                return Decode(value);
            }

            if (time.GetElapsedTime(giveUp) > waitLimit)
            {
                return RelayAnswer.Success("duplicate-wait-expired");
            }

            await Task.Delay(PollInterval, time).ConfigureAwait(false);
        }
    }

    private async Task<RelayAnswer> OwnAsync(RedisKey key, Func<Task<RelayAnswer>> work)
    {
        RelayAnswer answer;
        // Keep the lease alive while the delivery runs, so a dead owner is replaced quickly and a live one is not.
        using (time.CreateTimer(_ => redis.Database.KeyExpire(key, PendingLease, CommandFlags.FireAndForget), null, PendingLease / 3, PendingLease / 3))
        {
            answer = await work().ConfigureAwait(false);
        }

        try
        {
            await redis.Database.StringSetAsync(key, Encode(answer), models.Current.Options.Dedup.Expiry).ConfigureAwait(false);
        }
        catch (RedisException e)
        {
            LogUnreachable(e.GetType().Name);
        }

        return answer;
    }

    private static string Encode(RelayAnswer answer) =>
        answer.Outcome + "\n" + (answer.ReplyXml is null ? string.Empty : Convert.ToBase64String(answer.ReplyXml));

    private static RelayAnswer Decode(RedisValue value)
    {
        var text = value.ToString();
        var split = text.IndexOf('\n', StringComparison.Ordinal);
        if (split < 0)
        {
            return RelayAnswer.Success("duplicate");
        }

        var reply = text[(split + 1)..];
        return new RelayAnswer(reply.Length == 0 ? null : Convert.FromBase64String(reply), text[..split]);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis unreachable for dedup ({Error}); this replica dedupes alone until it is back")]
    private partial void LogUnreachable(string error);
}
