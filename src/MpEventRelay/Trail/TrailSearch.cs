using System.Text.Json;

namespace MpEventRelay.Trail;

/// <summary>
/// One search over the trail's batches, read newest first: which pushes match <see cref="TrailQuery"/> and where their
/// lines are. A push is described by its first WeChat try (account, route, type, MsgId, OpenID hash, time); target
/// and outcome may hold for any of its events. Lines are read with a reader, not deserialized: only the lines of the
/// pushes returned are read whole, afterwards.
/// </summary>
internal sealed class TrailSearch(TrailQuery query)
{
    /// <summary>
    /// How far before its first WeChat try a push's events may lie: the deliveries made while WeChat waits (inside the
    /// 5 s deadline) are recorded before its answer. Later events (retries, dead letters, late replies) are newer and
    /// were read already. Once the search holds enough pushes and reads batches older than this before the oldest of
    /// them, nothing older can change the answer.
    /// </summary>
    public static readonly long MarginMs = (long)TimeSpan.FromMinutes(1).TotalMilliseconds;

    /// <summary>
    /// The most events one push's trail returns (the newest, with its first WeChat try): a search answers in bounded
    /// size whatever one push went through.
    /// </summary>
    public const int MaxEventsPerPush = 500;

    private readonly Dictionary<string, SearchedPush> _pushes = new(StringComparer.Ordinal);
    private readonly PriorityQueue<SearchedPush, long> _newest = new(); // the Limit newest matching pushes, oldest on top
    private readonly int _limit = Math.Clamp(query.Limit, 1, 1000);
    private long _order;

    /// <summary>The oldest batch worth reading: with a start time, nothing before it less the margin.</summary>
    public long FromMs => query.SinceMs is { } since ? since - MarginMs : long.MinValue;

    /// <summary>True once batches whose newest event is <paramref name="batchLastMs"/> cannot change the answer.</summary>
    public bool Enough(long batchLastMs) => _newest.Count == _limit && batchLastMs < _newest.Peek().OpeningAt - MarginMs;

    /// <summary>Reads one batch's lines, newest first.</summary>
    public void Read(long seq, ReadOnlySpan<byte> batch)
    {
        var end = batch.Length;
        while (end > 0)
        {
            var start = batch[..(end - 1)].LastIndexOf((byte)'\n') + 1;
            ReadLine(new LineRef(seq, start, end - 1 - start), batch[start..(end - 1)]);
            end = start;
        }
    }

    /// <summary>The pushes to return, newest first, each with the places of its lines (newest first).</summary>
    public IReadOnlyList<SearchedPush> Result() =>
        _pushes.Values.Where(p => !p.Rejected && Matches(p)).OrderByDescending(p => p.OpeningAt).ThenBy(p => p.Order).Take(_limit).ToList();

    private void ReadLine(LineRef at, ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        reader.Read();
        string? id = null;
        long atMs = 0;
        var kind = "";
        bool account = query.Account is null, route = query.Route is null, msgId = query.MsgId is null, openId = query.OpenIdHashes.Count == 0;
        bool target = false, failed = false, outcome = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            reader.Read();
            if (name.SequenceEqual("id"u8))
            {
                id = reader.GetString()!;
                if (query.TrailId is { } wanted && id != wanted || _pushes.TryGetValue(id, out var seen) && seen.Rejected)
                {
                    return;
                }
            }
            else if (name.SequenceEqual("at"u8))
            {
                atMs = reader.GetInt64();
            }
            else if (name.SequenceEqual("kind"u8))
            {
                kind = KindOf(ref reader);
            }
            else if (name.SequenceEqual("account"u8))
            {
                account = account || reader.ValueTextEquals(query.Account);
            }
            else if (name.SequenceEqual("route"u8))
            {
                route = route || reader.ValueTextEquals(query.Route);
            }
            else if (name.SequenceEqual("msgId"u8))
            {
                msgId = msgId || reader.ValueTextEquals(query.MsgId);
            }
            else if (name.SequenceEqual("openId"u8))
            {
                openId = openId || Any(ref reader, query.OpenIdHashes);
            }
            else if (name.SequenceEqual("target"u8))
            {
                target = query.Target is not null && reader.ValueTextEquals(query.Target);
            }
            else if (name.SequenceEqual("error"u8))
            {
                failed = kind is TrailLine.Delivery or TrailLine.DeadLetter;
            }
            else if (name.SequenceEqual("detail"u8))
            {
                outcome = kind == TrailLine.WeChat && query.Outcome is { } wanted && TrailLine.OutcomeOf(reader.GetString()!).SequenceEqual(wanted);
            }
        }

        if (id is null)
        {
            return;
        }

        if (!_pushes.TryGetValue(id, out var push))
        {
            _pushes[id] = push = new SearchedPush(id, _order++);
        }

        if (push.Lines.Count < MaxEventsPerPush)
        {
            push.Lines.Add(at);
        }
        else
        {
            push.Omitted++;
        }

        push.Target |= target;
        push.Failed |= failed;
        push.Outcome |= outcome;
        if (kind == TrailLine.WeChat && atMs <= push.OpeningAt)
        {
            // A WeChat try: the oldest read so far describes the push. Its tries share account, route and MsgId, so
            // one that does not match rejects the push (its lines are no longer kept).
            push.OpeningAt = atMs;
            push.Opening = at;
            if (!(account && route && msgId && openId))
            {
                push.Reject();
                return;
            }
        }

        if (!push.Counted && Matches(push))
        {
            push.Counted = true;
            _newest.Enqueue(push, push.OpeningAt);
            if (_newest.Count > _limit)
            {
                _newest.Dequeue();
            }
        }
    }

    private bool Matches(SearchedPush push) =>
        push.Opening is not null
        && (query.SinceMs is null || push.OpeningAt >= query.SinceMs)
        && (query.UntilMs is null || push.OpeningAt <= query.UntilMs)
        && (query.Target is null || push.Target)
        && (query.Outcome is null || (query.Outcome == "failed" ? push.Failed : push.Outcome));

    private static bool Any(ref Utf8JsonReader reader, IReadOnlyList<string> values)
    {
        foreach (var value in values)
        {
            if (reader.ValueTextEquals(value))
            {
                return true;
            }
        }

        return false;
    }

    private static string KindOf(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals(TrailLine.WeChat) ? TrailLine.WeChat
        : reader.ValueTextEquals(TrailLine.Delivery) ? TrailLine.Delivery
        : reader.ValueTextEquals(TrailLine.DeadLetter) ? TrailLine.DeadLetter
        : reader.ValueTextEquals(TrailLine.ReplyRefused) ? TrailLine.ReplyRefused
        : TrailLine.LateReply;
}
