using System.Text.Json;
using MpEventRelay.Storage;
using StackExchange.Redis;

namespace MpEventRelay.Outbox;

/// <summary>
/// The outbox shared by replicas: items in a hash, pending ids in a sorted set scored by their next attempt, dead ids
/// in another, pending counts per target in a third hash (for the per-target limit). A claim moves due ids' scores to
/// the lease's end in one Lua script, so two replicas never take the same item and a replica that dies mid-delivery
/// only delays it until the lease ends. StackExchange.Redis takes no tokens: each call stops being awaited when the
/// caller's token fires.
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

    // Leaves the pending set once (complete or dead-letter), so the per-target count drops once.
    private const string LeaveScript = """
        if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then
            redis.call('HINCRBY', KEYS[3], ARGV[2], -1)
        end
        if ARGV[3] == '' then
            redis.call('HDEL', KEYS[2], ARGV[1])
        else
            redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
            redis.call('ZADD', KEYS[4], ARGV[4], ARGV[1])
        end
        return 1
        """;

    private readonly RedisKey _due = redis.Key("outbox:due");
    private readonly RedisKey _dead = redis.Key("outbox:dead");
    private readonly RedisKey _items = redis.Key("outbox:items");
    private readonly RedisKey _counts = redis.Key("outbox:pending-by-target");

    public string Name => "redis";

    public StoreGuard Guard => redis.Guard;

    public async Task AddAsync(IReadOnlyList<OutboxItem> items, CancellationToken cancellationToken)
    {
        var transaction = redis.Database.CreateTransaction();
        foreach (var item in items)
        {
            _ = transaction.HashSetAsync(_items, item.Id, Serialize(item));
            _ = transaction.SortedSetAddAsync(_due, item.Id, item.NextAttemptAtMs);
            _ = transaction.HashIncrementAsync(_counts, item.TargetKey);
        }

        await transaction.ExecuteAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<OutboxItem>> ClaimDueAsync(long nowMs, long leaseUntilMs, int max, CancellationToken cancellationToken)
    {
        var result = await redis.Database.ScriptEvaluateAsync(ClaimScript, [_due, _items], [nowMs, leaseUntilMs, max]).WaitAsync(cancellationToken).ConfigureAwait(false);
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

    public async Task RescheduleAsync(OutboxItem item, CancellationToken cancellationToken)
    {
        var transaction = redis.Database.CreateTransaction();
        transaction.AddCondition(Condition.SortedSetContains(_due, item.Id));
        _ = transaction.HashSetAsync(_items, item.Id, Serialize(item));
        _ = transaction.SortedSetAddAsync(_due, item.Id, item.NextAttemptAtMs);
        await transaction.ExecuteAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task CompleteAsync(OutboxItem item, CancellationToken cancellationToken) =>
        redis.Database.ScriptEvaluateAsync(LeaveScript, [_due, _items, _counts, _dead], [item.Id, item.TargetKey, "", 0]).WaitAsync(cancellationToken);

    public Task DeadLetterAsync(OutboxItem item, CancellationToken cancellationToken) =>
        redis.Database.ScriptEvaluateAsync(LeaveScript, [_due, _items, _counts, _dead], [item.Id, item.TargetKey, Serialize(item), item.CreatedAtMs]).WaitAsync(cancellationToken);

    public async Task<IReadOnlyList<OutboxItem>> ListDeadLettersAsync(int max, CancellationToken cancellationToken)
    {
        var ids = await redis.Database.SortedSetRangeByRankAsync(_dead, 0, max - 1).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (ids.Length == 0)
        {
            return [];
        }

        var values = await redis.Database.HashGetAsync(_items, ids).WaitAsync(cancellationToken).ConfigureAwait(false);
        return values.Where(v => !v.IsNull).Select(v => Deserialize(v)).OfType<OutboxItem>().ToList();
    }

    public async Task<bool> ReplayAsync(string id, long nowMs, long expiresAtMs, CancellationToken cancellationToken)
    {
        var value = await redis.Database.HashGetAsync(_items, id).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (value.IsNull || Deserialize(value) is not { } item || await redis.Database.SortedSetScoreAsync(_dead, id).WaitAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            return false;
        }

        var revived = item with { Attempts = 0, NextAttemptAtMs = nowMs, ExpiresAtMs = expiresAtMs, LastError = null };
        var transaction = redis.Database.CreateTransaction();
        transaction.AddCondition(Condition.SortedSetContains(_dead, id));
        _ = transaction.SortedSetRemoveAsync(_dead, id);
        _ = transaction.HashSetAsync(_items, id, Serialize(revived));
        _ = transaction.SortedSetAddAsync(_due, id, nowMs);
        _ = transaction.HashIncrementAsync(_counts, item.TargetKey);
        return await transaction.ExecuteAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<OutboxStats> StatsAsync(CancellationToken cancellationToken)
    {
        var pending = redis.Database.SortedSetLengthAsync(_due);
        var dead = redis.Database.SortedSetLengthAsync(_dead);
        await Task.WhenAll(pending, dead).WaitAsync(cancellationToken).ConfigureAwait(false);
        return new OutboxStats(pending.Result, null, dead.Result);
    }

    public async Task<IReadOnlyDictionary<string, long>> PendingByTargetAsync(CancellationToken cancellationToken)
    {
        var entries = await redis.Database.HashGetAllAsync(_counts).WaitAsync(cancellationToken).ConfigureAwait(false);
        return entries.ToDictionary(e => e.Name.ToString(), e => (long)e.Value, StringComparer.Ordinal);
    }

    private static string Serialize(OutboxItem item) => JsonSerializer.Serialize(item);

    private static OutboxItem? Deserialize(RedisValue value) => JsonSerializer.Deserialize<OutboxItem>(value.ToString());
}
