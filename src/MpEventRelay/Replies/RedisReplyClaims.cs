using MpEventRelay.Storage;
using StackExchange.Redis;

namespace MpEventRelay.Replies;

/// <summary>
/// Claims shared by replicas: a <c>SET NX</c> kept an hour. When Redis cannot answer, this replica's claims decide
/// (the late reply is then delivered at most once per replica; the README says so).
/// </summary>
internal sealed class RedisReplyClaims(RedisConnection redis, InMemoryReplyClaims local) : IReplyClaims
{
    public async Task<bool> TryClaimAsync(string dedupKey)
    {
        if (!await local.TryClaimAsync(dedupKey).ConfigureAwait(false))
        {
            return false;
        }

        try
        {
            return await redis.Guard.RunAsync(
                token => redis.Database.StringSetAsync(redis.Key("reply-claim:" + dedupKey), Environment.MachineName, TimeSpan.FromHours(1), When.NotExists).WaitAsync(token),
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (StoreUnavailableException)
        {
            return true;
        }
    }
}
