using MpEventRelay.Storage;
using StackExchange.Redis;

namespace MpEventRelay.Inbound;

/// <summary>
/// The ledger shared by replicas: the first body hash wins a <c>SET NX</c> that expires with the skew window. When
/// Redis cannot answer within its budget, this replica's own ledger decides.
/// </summary>
internal sealed class RedisSignatureLedger(RedisConnection redis, InMemorySignatureLedger local) : ISignatureLedger
{
    public async Task<bool> BindAsync(string key, string bodyHash, TimeSpan keepFor)
    {
        var redisKey = redis.Key("signature:" + key);
        try
        {
            return await redis.Guard.RunAsync(
                async token =>
                {
                    if (await redis.Database.StringSetAsync(redisKey, bodyHash, keepFor, When.NotExists).WaitAsync(token).ConfigureAwait(false))
                    {
                        return true;
                    }

                    var bound = await redis.Database.StringGetAsync(redisKey).WaitAsync(token).ConfigureAwait(false);
                    return !bound.HasValue || bound == bodyHash;
                },
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (StoreUnavailableException)
        {
            return await local.BindAsync(key, bodyHash, keepFor).ConfigureAwait(false);
        }
    }
}
