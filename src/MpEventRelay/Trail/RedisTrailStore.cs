using System.Buffers;
using System.Text.Json;
using MpEventRelay.Configuration.Loading;
using MpEventRelay.Storage;
using StackExchange.Redis;

namespace MpEventRelay.Trail;

/// <summary>
/// The trail in Redis, shared by every replica. Per push, under one hash tag (<c>trail:{id}:…</c>): its events as a list
/// of <see cref="TrailLine"/>s (the newest <see cref="TrailSearch.MaxEventsPerPush"/> kept) and a hash (<c>:meta</c>)
/// with its first WeChat try (which describes it), its bytes and its event count. Sorted sets index the pushes: every
/// push by its first try's time (<c>trail:idx</c>), and by OpenID hash and route; a hash maps MsgIds; sorted sets by
/// target, outcome and failure (scored by the event's time) — so a search reads only the pushes its most selective
/// filter names. Pruning (retention, pushes, bytes) removes the oldest pushes' keys and their index entries; every key
/// also expires a day after the retention, should no replica prune. Single-key commands only: it works on Redis Cluster.
/// </summary>
internal sealed class RedisTrailStore(RedisConnection redis, RelayModelProvider models) : ITrailStore
{
    /// <summary>The most candidates a search reads before it answers with what it found: a bound on its time.</summary>
    public const int MaxCandidates = 20_000;

    private const int Chunk = 500;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly RedisKey _all = redis.Key("trail:idx");
    private readonly RedisKey _bytes = redis.Key("trail:bytes");
    private readonly RedisKey _msgIds = redis.Key("trail:msgids");
    private readonly RedisKey _eventIndexes = redis.Key("trail:event-indexes");

    public async Task AddAsync(IReadOnlyList<TrailEvent> events, int rowPushes, CancellationToken cancellationToken)
    {
        var database = redis.Database;
        var expiry = models.Current.Options.Trail.Retention + TimeSpan.FromDays(1); // should no replica prune
        var writes = new List<Task>(events.Count * 4);
        var heads = new List<(TrailEvent Event, Task<bool> IsFirst)>();
        var pushes = new HashSet<string>(StringComparer.Ordinal);
        var buffer = new ArrayBufferWriter<byte>(512);
        await using var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        foreach (var e in events)
        {
            buffer.ResetWrittenCount();
            json.Reset(buffer);
            TrailLine.Write(json, e);
            json.Flush();
            var line = buffer.WrittenSpan.ToArray();
            pushes.Add(e.TrailId);
            writes.Add(database.ListRightPushAsync(EventsKey(e.TrailId), line));
            writes.Add(database.HashIncrementAsync(MetaKey(e.TrailId), "bytes", line.Length));
            writes.Add(database.HashIncrementAsync(MetaKey(e.TrailId), "events", 1));
            writes.Add(database.StringIncrementAsync(_bytes, line.Length));
            if (e.Kind == TrailEventKind.WeChatTry)
            {
                heads.Add((e, database.HashSetAsync(MetaKey(e.TrailId), "head", line, When.NotExists)));
                if (e.Detail is { } detail)
                {
                    writes.Add(Index(database, "outcome", TrailLine.OutcomeOf(detail).ToString(), e.TrailId, e.AtMs));
                }
            }
            else if (e.Target is { } target)
            {
                writes.Add(Index(database, "target", target, e.TrailId, e.AtMs));
                if (e.Error is not null && e.Kind is TrailEventKind.Delivery or TrailEventKind.DeadLetter)
                {
                    writes.Add(Index(database, "failed", "all", e.TrailId, e.AtMs));
                }
            }
        }

        foreach (var id in pushes)
        {
            writes.Add(database.ListTrimAsync(EventsKey(id), -TrailSearch.MaxEventsPerPush, -1));
            writes.Add(database.KeyExpireAsync(EventsKey(id), expiry));
            writes.Add(database.KeyExpireAsync(MetaKey(id), expiry));
        }

        await Task.WhenAll(writes.Concat(heads.Select(h => (Task)h.IsFirst))).WaitAsync(cancellationToken).ConfigureAwait(false);

        // A push's first try opens it: the indexes that describe it, scored by its time.
        var opened = new List<Task>();
        foreach (var (e, isFirst) in heads)
        {
            if (!isFirst.Result)
            {
                continue;
            }

            opened.Add(database.SortedSetAddAsync(_all, e.TrailId, e.AtMs));
            opened.Add(Index(database, "route", e.Route ?? "-", e.TrailId, e.AtMs));
            if (e.OpenIdHash is { } openId)
            {
                opened.Add(Index(database, "openid", openId, e.TrailId, e.AtMs));
            }

            if (e.MsgId is { } msgId)
            {
                opened.Add(database.HashSetAsync(_msgIds, msgId, e.TrailId));
            }
        }

        await Task.WhenAll(opened).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<long> PruneAsync(long cutoffMs, int maxPushes, long maxBytes, CancellationToken cancellationToken)
    {
        var database = redis.Database;
        var removed = 0L;
        // Past the retention (their keys expire on their own; the index and the byte count follow here).
        while (true)
        {
            var old = await database.SortedSetRangeByScoreAsync(_all, double.NegativeInfinity, cutoffMs, Exclude.Stop, take: Chunk).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (old.Length == 0)
            {
                break;
            }

            removed += await RemoveAsync(database, old, cancellationToken).ConfigureAwait(false);
        }

        // Beyond the size limits, oldest first.
        while (true)
        {
            var count = await database.SortedSetLengthAsync(_all).WaitAsync(cancellationToken).ConfigureAwait(false);
            var bytes = (long)await database.StringGetAsync(_bytes).WaitAsync(cancellationToken).ConfigureAwait(false);
            var excess = count - maxPushes;
            if (excess <= 0 && bytes <= maxBytes)
            {
                break;
            }

            var oldest = await database.SortedSetRangeByRankAsync(_all, 0, Math.Clamp(excess, 1, Chunk) - 1).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (oldest.Length == 0)
            {
                break;
            }

            removed += await RemoveAsync(database, oldest, cancellationToken).ConfigureAwait(false);
        }

        return removed;
    }

    public async Task<IReadOnlyList<TrailView>> FindAsync(TrailQuery query, CancellationToken cancellationToken)
    {
        var database = redis.Database;
        var limit = Math.Clamp(query.Limit, 1, 1000);
        var found = new List<(string Id, StoredTrailLine Head)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (index, byOpening) in Candidates(query))
        {
            // The push's own indexes are scored by its first try; target, outcome and failure by the event's time,
            // which is later: their upper bound cannot be the query's.
            var max = byOpening ? query.UntilMs ?? double.PositiveInfinity : double.PositiveInfinity;
            var single = index is null ? query.TrailId ?? (string?)await database.HashGetAsync(_msgIds, query.MsgId).WaitAsync(cancellationToken).ConfigureAwait(false) : null;
            for (var skip = 0L; found.Count < limit && skip < MaxCandidates; skip += Chunk)
            {
                var ids = index is null
                    ? (single is not null && skip == 0 ? [single] : [])
                    : await database.SortedSetRangeByScoreAsync(index.Value, query.SinceMs ?? double.NegativeInfinity, max, Exclude.None, Order.Descending, skip, Chunk).WaitAsync(cancellationToken).ConfigureAwait(false);
                var fresh = ids.Select(i => i.ToString()).Where(seen.Add).ToList();
                var heads = await Task.WhenAll(fresh.Select(id => database.HashGetAsync(MetaKey(id), "head"))).WaitAsync(cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < fresh.Count && found.Count < limit; i++)
                {
                    if (!heads[i].IsNull && JsonSerializer.Deserialize<StoredTrailLine>((byte[])heads[i]!, Json) is { } head
                        && await MatchesAsync(database, query, fresh[i], head).ConfigureAwait(false))
                    {
                        found.Add((fresh[i], head));
                    }
                }

                if (ids.Length < Chunk)
                {
                    break;
                }
            }
        }

        var views = new List<TrailView>(found.Count);
        foreach (var (id, head) in found.OrderByDescending(f => f.Head.At))
        {
            var lines = await database.ListRangeAsync(EventsKey(id)).WaitAsync(cancellationToken).ConfigureAwait(false);
            var total = (long)await database.HashGetAsync(MetaKey(id), "events").WaitAsync(cancellationToken).ConfigureAwait(false);
            var events = lines.Select(l => JsonSerializer.Deserialize<StoredTrailLine>((byte[])l!, Json)!).ToList();
            if (!events.Any(e => e.Kind == TrailLine.WeChat && e.At == head.At))
            {
                events.Add(head); // trimmed away: the first try still describes the push
            }

            events = events.OrderBy(e => e.At).ToList();
            views.Add(new TrailView(id, DateTimeOffset.FromUnixTimeMilliseconds(events[0].At), head.Account ?? "-", head.Route ?? "-",
                head.Type ?? "-", head.MsgId, head.OpenId ?? "-", events.Select(e => e.ToView()).ToList())
            {
                EventsOmitted = (int)Math.Max(0, total - events.Count),
            });
        }

        return views;
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken) =>
        await redis.Database.SortedSetLengthAsync(_all).WaitAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>The stored events' bytes, as the byte limit counts them.</summary>
    public async Task<long> BytesAsync(CancellationToken cancellationToken) =>
        (long)await redis.Database.StringGetAsync(_bytes).WaitAsync(cancellationToken).ConfigureAwait(false);

    // The most selective index the query names (the first one given of these), and whether it is scored by the push's
    // first try. A trail id needs none.
    private IEnumerable<(RedisKey? Index, bool ByOpening)> Candidates(TrailQuery query)
    {
        if (query.TrailId is not null || query.MsgId is not null)
        {
            return [(null, true)];
        }

        if (query.OpenIdHashes.Count > 0)
        {
            return query.OpenIdHashes.Select(h => ((RedisKey?)IndexKey("openid", h), true));
        }

        return [query switch
        {
            { Target: { } target } => (IndexKey("target", target), false),
            { Outcome: "failed" } => (IndexKey("failed", "all"), false),
            { Outcome: { } outcome } => (IndexKey("outcome", outcome), false),
            { Route: { } route } => (IndexKey("route", route), true),
            _ => ((RedisKey?)_all, true), // an account: few enough to filter
        }];
    }

    private async Task<bool> MatchesAsync(IDatabase database, TrailQuery query, string id, StoredTrailLine head)
    {
        if ((query.TrailId is not null && id != query.TrailId)
            || (query.SinceMs is { } since && head.At < since)
            || (query.UntilMs is { } until && head.At > until)
            || (query.Account is not null && head.Account != query.Account)
            || (query.Route is not null && head.Route != query.Route)
            || (query.MsgId is not null && head.MsgId != query.MsgId)
            || (query.OpenIdHashes.Count > 0 && !query.OpenIdHashes.Contains(head.OpenId ?? "")))
        {
            return false;
        }

        if (query.Target is { } target && await database.SortedSetScoreAsync(IndexKey("target", target), id).ConfigureAwait(false) is null)
        {
            return false;
        }

        return query.Outcome switch
        {
            null => true,
            "failed" => await database.SortedSetScoreAsync(IndexKey("failed", "all"), id).ConfigureAwait(false) is not null,
            var outcome => await database.SortedSetScoreAsync(IndexKey("outcome", outcome), id).ConfigureAwait(false) is not null,
        };
    }

    // A push's keys and its entries in the indexes that describe it; the event indexes (target, outcome, failure: few
    // keys) lose everything older than the oldest push still kept.
    private async Task<long> RemoveAsync(IDatabase database, RedisValue[] ids, CancellationToken cancellationToken)
    {
        // Every replica prunes: only the one whose ZREM took a push out of the index removes it (and counts its bytes).
        var metas = await Task.WhenAll(ids.Select(id => database.HashGetAsync(MetaKey(id!), ["bytes", "head"]))).WaitAsync(cancellationToken).ConfigureAwait(false);
        var mine = await Task.WhenAll(ids.Select(id => database.SortedSetRemoveAsync(_all, id))).WaitAsync(cancellationToken).ConfigureAwait(false);
        var writes = new List<Task>();
        long bytes = 0, removed = 0;
        for (var i = 0; i < ids.Length; i++)
        {
            if (!mine[i])
            {
                continue;
            }

            removed++;
            var id = (string)ids[i]!;
            bytes += metas[i][0].IsNull ? 0 : (long)metas[i][0];
            if (!metas[i][1].IsNull && JsonSerializer.Deserialize<StoredTrailLine>((byte[])metas[i][1]!, Json) is { } head)
            {
                writes.Add(database.SortedSetRemoveAsync(IndexKey("route", head.Route ?? "-"), id));
                if (head.OpenId is { } openId)
                {
                    writes.Add(database.SortedSetRemoveAsync(IndexKey("openid", openId), id));
                }

                if (head.MsgId is { } msgId)
                {
                    writes.Add(database.HashDeleteAsync(_msgIds, msgId));
                }
            }

            writes.Add(database.KeyDeleteAsync(EventsKey(id)));
            writes.Add(database.KeyDeleteAsync(MetaKey(id)));
        }

        writes.Add(database.StringDecrementAsync(_bytes, bytes));
        await Task.WhenAll(writes).WaitAsync(cancellationToken).ConfigureAwait(false);

        var oldestKept = await database.SortedSetRangeByRankWithScoresAsync(_all, 0, 0).WaitAsync(cancellationToken).ConfigureAwait(false);
        var below = oldestKept.Length == 0 ? double.PositiveInfinity : oldestKept[0].Score;
        var eventIndexes = await database.SetMembersAsync(_eventIndexes).WaitAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(eventIndexes.Select(index => database.SortedSetRemoveRangeByScoreAsync(redis.Key(index.ToString()), double.NegativeInfinity, below, Exclude.Stop))).WaitAsync(cancellationToken).ConfigureAwait(false);
        return removed;
    }

    private Task Index(IDatabase database, string name, string value, string id, long atMs)
    {
        var key = IndexKey(name, value);
        // NX: the first time a push met this index stands (its first delivery to the target, its first such answer).
        var add = database.SortedSetAddAsync(key, id, atMs, SortedSetWhen.NotExists);
        return name is "target" or "outcome" or "failed"
            ? Task.WhenAll(add, database.SetAddAsync(_eventIndexes, $"trail:idx:{name}:{value}"))
            : add;
    }

    private RedisKey IndexKey(string name, string value) => redis.Key($"trail:idx:{name}:{value}");

    private RedisKey EventsKey(string id) => redis.Key($"trail:{{{id}}}:events");

    private RedisKey MetaKey(string id) => redis.Key($"trail:{{{id}}}:meta");
}
