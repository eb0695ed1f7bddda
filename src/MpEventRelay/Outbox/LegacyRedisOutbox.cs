using System.Text.Json;
using MpEventRelay.Storage;
using StackExchange.Redis;

namespace MpEventRelay.Outbox;

/// <summary>
/// The Redis outbox's layout before lanes (<c>outbox:items</c>, <c>outbox:due</c>, <c>outbox:dead</c>,
/// <c>outbox:pending-by-target</c>: one slot, which Redis Cluster refused). A relay upgraded on a Redis that still holds
/// them moves their records into the lanes, pending ones due now and dead letters as dead letters, then deletes the
/// old keys, so an upgrade loses nothing. Checked each worker cycle (one EXISTS): a replica of the old version still
/// writing during a rolling upgrade is picked up too.
/// </summary>
internal sealed partial class LegacyRedisOutbox(RedisConnection redis, RedisOutboxStore lanes, ILogger<LegacyRedisOutbox> logger)
{
    private readonly RedisKey _items = redis.Key("outbox:items");
    private readonly RedisKey _due = redis.Key("outbox:due");
    private readonly RedisKey _dead = redis.Key("outbox:dead");
    private readonly RedisKey _counts = redis.Key("outbox:pending-by-target");

    public StoreGuard Guard => redis.Guard;

    /// <summary>Moves what the old keys hold; returns how many records moved.</summary>
    public async Task<int> MoveAsync(int maxDeadPerLane, long nowMs, CancellationToken cancellationToken)
    {
        var database = redis.Database;
        if (!await database.KeyExistsAsync(_items).WaitAsync(cancellationToken).ConfigureAwait(false))
        {
            return 0;
        }

        var dead = (await database.SortedSetRangeByRankAsync(_dead).WaitAsync(cancellationToken).ConfigureAwait(false)).Select(v => v.ToString()).ToHashSet(StringComparer.Ordinal);
        var moved = 0;
        foreach (var entry in await database.HashGetAllAsync(_items).WaitAsync(cancellationToken).ConfigureAwait(false))
        {
            if (JsonSerializer.Deserialize<OutboxItem>(entry.Value.ToString()) is not { } item)
            {
                continue;
            }

            await lanes.AddAsync([item with { NextAttemptAtMs = nowMs }], cancellationToken).ConfigureAwait(false);
            if (dead.Contains(item.Id))
            {
                await lanes.DeadLetterAsync(item, maxDeadPerLane, cancellationToken).ConfigureAwait(false);
            }

            await database.HashDeleteAsync(_items, item.Id).WaitAsync(cancellationToken).ConfigureAwait(false);
            moved++;
        }

        foreach (var key in new[] { _due, _dead, _counts })
        {
            await database.KeyDeleteAsync(key).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        LogMoved(moved);
        return moved;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox: moved {Count} records from the Redis layout of an earlier version into the per-target lanes")]
    private partial void LogMoved(int count);
}
