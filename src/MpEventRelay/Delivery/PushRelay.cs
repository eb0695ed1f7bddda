using MpEventRelay.Dedup;
using MpEventRelay.Model;
using MpEventRelay.Outbox;
using MpEventRelay.Replies;

namespace MpEventRelay.Delivery;

/// <summary>
/// The one delivery of a message, and the owner of WeChat's deadline. Runs once per message (see
/// <see cref="IDedupStore"/>), independently of any one WeChat request, and always ends with a truthful answer by the
/// deadline:
/// <list type="number">
/// <item>The replying target is called at once.</item>
/// <item>Meanwhile the copies (mirrors, a non-replying target) are recorded in the outbox in one write, then sent in
/// the background; if no store can record them, they are sent now and must all succeed.</item>
/// <item>The replier is awaited until the deadline minus the outbox's write budget. Answered: its reply (or, if it
/// failed, a record for the outbox). Still running: a record due after the delivery timeout, settled when it ends.</item>
/// </list>
/// Anything that can be neither delivered nor recorded makes the answer <see cref="RelayAnswer.Retry"/>: WeChat gets a
/// non-2xx and sends the push again.
/// </summary>
internal sealed partial class PushRelay(
    IDedupStore dedup,
    TargetSender sender,
    Settlement settlement,
    ReplyTranslator replies,
    DeliveryOutbox outbox,
    BackgroundDeliveries background,
    Observability.RelayMetrics metrics,
    TimeProvider time,
    ILogger<PushRelay> logger)
{
    public Task<RelayAnswer> RelayAsync(PushDelivery delivery) =>
        dedup.RunOnceAsync(delivery.Key, () => DeliverAsync(delivery), delivery.Model.Options, delivery.RememberFor);

    private async Task<RelayAnswer> DeliverAsync(PushDelivery delivery)
    {
        var (model, account, route, push, key, _, _) = delivery;
        if (route is null)
        {
            LogNoRoute(account.Name, push.Message.MsgType, push.Message.Event);
            return RelayAnswer.Success("no-route");
        }

        var options = model.Options;
        Task<DeliveryResult>? replier = null;
        CancellationTokenSource? replierTimeout = null;
        if (route.Reply)
        {
            replierTimeout = new CancellationTokenSource(options.DeliveryTimeout, time);
            replier = sender.SendAsync(route.Target, push, key, options, replierTimeout.Token);
            background.Track(replier.ContinueWith(_ => replierTimeout.Dispose(), TaskScheduler.Default));
        }

        IReadOnlyList<TargetModel> copies = route.Reply ? route.Mirrors : [route.Target, .. route.Mirrors];
        var copiesFailure = copies.Count == 0 ? null : await DeliverCopiesAsync(delivery, copies).ConfigureAwait(false);
        if (replier is null)
        {
            return copiesFailure is null ? RelayAnswer.Success("accepted") : RelayAnswer.Retry(copiesFailure);
        }

        var answer = await AwaitReplierAsync(delivery, replier).ConfigureAwait(false);
        return copiesFailure is null || answer.RetryLater ? answer : RelayAnswer.Retry(copiesFailure);
    }

    // Returns null when every copy is recorded (and on its way) or delivered; else why not.
    private async Task<string?> DeliverCopiesAsync(PushDelivery delivery, IReadOnlyList<TargetModel> copies)
    {
        var (model, account, route, push, key, _, _) = delivery;
        var options = model.Options;
        var items = copies.Select(target => outbox.NewItem(account, route!, target, push, key, SafetyDelay(options), options)).ToList();
        var (records, refusal) = await outbox.TryAddAsync(items, options).ConfigureAwait(false);
        if (records is not null)
        {
            for (var i = 0; i < copies.Count; i++)
            {
                background.Track(settlement.SendAndSettleAsync(records[i], copies[i], push, options));
            }

            return null;
        }

        // Not durable: deliver now, inside the deadline, or tell WeChat to retry.
        using var budget = new CancellationTokenSource(Remaining(delivery, options.Deadline), time);
        var results = await Task.WhenAll(copies.Select(target => sender.SendAsync(target, push, key, options, budget.Token))).ConfigureAwait(false);
        var failed = copies.Where((_, i) => !results[i].Delivered).Select(t => t.Name).ToList();
        if (failed.Count == 0)
        {
            return null;
        }

        LogNotDurable(account.Name, route!.Name, string.Join(", ", failed), refusal ?? "");
        return $"{refusal}; {string.Join(", ", failed)} not delivered";
    }

    private async Task<RelayAnswer> AwaitReplierAsync(PushDelivery delivery, Task<DeliveryResult> replier)
    {
        var (model, account, route, push, key, _, _) = delivery;
        var options = model.Options;
        var waitFor = Remaining(delivery, options.Deadline - outbox.WriteBudget(options));
        try
        {
            var result = await replier.WaitAsync(waitFor, time).ConfigureAwait(false);
            if (result.Delivered)
            {
                return replies.Translate(route!.Target, push.Message, result.Body, options);
            }

            // Failed in time: the outbox takes it from here (first retry after the backoff).
            var failed = outbox.NewItem(account, route!, route!.Target, push, key, OutboxBackoff.After(1, options.Outbox), options, attempts: 1, lastError: result.Failure);
            var (records, refusal) = await outbox.TryAddAsync([failed], options).ConfigureAwait(false);
            LogReplierFailed(account.Name, route.Name, route.Target.Name, result.Failure);
            return records is null ? RelayAnswer.Retry($"{route.Target.Name} failed ({result.Failure}) and {refusal}") : RelayAnswer.Success("queued");
        }
        catch (TimeoutException)
        {
            // The deadline: make the delivery in flight durable, then answer; it is settled when it ends.
            metrics.DeadlineMissed(account.Name);
            var pending = outbox.NewItem(account, route!, route!.Target, push, key, SafetyDelay(options), options);
            var (records, refusal) = await outbox.TryAddAsync([pending], options).ConfigureAwait(false);
            if (records is null)
            {
                LogDeadlineNotDurable(account.Name, route.Name, refusal ?? "");
                return RelayAnswer.Retry($"{route.Target.Name} did not answer in time and {refusal}");
            }

            var late = SettleLateAsync(records[0], route.Target, push.Message, replier, options);
            background.Track(late);
            LogDeadlineMissed(account.Name, route.Name, options.Deadline);
            return RelayAnswer.Success("deadline-missed") with { Late = late };
        }
    }

    // The replier that missed the deadline: its record is settled when it ends, and its reply kept for WeChat's retries.
    private async Task<RelayAnswer?> SettleLateAsync(OutboxRecord record, TargetModel target, Protocol.Messages.PushMessage message, Task<DeliveryResult> replier, Configuration.RelayOptions options)
    {
        var result = await replier.ConfigureAwait(false);
        await settlement.SettleAsync(record, result, options).ConfigureAwait(false);
        return result.Delivered ? replies.Translate(target, message, result.Body, options) : null;
    }

    private TimeSpan Remaining(PushDelivery delivery, TimeSpan budget)
    {
        var remaining = budget - time.GetElapsedTime(delivery.StartedTimestamp);
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    // A record made for a delivery still in flight becomes due only after that delivery has surely ended.
    private static TimeSpan SafetyDelay(Configuration.RelayOptions options) => options.DeliveryTimeout + TimeSpan.FromSeconds(5);

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {Account}: no route matches MsgType={MsgType} Event={Event}; acknowledged with success")]
    private partial void LogNoRoute(string account, string msgType, string? @event);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {Account} route {Route}: replying target {Target} failed: {Failure}")]
    private partial void LogReplierFailed(string account, string route, string target, string? failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {Account} route {Route}: no answer within the {Deadline} deadline; WeChat gets success, the delivery goes on and is in the outbox")]
    private partial void LogDeadlineMissed(string account, string route, TimeSpan deadline);

    [LoggerMessage(Level = LogLevel.Error, Message = "Account {Account} route {Route}: the replier missed the deadline and the outbox could not record it ({Reason}); WeChat gets 503 and will retry")]
    private partial void LogDeadlineNotDurable(string account, string route, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Account {Account} route {Route}: copies to {Targets} could be neither recorded ({Reason}) nor delivered; WeChat gets 503 and will retry")]
    private partial void LogNotDurable(string account, string route, string targets, string reason);
}
