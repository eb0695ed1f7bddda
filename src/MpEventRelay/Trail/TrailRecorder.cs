using System.Threading.Channels;
using MpEventRelay.Model;
using MpEventRelay.Protocol.Messages;

namespace MpEventRelay.Trail;

/// <summary>
/// Takes trail events on the request path at the cost of a channel write: <see cref="TrailWriter"/> stores them in
/// batches off it. When the writer cannot keep up (a full disk, a burst past 50,000 waiting), new events are dropped
/// and counted — the trail never slows WeChat's answer. Even the OpenID's hash is left to the writer.
/// </summary>
internal sealed class TrailRecorder(Configuration.RelayModelProvider models, OpenIdHasher hasher, Observability.RelayMetrics metrics, TimeProvider time)
{
    private readonly Channel<TrailEvent> _events = Channel.CreateBounded<TrailEvent>(new BoundedChannelOptions(50_000)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    public ChannelReader<TrailEvent> Reader => _events.Reader;

    private bool Enabled => models.Current.Options.Trail.Enabled;

    /// <summary>One of WeChat's tries for a push, and how it was answered.</summary>
    public void WeChatTry(AccountModel account, RouteModel? route, PushMessage message, Dedup.PushKey key, int attempt, int status, string outcome)
    {
        if (!Enabled)
        {
            return;
        }

        Write(new TrailEvent(key.Id, Now, TrailEventKind.WeChatTry)
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
        });
    }

    /// <summary>One attempt to one destination of a target.</summary>
    public void Delivery(Dedup.PushKey key, string target, string destination, int status, TimeSpan latency, string? error, string source)
    {
        if (Enabled)
        {
            Write(new TrailEvent(key.Id, Now, TrailEventKind.Delivery)
            {
                Target = target, Destination = destination, Status = status, LatencyMs = (long)latency.TotalMilliseconds, Error = error, Detail = source,
            });
        }
    }

    /// <summary>A reply after WeChat's answer: <paramref name="via"/> passive, api, api-failed, unmappable, no-app-secret.</summary>
    public void LateReply(Dedup.PushKey key, string via, int code)
    {
        if (Enabled)
        {
            Write(new TrailEvent(key.Id, Now, TrailEventKind.LateReply) { Detail = via, Status = code });
        }
    }

    /// <summary>A reply of <paramref name="target"/>'s not passed on to WeChat, because of <paramref name="reason"/>.</summary>
    public void ReplyRefused(Dedup.PushKey key, string target, string reason)
    {
        if (Enabled)
        {
            Write(new TrailEvent(key.Id, Now, TrailEventKind.ReplyRefused) { Target = target, Error = reason });
        }
    }

    /// <summary>A delivery that expired into a dead letter after <paramref name="attempts"/> attempts.</summary>
    public void DeadLetter(Dedup.PushKey key, string target, int attempts, string? error)
    {
        if (Enabled)
        {
            Write(new TrailEvent(key.Id, Now, TrailEventKind.DeadLetter) { Target = target, Attempt = attempts, Error = error });
        }
    }

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    private void Write(TrailEvent trailEvent)
    {
        if (!_events.Writer.TryWrite(trailEvent))
        {
            metrics.TrailDropped();
        }
    }
}
