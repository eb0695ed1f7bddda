using System.Collections.Concurrent;
using System.Threading.Channels;
using MpEventRelay.Configuration.Loading;
using MpEventRelay.Dedup;
using MpEventRelay.Model;
using MpEventRelay.Observability;
using MpEventRelay.Protocol.Messages;

namespace MpEventRelay.Trail;

/// <summary>
/// Takes trail events on the request path at the cost of a channel write: <see cref="TrailWriter"/> stores them in
/// batches off it. When the writer cannot keep up (a full disk, a burst past 50,000 waiting), new events are dropped
/// and counted — the trail never slows WeChat's answer. Even the OpenID's hash is left to the writer. WeChat's tries
/// answered as duplicates are counted (<see cref="DuplicateTally"/>), not written one event each.
/// </summary>
internal sealed class TrailRecorder(RelayModelProvider models, OpenIdHasher hasher, RelayMetrics metrics, TimeProvider time)
{
    private readonly Channel<TrailEvent> _events = Channel.CreateBounded<TrailEvent>(new BoundedChannelOptions(50_000)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    /// <summary>The most pushes whose duplicates are being counted at once; beyond, a duplicate is dropped (and counted).</summary>
    public const int MaxTallies = 10_000;

    private readonly ConcurrentDictionary<(string Id, int Status, string Outcome), DuplicateTally> _tallies = new();

    public ChannelReader<TrailEvent> Reader => _events.Reader;

    private bool Enabled => models.Current.Options.Trail.Enabled;

    /// <summary>One of WeChat's tries for a push, and how it was answered.</summary>
    public void WeChatTry(AccountModel account, RouteModel? route, PushMessage message, PushKey key, int attempt, int status, string outcome)
    {
        if (!Enabled)
        {
            return;
        }

        var trailEvent = new TrailEvent(key.Id, Now, TrailEventKind.WeChatTry)
        {
            Account = account.Name,
            Route = route?.Name ?? "-",
            MessageKind = message.IsEvent ? $"event/{message.Event}" : message.MsgType,
            MsgId = message.MsgId,
            OpenId = message.FromUserName,
            OpenIdKey = hasher.KeyFor(account),
            Status = status,
            Attempt = attempt,
            Detail = outcome,
        };
        if (outcome == PushOutcome.Duplicate)
        {
            Tally(trailEvent);
            return;
        }

        Write(trailEvent);
    }

    /// <summary>One attempt to one destination of a target.</summary>
    public void Delivery(PushKey key, string target, string destination, int status, TimeSpan latency, string? error, string source)
    {
        if (Enabled)
        {
            Write(new TrailEvent(key.Id, Now, TrailEventKind.Delivery)
            {
                Target = target,
                Destination = destination,
                Status = status,
                LatencyMs = (long)latency.TotalMilliseconds,
                Error = error,
                Detail = source,
            });
        }
    }

    /// <summary>A reply after WeChat's answer: <paramref name="via"/> passive, api, api-failed, unmappable, no-app-secret.</summary>
    public void LateReply(PushKey key, string via, int code)
    {
        if (Enabled)
        {
            Write(new TrailEvent(key.Id, Now, TrailEventKind.LateReply) { Detail = via, Status = code });
        }
    }

    /// <summary>A reply of <paramref name="target"/>'s not passed on to WeChat, because of <paramref name="reason"/>.</summary>
    public void ReplyRefused(PushKey key, string target, string reason)
    {
        if (Enabled)
        {
            Write(new TrailEvent(key.Id, Now, TrailEventKind.ReplyRefused) { Target = target, Error = reason });
        }
    }

    /// <summary>A delivery that expired into a dead letter after <paramref name="attempts"/> attempts.</summary>
    public void DeadLetter(PushKey key, string target, int attempts, string? error)
    {
        if (Enabled)
        {
            Write(new TrailEvent(key.Id, Now, TrailEventKind.DeadLetter) { Target = target, Attempt = attempts, Error = error });
        }
    }

    /// <summary>For the writer: the tally an event opened takes no more tries, and its count goes with the event.</summary>
    public TrailEvent Take(TrailEvent trailEvent)
    {
        if (trailEvent.Tally is not { } tally)
        {
            return trailEvent;
        }

        _tallies.TryRemove(new((trailEvent.TrailId, trailEvent.Status ?? 0, trailEvent.Detail!), tally));
        return tally.Close();
    }

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    // The first duplicate of a run is written (as a tally); the next ones only count until the writer takes it.
    private void Tally(TrailEvent first)
    {
        var key = (first.TrailId, first.Status ?? 0, first.Detail!);
        while (true)
        {
            if (_tallies.TryGetValue(key, out var open))
            {
                if (open.TryAdd(first.AtMs))
                {
                    return;
                }

                _tallies.TryRemove(new(key, open)); // taken by the writer: start the next run
                continue;
            }

            if (_tallies.Count >= MaxTallies)
            {
                metrics.TrailDropped();
                return;
            }

            var tally = new DuplicateTally(first);
            if (_tallies.TryAdd(key, tally))
            {
                Write(first with { Tally = tally }); // the channel's copy carries the tally; the writer stores tally.Event
                return;
            }
        }
    }

    private void Write(TrailEvent trailEvent)
    {
        if (!_events.Writer.TryWrite(trailEvent))
        {
            metrics.TrailDropped();
        }
    }
}
