using MpEventRelay.Dedup;
using MpEventRelay.Model;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Replies;

namespace MpEventRelay.Forwarding;

/// <summary>
/// The one delivery of a message: mirrors dispatched in the background, the route's target called, its answer
/// translated. Runs once per message (see <see cref="IDedupStore"/>) and independently of any one WeChat request, so
/// a request that hits its deadline does not cancel the delivery, and a retry can still receive the answer.
/// </summary>
internal sealed partial class PushRelay(
    IDedupStore dedup,
    TargetSender sender,
    ReplyTranslator replies,
    BackgroundDeliveries background,
    RelayModelProvider models,
    TimeProvider time,
    ILogger<PushRelay> logger)
{
    public Task<RelayAnswer> RelayAsync(AccountModel account, RouteModel? route, InboundPush push, out bool duplicate)
    {
        var key = DedupKey.For(account.AppId, push.Message);
        return dedup.RunOnceAsync(key, () => DeliverAsync(account, route, push, key), out duplicate);
    }

    private async Task<RelayAnswer> DeliverAsync(AccountModel account, RouteModel? route, InboundPush push, string key)
    {
        if (route is null)
        {
            LogNoRoute(account.Name, push.Message.MsgType, push.Message.Event);
            return RelayAnswer.Success("no-route");
        }

        foreach (var mirror in route.Mirrors)
        {
            background.Track(DeliverInBackgroundAsync(account, route, mirror, push, key));
        }

        if (!route.Reply)
        {
            background.Track(DeliverInBackgroundAsync(account, route, route.Target, push, key));
            return RelayAnswer.Success("accepted");
        }

        // Not cancelled at WeChat's deadline: the request stops waiting, the delivery goes on (and is tracked).
        var delivery = SendAsync(route.Target, push, key);
        background.Track(delivery);
        var result = await delivery.ConfigureAwait(false);
        if (!result.Delivered)
        {
            LogDeliveryFailed(account.Name, route.Name, route.Target.Name, result.Failure);
            return RelayAnswer.Success("delivery-failed");
        }

        return replies.Translate(route.Target, push.Message, result.Body);
    }

    private async Task DeliverInBackgroundAsync(AccountModel account, RouteModel route, TargetModel target, InboundPush push, string key)
    {
        var result = await SendAsync(target, push, key).ConfigureAwait(false);
        if (!result.Delivered)
        {
            LogDeliveryFailed(account.Name, route.Name, target.Name, result.Failure);
        }
    }

    private async Task<DeliveryResult> SendAsync(TargetModel target, InboundPush push, string key)
    {
        using var timeout = new CancellationTokenSource(models.Current.Options.DeliveryTimeout, time);
        return await sender.SendAsync(target, push, key, timeout.Token).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {Account}: no route matches MsgType={MsgType} Event={Event}; acknowledged with success")]
    private partial void LogNoRoute(string account, string msgType, string? @event);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {Account} route {Route}: delivery to target {Target} failed: {Failure}")]
    private partial void LogDeliveryFailed(string account, string route, string target, string? failure);
}
