using System.Text.Json;
using MpEventRelay.Observability;
using MpEventRelay.Storage;
using StackExchange.Redis;

namespace MpEventRelay.Outbox;

/// <summary>
/// The outbox shared by replicas, one lane per account and target. A lane is three keys with one hash tag
/// (<c>outbox:{lane}:due</c>, <c>:items</c>, <c>:dead</c>, <c>:created</c>), so every script and transaction touches one slot and
/// works on Redis Cluster, while different targets spread over the cluster's slots; <c>:created</c> scores pending ids
/// by creation, for the lane's oldest age. A set (<c>outbox:lanes</c>)
/// names the lanes ever written, written in the same pipeline as the lane itself. The due set is scored by the next
/// attempt; a claim moves due ids' scores to the lease's end in one script, so two replicas never take the same
/// item and one that dies mid-delivery only delays it until the lease ends. Dead letters are scored by creation.
/// StackExchange.Redis takes no tokens: each call stops being awaited when the caller's token fires.
/// </summary>
internal sealed class RedisOutboxStore(RedisConnection redis) : IOutboxStore
{
    // ARGV: (id, item, next attempt, creation) per item. HSETNX: an id the lane already holds (a copy that reached
    // Redis although the client saw its write fail) stays as it is, so moving the fall-back's copy makes no second one.
    private const string AddScript = """
        for i = 1, #ARGV, 4 do
            if redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1]) == 1 then
                redis.call('ZADD', KEYS[2], ARGV[i + 2], ARGV[i])
                redis.call('ZADD', KEYS[3], ARGV[i + 3], ARGV[i])
            end
        end
        return 0
        """;

    private const string ClaimScript = """
        local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
        local items = {}
        for i, id in ipairs(ids) do
            redis.call('ZADD', KEYS[1], ARGV[2], id)
            items[i] = redis.call('HGET', KEYS[2], id)
        end
        return items
        """;

    // Complete (ARGV[2] empty) or dead-letter; a dead lane beyond ARGV[4] loses its oldest. Returns how many were dropped.
    private const string LeaveScript = """
        redis.call('ZREM', KEYS[1], ARGV[1])
        redis.call('ZREM', KEYS[4], ARGV[1])
        if ARGV[2] == '' then
            redis.call('HDEL', KEYS[2], ARGV[1])
            return 0
        end
        redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
        redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
        local excess = redis.call('ZCARD', KEYS[3]) - tonumber(ARGV[4])
        if excess <= 0 then
            return 0
        end
        local oldest = redis.call('ZPOPMIN', KEYS[3], excess)
        for i = 1, #oldest, 2 do
            redis.call('HDEL', KEYS[2], oldest[i])
        end
        return excess
        """;

    private const int ScanChunk = 500;

    private readonly RedisKey _lanes = redis.Key("outbox:lanes");

    public string Name => "redis";

    public StoreGuard Guard => redis.Guard;

    public async Task AddAsync(IReadOnlyList<OutboxItem> items, CancellationToken cancellationToken)
    {
        var database = redis.Database;
        var lanes = items.GroupBy(i => i.TargetKey).ToList();
        var writes = new List<Task<RedisResult>>(lanes.Count);
        var named = database.SetAddAsync(_lanes, lanes.Select(l => (RedisValue)l.Key).ToArray());
        foreach (var lane in lanes)
        {
            var keys = new LaneKeys(redis, lane.Key);
            var arguments = lane.SelectMany(item => new RedisValue[] { item.Id, Serialize(item), item.NextAttemptAtMs, item.CreatedAtMs }).ToArray();
            writes.Add(database.ScriptEvaluateAsync(AddScript, [keys.Items, keys.Due, keys.Created], arguments));
        }

        try
        {
            await Task.WhenAll(writes.Append<Task>(named)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // A lane is one script, but lanes are different slots: several cannot commit together on a cluster.
            // When one fails, the others are taken back (queued behind them on the same connection), so the caller's
            // fall-back holds the only copy; one that survives is a second copy with the same Idempotency-Key.
            foreach (var lane in lanes)
            {
                var keys = new LaneKeys(redis, lane.Key);
                var ids = lane.Select(i => (RedisValue)i.Id).ToArray();
                _ = database.SortedSetRemoveAsync(keys.Due, ids, CommandFlags.FireAndForget);
                _ = database.SortedSetRemoveAsync(keys.Created, ids, CommandFlags.FireAndForget);
                _ = database.HashDeleteAsync(keys.Items, ids, CommandFlags.FireAndForget);
            }

            throw;
        }
    }

    public async Task<IReadOnlyList<OutboxItem>> ClaimDueAsync(string lane, long nowMs, long leaseUntilMs, int max, CancellationToken cancellationToken)
    {
        var keys = new LaneKeys(redis, lane);
        var result = await redis.Database.ScriptEvaluateAsync(ClaimScript, [keys.Due, keys.Items], [nowMs, leaseUntilMs, max]).WaitAsync(cancellationToken).ConfigureAwait(false);
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

    public Task RenewLeasesAsync(IReadOnlyList<OutboxItem> items, long leaseUntilMs, CancellationToken cancellationToken)
    {
        // XX: only ids still pending; GT: never earlier than a reschedule already set.
        var renewals = items.GroupBy(i => i.TargetKey).Select(lane => redis.Database.SortedSetAddAsync(
            new LaneKeys(redis, lane.Key).Due,
            lane.Select(i => new SortedSetEntry(i.Id, leaseUntilMs)).ToArray(),
            SortedSetWhen.Exists | SortedSetWhen.GreaterThan));
        return Task.WhenAll(renewals).WaitAsync(cancellationToken);
    }

    public async Task RescheduleAsync(OutboxItem item, CancellationToken cancellationToken)
    {
        var keys = new LaneKeys(redis, item.TargetKey);
        var transaction = redis.Database.CreateTransaction();
        transaction.AddCondition(Condition.SortedSetContains(keys.Due, item.Id));
        _ = transaction.HashSetAsync(keys.Items, item.Id, Serialize(item));
        _ = transaction.SortedSetAddAsync(keys.Due, item.Id, item.NextAttemptAtMs);
        await transaction.ExecuteAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task CompleteAsync(OutboxItem item, CancellationToken cancellationToken)
    {
        var keys = new LaneKeys(redis, item.TargetKey);
        return redis.Database.ScriptEvaluateAsync(LeaveScript, [keys.Due, keys.Items, keys.Dead, keys.Created], [item.Id, "", 0, 0]).WaitAsync(cancellationToken);
    }

    public async Task<int> DeadLetterAsync(OutboxItem item, int maxDeadPerLane, CancellationToken cancellationToken)
    {
        var keys = new LaneKeys(redis, item.TargetKey);
        var dropped = await redis.Database.ScriptEvaluateAsync(LeaveScript, [keys.Due, keys.Items, keys.Dead, keys.Created], [item.Id, Serialize(item), item.CreatedAtMs, maxDeadPerLane]).WaitAsync(cancellationToken).ConfigureAwait(false);
        return (int)dropped;
    }

    public async Task<IReadOnlyList<OutboxItem>> DeadLettersAsync(DeadLetterRange range, int max, CancellationToken cancellationToken)
    {
        var found = new List<OutboxItem>();
        foreach (var lane in await LanesAsync(cancellationToken).ConfigureAwait(false))
        {
            var (account, target) = OutboxItem.SplitKey(lane);
            if (range.Matches(account, target))
            {
                found.AddRange(await DeadLettersOfLaneAsync(new LaneKeys(redis, lane), range, max, cancellationToken).ConfigureAwait(false));
            }
        }

        return found.OrderBy(i => i.CreatedAtMs).ThenBy(i => i.Id, StringComparer.Ordinal).Take(max).ToList();
    }

    public async Task<OutboxItem?> FindDeadLetterAsync(string id, CancellationToken cancellationToken)
    {
        foreach (var lane in await LanesAsync(cancellationToken).ConfigureAwait(false))
        {
            var keys = new LaneKeys(redis, lane);
            if (await redis.Database.SortedSetScoreAsync(keys.Dead, id).WaitAsync(cancellationToken).ConfigureAwait(false) is not null)
            {
                var value = await redis.Database.HashGetAsync(keys.Items, id).WaitAsync(cancellationToken).ConfigureAwait(false);
                return value.IsNull ? null : Deserialize(value);
            }
        }

        return null;
    }

    public async Task<bool> ReplayAsync(OutboxItem deadLetter, long nowMs, long expiresAtMs, CancellationToken cancellationToken)
    {
        var keys = new LaneKeys(redis, deadLetter.TargetKey);
        var revived = deadLetter with { Attempts = 0, NextAttemptAtMs = nowMs, ExpiresAtMs = expiresAtMs, LastError = null };
        var transaction = redis.Database.CreateTransaction();
        transaction.AddCondition(Condition.SortedSetContains(keys.Dead, deadLetter.Id));
        _ = transaction.SortedSetRemoveAsync(keys.Dead, deadLetter.Id);
        _ = transaction.HashSetAsync(keys.Items, deadLetter.Id, Serialize(revived));
        _ = transaction.SortedSetAddAsync(keys.Due, deadLetter.Id, nowMs);
        _ = transaction.SortedSetAddAsync(keys.Created, deadLetter.Id, deadLetter.CreatedAtMs);
        return await transaction.ExecuteAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<OutboxStats> StatsAsync(CancellationToken cancellationToken) =>
        OutboxStats.Sum((await LaneStatsAsync(cancellationToken).ConfigureAwait(false)).Values);

    // Three reads per lane, pipelined: ZCARD due, ZCARD dead, the lowest creation score.
    public async Task<IReadOnlyDictionary<string, OutboxStats>> LaneStatsAsync(CancellationToken cancellationToken)
    {
        var database = redis.Database;
        var reads = (await LanesAsync(cancellationToken).ConfigureAwait(false)).Select(lane =>
        {
            var keys = new LaneKeys(redis, lane);
            return (Lane: lane,
                Pending: database.SortedSetLengthAsync(keys.Due),
                Dead: database.SortedSetLengthAsync(keys.Dead),
                Oldest: database.SortedSetRangeByRankWithScoresAsync(keys.Created, 0, 0));
        }).ToList();
        await Task.WhenAll(reads.SelectMany(r => new Task[] { r.Pending, r.Dead, r.Oldest })).WaitAsync(cancellationToken).ConfigureAwait(false);
        return reads.ToDictionary(
            r => r.Lane,
            r => new OutboxStats(r.Pending.Result, r.Oldest.Result is [var first, ..] ? (long)first.Score : null, r.Dead.Result),
            StringComparer.Ordinal);
    }

    private async Task<IReadOnlyList<OutboxItem>> DeadLettersOfLaneAsync(LaneKeys keys, DeadLetterRange range, int max, CancellationToken cancellationToken)
    {
        // Scores are creation times; equal scores are ordered by id, as the cursor is.
        var from = Math.Max(range.SinceMs, range.AfterCreatedAtMs ?? long.MinValue);
        var ids = new List<RedisValue>();
        for (var skip = 0L; ids.Count < max; skip += ScanChunk)
        {
            var entries = await redis.Database.SortedSetRangeByScoreWithScoresAsync(keys.Dead, from, range.UntilMs, Exclude.None, Order.Ascending, skip, ScanChunk).WaitAsync(cancellationToken).ConfigureAwait(false);
            ids.AddRange(entries.Where(e => range.IsAfterCursor((long)e.Score, e.Element.ToString())).Select(e => e.Element));
            if (entries.Length < ScanChunk)
            {
                break;
            }
        }

        if (ids.Count == 0)
        {
            return [];
        }

        var values = await redis.Database.HashGetAsync(keys.Items, ids.Take(max).ToArray()).WaitAsync(cancellationToken).ConfigureAwait(false);
        return values.Where(v => !v.IsNull).Select(v => Deserialize(v)).OfType<OutboxItem>().ToList();
    }

    private async Task<IReadOnlyList<string>> LanesAsync(CancellationToken cancellationToken) =>
        (await redis.Database.SetMembersAsync(_lanes).WaitAsync(cancellationToken).ConfigureAwait(false)).Select(v => v.ToString()).Order(StringComparer.Ordinal).ToList();

    private static string Serialize(OutboxItem item) => JsonSerializer.Serialize(item);

    private static OutboxItem? Deserialize(RedisValue value) => JsonSerializer.Deserialize<OutboxItem>(value.ToString());

    /// <summary>A lane's keys: one hash tag (the escaped lane, so no brace of a name can move it), hence one slot.</summary>
    private readonly struct LaneKeys(RedisConnection redis, string lane)
    {
        private readonly string _tag = "outbox:{" + Uri.EscapeDataString(lane) + "}:";

        public RedisKey Due => redis.Key(_tag + "due");

        public RedisKey Items => redis.Key(_tag + "items");

        public RedisKey Dead => redis.Key(_tag + "dead");

        public RedisKey Created => redis.Key(_tag + "created");
    }
}
