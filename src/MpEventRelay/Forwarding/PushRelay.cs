using System.Collections.Concurrent;
using MpEventRelay.Dedup;
using MpEventRelay.Configuration;
using MpEventRelay.Model;
using MpEventRelay.Outbox;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Replies;

namespace MpEventRelay.Forwarding;

/// <summary>
/// The one delivery of a message. Copies (mirrors, non-replying targets) are recorded in the outbox before WeChat is
/// answered and sent at once in the background; the replying target is called directly and its answer translated.
/// Runs once per message (see <see cref="IDedupStore"/>) and independently of any one WeChat request: a request that
/// hits its deadline does not cancel the delivery, and a retry can still receive the answer.
/// </summary>
internal sealed partial class PushRelay(
    IDedupStore dedup,
    TargetSender sender,
    ReplyTranslator replies,
    DeliveryOutbox outbox,
    BackgroundDeliveries background,
    RelayModelProvider models,
    TimeProvider time,
    ILogger<PushRelay> logger)
{
    private readonly ConcurrentDictionary<string, PendingDelivery> _pending = new(StringComparer.Ordinal);

    public Task<RelayAnswer> RelayAsync(AccountModel account, RouteModel? route, InboundPush push, string key) =>
        dedup.RunOnceAsync(key, () => DeliverAsync(account, route, push, key));

    /// <summary>Called when WeChat's deadline passes: makes the replying delivery of <paramref name="key"/> durable before WeChat gets <c>success</c>.</summary>
    public Task EnsureDurableAsync(string key) =>
        _pending.TryGetValue(key, out var pending) ? pending.EnsureDurableAsync() : Task.CompletedTask;

    private async Task<RelayAnswer> DeliverAsync(AccountModel account, RouteModel? route, InboundPush push, string key)
    {
        if (route is null)
        {
            LogNoRoute(account.Name, push.Message.MsgType, push.Message.Event);
            return RelayAnswer.Success("no-route");
        }

        var primary = route.Reply ? SendAsync(route.Target, push, key) : null;
        if (primary is not null)
        {
            background.Track(primary);
        }

        var copies = route.Reply ? route.Mirrors : [route.Target, .. route.Mirrors];
        foreach (var target in copies)
        {
            var record = await outbox.AddAsync(account, route, target, push, key, SafetyDelay()).ConfigureAwait(false);
            background.Track(DeliverCopyAsync(account, route, target, push, key, record));
        }

        return primary is null
            ? RelayAnswer.Success("accepted")
            : await AwaitReplyAsync(account, route, push, key, primary).ConfigureAwait(false);
    }

    private async Task<RelayAnswer> AwaitReplyAsync(AccountModel account, RouteModel route, InboundPush push, string key, Task<DeliveryResult> primary)
    {
        var pending = new PendingDelivery(() => outbox.AddAsync(account, route, route.Target, push, key, SafetyDelay()));
        _pending[key] = pending;
        DeliveryResult result;
        try
        {
            result = await primary.ConfigureAwait(false);
        }
        finally
        {
            _pending.TryRemove(key, out _);
        }

        var record = await pending.Close().ConfigureAwait(false);
        if (result.Delivered)
        {
            if (record is not null)
            {
                await outbox.CompleteAsync(record).ConfigureAwait(false);
            }

            return replies.Translate(route.Target, push.Message, result.Body);
        }

        LogDeliveryFailed(account.Name, route.Name, route.Target.Name, result.Failure);
        if (record is not null)
        {
            await outbox.RetryAsync(record, result.Failure ?? "failed").ConfigureAwait(false);
        }
        else
        {
            await outbox.AddAsync(account, route, route.Target, push, key, OutboxBackoff.After(1, models.Current.Options.Outbox)).ConfigureAwait(false);
        }

        return RelayAnswer.Success("queued");
    }

    private async Task DeliverCopyAsync(AccountModel account, RouteModel route, TargetModel target, InboundPush push, string key, OutboxRecord? record)
    {
        var result = await SendAsync(target, push, key).ConfigureAwait(false);
        if (record is null)
        {
            return;
        }

        if (result.Delivered)
        {
            await outbox.CompleteAsync(record).ConfigureAwait(false);
            return;
        }

        LogDeliveryFailed(account.Name, route.Name, target.Name, result.Failure);
        await outbox.RetryAsync(record, result.Failure ?? "failed").ConfigureAwait(false);
    }

    private async Task<DeliveryResult> SendAsync(TargetModel target, InboundPush push, string key)
    {
        using var timeout = new CancellationTokenSource(models.Current.Options.DeliveryTimeout, time);
        return await sender.SendAsync(target, push, key, timeout.Token).ConfigureAwait(false);
    }

    // A record made for a delivery still in flight becomes due only after that delivery has surely ended.
    private TimeSpan SafetyDelay() => models.Current.Options.DeliveryTimeout + TimeSpan.FromSeconds(5);

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {Account}: no route matches MsgType={MsgType} Event={Event}; acknowledged with success")]
    private partial void LogNoRoute(string account, string msgType, string? @event);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {Account} route {Route}: delivery to target {Target} failed: {Failure}; queued for retry")]
    private partial void LogDeliveryFailed(string account, string route, string target, string? failure);
}
