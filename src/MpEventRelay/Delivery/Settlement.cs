using MpEventRelay.Configuration;
using MpEventRelay.Model;
using MpEventRelay.Outbox;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Trail;

namespace MpEventRelay.Delivery;

/// <summary>
/// "Send, then settle the record": the one way a recorded delivery ends, for copies sent at once, for a replier that
/// finished after WeChat's deadline, and for the outbox worker. Delivered: the record is completed. Failed: it is
/// rescheduled with backoff, or past its expiry made a dead letter with the reason. While the delivery runs, the
/// record's lease is held (<see cref="OutboxLeases"/>), so no other replica takes it over while this one is alive.
/// </summary>
internal sealed partial class Settlement(ITargetSender sender, DeliveryOutbox outbox, OutboxLeases leases, TrailRecorder trail, ILogger<Settlement> logger)
{
    /// <param name="fromOutbox">True for the outbox worker's retries (the trail says so).</param>
    public async Task<DeliveryResult> SendAndSettleAsync(OutboxRecord record, TargetModel target, InboundPush push, RelayOptions options, bool fromOutbox = false)
    {
        DeliveryResult result;
        using (leases.Take(record))
        {
            result = await sender.SendAsync(target, push, new Dedup.PushKey(record.Item.DedupKey), options, options.DeliveryTimeout, fromOutbox ? "outbox" : "request").ConfigureAwait(false);
        }

        await SettleAsync(record, result, options).ConfigureAwait(false);
        return result;
    }

    /// <summary>Settles the record of a delivery already running, holding its lease until it ends.</summary>
    public async Task SettleWhenDoneAsync(OutboxRecord record, Task<DeliveryResult> delivery, RelayOptions options)
    {
        DeliveryResult result;
        using (leases.Take(record))
        {
            result = await delivery.ConfigureAwait(false);
        }

        await SettleAsync(record, result, options).ConfigureAwait(false);
    }

    public async Task SettleAsync(OutboxRecord record, DeliveryResult result, RelayOptions options)
    {
        var item = record.Item;
        if (result.Delivered)
        {
            await outbox.CompleteAsync(record).ConfigureAwait(false);
            if (item.Attempts > 0)
            {
                LogDeliveredLate(item.Account, item.Route, item.Target, item.Attempts + 1);
            }

            return;
        }

        if (item.Attempts == 0)
        {
            LogFailed(item.Account, item.Route, item.Target, result.Failure);
        }
        else
        {
            LogRetryFailed(item.Account, item.Route, item.Target, item.Attempts + 1, result.Failure);
        }

        if (await outbox.FailAsync(record, result.Failure ?? "failed", options.Outbox).ConfigureAwait(false))
        {
            trail.DeadLetter(new Dedup.PushKey(item.DedupKey), item.Target, item.Attempts + 1, result.Failure);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox: delivered to {Target} (account {Account}, route {Route}) after {Attempts} attempt(s)")]
    private partial void LogDeliveredLate(string account, string route, string target, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {Account} route {Route}: delivery to target {Target} failed: {Failure}; kept in the outbox")]
    private partial void LogFailed(string account, string route, string target, string? failure);

    // Each retry's failure is routine while a target is down: the first failure and the dead letter are the news.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Account {Account} route {Route}: retry {Attempts} to target {Target} failed: {Failure}")]
    private partial void LogRetryFailed(string account, string route, string target, int attempts, string? failure);
}
