using System.Text.Json;
using MpEventRelay.Storage;
using StackExchange.Redis;

namespace MpEventRelay.Outbox;

/// <summary>
/// The outbox shared by replicas: items in a hash, pending ids in a sorted set scored by their next attempt, dead ids
/// in another. A claim moves due ids' scores to the lease's end in one Lua script, so two replicas never take the
/// same item and a replica that dies mid-delivery only delays it until the lease ends.
/// </summary>
internal sealed class RedisOutboxStore(RedisConnection redis) : IOutboxStore
{
    private const string ClaimScript = """
        local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
        local items = {}
        for i, id in ipairs(ids) do
            redis.call('ZADD', KEYS[1], ARGV[2], id)
            items[i] = redis.call('HGET', KEYS[2], id)
        end
        return items
        """;

    private readonly RedisKey _due = redis.Key("outbox:due");
    private readonly RedisKey _dead = redis.Key("outbox:dead");
    private readonly RedisKey _items = redis.Key("outbox:items");

    public string Name => "redis";

    public async Task AddAsync(OutboxItem item, CancellationToken cancellationToken = default)
    {
        var transaction = redis.Database.CreateTransaction();
        _ = transaction.HashSetAsync(_items, item.Id, Serialize(item));
        _ = transaction.SortedSetAddAsync(_due, item.Id, item.NextAttemptAtMs);
        await transaction.ExecuteAsync().ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<OutboxItem>> ClaimDueAsync(long nowMs, long leaseUntilMs, int max, CancellationToken cancellationToken = default)
    {
        var result = await redis.Database.ScriptEvaluateAsync(ClaimScript, [_due, _items], [nowMs, leaseUntilMs, max]).ConfigureAwait(false);
        var items = new List<OutboxItem>();
        foreach (var value in (RedisValue[])result!)
        {
            if (!value.IsNull && Deserialize(value) is { } item)
            {
                items.Add(item);
            }
        }

        return items;
    }

    public async Task RescheduleAsync(OutboxItem item, CancellationToken cancellationToken = default)
    {
        var transaction = redis.Database.CreateTransaction();
        transaction.AddCondition(Condition.HashExists(_items, item.Id));
        _ = transaction.HashSetAsync(_items, item.Id, Serialize(item));
        _ = transaction.SortedSetAddAsync(_due, item.Id, item.NextAttemptAtMs);
        await transaction.ExecuteAsync().ConfigureAwait(false);
    }

    public async Task CompleteAsync(string id, CancellationToken cancellationToken = default)
    {
        var transaction = redis.Database.CreateTransaction();
        _ = transaction.SortedSetRemoveAsync(_due, id);
        _ = transaction.HashDeleteAsync(_items, id);
        await transaction.ExecuteAsync().ConfigureAwait(false);
    }

    public async Task DeadLetterAsync(OutboxItem item, CancellationToken cancellationToken = default)
    {
        var transaction = redis.Database.CreateTransaction();
        _ = transaction.SortedSetRemoveAsync(_due, item.Id);
        _ = transaction.SortedSetAddAsync(_dead, item.Id, item.CreatedAtMs);
        _ = transaction.HashSetAsync(_items, item.Id, Serialize(item));
        await transaction.ExecuteAsync().ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<OutboxItem>> ListDeadLettersAsync(int max, CancellationToken cancellationToken = default)
    {
        var ids = await redis.Database.SortedSetRangeByRankAsync(_dead, 0, max - 1).ConfigureAwait(false);
        if (ids.Length == 0)
        {
            return [];
        }

        var values = await redis.Database.HashGetAsync(_items, ids).ConfigureAwait(false);
        return values.Where(v => !v.IsNull).Select(v => Deserialize(v)).OfType<OutboxItem>().ToList();
    }

    public async Task<bool> ReplayAsync(string id, long nowMs, long expiresAtMs, CancellationToken cancellationToken = default)
    {
        var value = await redis.Database.HashGetAsync(_items, id).ConfigureAwait(false);
        if (value.IsNull || Deserialize(value) is not { } item || await redis.Database.SortedSetScoreAsync(_dead, id).ConfigureAwait(false) is null)
        {
            return false;
        }

        var revived = item with { Attempts = 0, NextAttemptAtMs = nowMs, ExpiresAtMs = expiresAtMs, LastError = null };
        var transaction = redis.Database.CreateTransaction();
        transaction.AddCondition(Condition.SortedSetContains(_dead, id));
        _ = transaction.SortedSetRemoveAsync(_dead, id);
        _ = transaction.HashSetAsync(_items, id, Serialize(revived));
        _ = transaction.SortedSetAddAsync(_due, id, nowMs);
        return await transaction.ExecuteAsync().ConfigureAwait(false);
    }

    public async Task<OutboxStats> StatsAsync(CancellationToken cancellationToken = default)
    {
        var pending = await redis.Database.SortedSetLengthAsync(_due).ConfigureAwait(false);
        var dead = await redis.Database.SortedSetLengthAsync(_dead).ConfigureAwait(false);
        return new OutboxStats(pending, null, dead);
    }

    private static string Serialize(OutboxItem item) => JsonSerializer.Serialize(item);

    private static OutboxItem? Deserialize(RedisValue value) => JsonSerializer.Deserialize<OutboxItem>(value.ToString());
}
