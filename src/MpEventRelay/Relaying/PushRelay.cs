using MpEventRelay.Configuration;
using MpEventRelay.Dedup;
using MpEventRelay.Delivery;
using MpEventRelay.Model;
using MpEventRelay.Observability;
using MpEventRelay.Outbox;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Replies;

namespace MpEventRelay.Relaying;

/// <summary>
/// The one delivery of a message, and the owner of WeChat's deadline. Runs once per message (see
/// <see cref="IDedupStore"/>), independently of any one WeChat request, and always ends with a truthful answer by the
/// deadline:
/// <list type="number">
/// <item>The route's repliers are called at once, all of them.</item>
/// <item>Meanwhile the copies (mirrors, a non-replying target) are recorded in the outbox in one write, then sent in
/// the background; if no store can record them, they are sent now and must all succeed.</item>
/// <item>The reply is chosen in the route's order (<see cref="ReplyChooser"/>) until the deadline minus the outbox's
/// write budget. Then every replier not delivered gets a record in one write: one that failed is retried after the
/// backoff, one still working is settled when it ends.</item>
/// <item>A reply chosen after the deadline is the answer's <see cref="RelayAnswer.Late"/>: a WeChat retry takes it
/// passively, or <see cref="LateReplies"/> sends it through the customer-service API.</item>
/// </list>
/// Anything that can be neither delivered nor recorded makes the answer <see cref="RelayAnswer.Retry"/>: WeChat gets a
/// non-2xx and sends the push again.
/// </summary>
internal sealed partial class PushRelay(
    IDedupStore dedup,
    ITargetSender sender,
    Settlement settlement,
    ReplyChooser chooser,
    DeliveryOutbox outbox,
    BackgroundDeliveries background,
    LateReplies lateReplies,
    TypingIndicator typing,
    RelayMetrics metrics,
    TimeProvider time,
    ILogger<PushRelay> logger)
{
    private static readonly Task<string?> NothingUnsettled = Task.FromResult<string?>(null);

    public Task<RelayAnswer> RelayAsync(PushDelivery delivery) =>
        dedup.RunOnceAsync(delivery.Key.Value, () => DeliverAsync(delivery), delivery.Model.Options, delivery.RememberFor);

    private Task<RelayAnswer> DeliverAsync(PushDelivery delivery)
    {
        var (model, account, route, push, key, _, _) = delivery;
        if (route is null)
        {
            LogNoRoute(account.Name, push.Message.MsgType, push.Message.Event);
            return Task.FromResult(RelayAnswer.Success(PushOutcome.NoRoute));
        }

        var options = model.Options;
        var repliers = new Replier[route.Repliers.Count];
        for (var i = 0; i < repliers.Length; i++)
        {
            repliers[i] = Start(route.Repliers[i], push, key, options);
        }

        // Without copies (most routes) the repliers' answer is the answer, with no state machine of this method's own.
        if (route.Copies.Count == 0)
        {
            return repliers.Length == 0 ? Task.FromResult(RelayAnswer.Success(PushOutcome.Accepted)) : AwaitRepliersAsync(delivery, repliers);
        }

        return WithCopiesAsync(delivery, route.Copies, repliers);
    }

    private async Task<RelayAnswer> WithCopiesAsync(PushDelivery delivery, IReadOnlyList<TargetModel> copies, Replier[] repliers)
    {
        var copiesFailure = await DeliverCopiesAsync(delivery, copies).ConfigureAwait(false);
        if (repliers.Length == 0)
        {
            return copiesFailure is null ? RelayAnswer.Success(PushOutcome.Accepted) : RelayAnswer.Retry(copiesFailure);
        }

        var answer = await AwaitRepliersAsync(delivery, repliers).ConfigureAwait(false);
        return copiesFailure is null || answer.RetryLater ? answer : RelayAnswer.Retry(copiesFailure);
    }

    private Replier Start(TargetModel target, InboundPush push, PushKey key, RelayOptions options)
    {
        var result = sender.SendAsync(target, push, key, options, options.DeliveryTimeout);
        background.Track(result);
        return new Replier(target, result);
    }

    // Returns null when every copy is recorded (and on its way) or delivered; else why not.
    private async Task<string?> DeliverCopiesAsync(PushDelivery delivery, IReadOnlyList<TargetModel> copies)
    {
        var (model, account, route, push, key, _, _) = delivery;
        var options = model.Options;
        var items = copies.Select(target => outbox.NewItem(account, route!, target, push, key.Value, OutboxSchedule.InFlight(options.Outbox), options)).ToList();
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
        var budget = Remaining(delivery, options.Deadline);
        var results = await Task.WhenAll(copies.Select(target => sender.SendAsync(target, push, key, options, budget))).ConfigureAwait(false);
        var failed = copies.Where((_, i) => !results[i].Delivered).Select(t => t.Name).ToList();
        if (failed.Count == 0)
        {
            return null;
        }

        LogNotDurable(account.Name, route!.Name, string.Join(", ", failed), refusal ?? "");
        return $"{refusal}; {string.Join(", ", failed)} not delivered";
    }

    private async Task<RelayAnswer> AwaitRepliersAsync(PushDelivery delivery, IReadOnlyList<Replier> repliers)
    {
        var (model, account, route, push, _, _, _) = delivery;
        var options = model.Options;
        var choice = chooser.FirstUsableAsync(delivery, repliers);
        typing.ShowWhileSlow(delivery, choice);
        var inTime = true;
        try
        {
            await choice.WaitAsync(Remaining(delivery, options.Deadline - outbox.WriteBudget(options)), time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            inTime = false;
        }

        var unsettled = await RecordUnsettledAsync(delivery, repliers).ConfigureAwait(false);
        if (unsettled is not null)
        {
            return RelayAnswer.Retry(unsettled);
        }

        if (inTime)
        {
            return choice.Result ?? RelayAnswer.Success(repliers.Any(r => r.Result.Result.Delivered) ? PushOutcome.Delivered : PushOutcome.Queued);
        }

        // The deadline: WeChat gets success now; the reply, if one comes, is taken by a retry or sent by the API.
        metrics.DeadlineMissed(account.Name);
        if (route!.WaitForRetry)
        {
            LogDeadlineHeld(account.Name, route.Name, options.Deadline);
        }
        else
        {
            LogDeadlineMissed(account.Name, route.Name, options.Deadline);
        }
        var late = AsLateReplyAsync(choice);
        lateReplies.Schedule(delivery, late);
        return RelayAnswer.Success(PushOutcome.DeadlineMissed) with { Late = late };
    }

    // Every replier not delivered by now gets an outbox record, in one write: a failed one is retried after the
    // backoff, one still working is settled when it ends. Returns null when all are delivered or recorded.
    private Task<string?> RecordUnsettledAsync(PushDelivery delivery, IReadOnlyList<Replier> repliers)
    {
        // Nearly always every replier is delivered by now: answered without the records' closures and state machine.
        foreach (var replier in repliers)
        {
            if (IsUnsettled(replier))
            {
                return RecordAsync(delivery, repliers.Where(IsUnsettled).ToList());
            }
        }

        return NothingUnsettled;
    }

    private static bool IsUnsettled(Replier replier) => !replier.Result.IsCompleted || !replier.Result.Result.Delivered;

    private async Task<string?> RecordAsync(PushDelivery delivery, List<Replier> unsettled)
    {
        var (model, account, route, push, key, _, _) = delivery;
        var options = model.Options;
        var items = unsettled.Select(r => r.Result.IsCompleted
            ? outbox.NewItem(account, route!, r.Target, push, key.Value, OutboxSchedule.AfterFailure(1, options.Outbox), options, attempts: 1, lastError: r.Result.Result.Failure)
            : outbox.NewItem(account, route!, r.Target, push, key.Value, OutboxSchedule.InFlight(options.Outbox), options)).ToList();
        var (records, refusal) = await outbox.TryAddAsync(items, options).ConfigureAwait(false);
        for (var i = 0; i < unsettled.Count; i++)
        {
            var replier = unsettled[i];
            if (replier.Result.IsCompleted)
            {
                LogReplierFailed(account.Name, route!.Name, replier.Target.Name, replier.Result.Result.Failure);
            }
            else if (records is not null)
            {
                background.Track(settlement.SettleWhenDoneAsync(records[i], replier.Result, options));
            }
        }

        if (records is not null)
        {
            return null;
        }

        var names = string.Join(", ", unsettled.Select(r => r.Target.Name));
        LogRepliersNotDurable(account.Name, route!.Name, names, refusal ?? "");
        return $"{names} not delivered in time and {refusal}";
    }

    private static async Task<RelayAnswer?> AsLateReplyAsync(Task<RelayAnswer?> choice) =>
        await choice.ConfigureAwait(false) is { } reply ? reply with { LateReply = true } : null;

    private TimeSpan Remaining(PushDelivery delivery, TimeSpan budget)
    {
        var remaining = budget - time.GetElapsedTime(delivery.StartedTimestamp);
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {Account}: no route matches MsgType={MsgType} Event={Event}; acknowledged with success")]
    private partial void LogNoRoute(string account, string msgType, string? @event);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {Account} route {Route}: replying target {Target} failed: {Failure}")]
    private partial void LogReplierFailed(string account, string route, string target, string? failure);

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {Account} route {Route}: no reply chosen within the {Deadline} deadline; WeChat's try is held open for its retry to take the reply (WaitForRetry), the delivery goes on")]
    private partial void LogDeadlineHeld(string account, string route, TimeSpan deadline);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {Account} route {Route}: no reply chosen within the {Deadline} deadline; WeChat gets success, the delivery goes on and is in the outbox")]
    private partial void LogDeadlineMissed(string account, string route, TimeSpan deadline);

    [LoggerMessage(Level = LogLevel.Error, Message = "Account {Account} route {Route}: repliers {Targets} were not delivered in time and the outbox could not record them ({Reason}); WeChat gets 503 and will retry")]
    private partial void LogRepliersNotDurable(string account, string route, string targets, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Account {Account} route {Route}: copies to {Targets} could be neither recorded ({Reason}) nor delivered; WeChat gets 503 and will retry")]
    private partial void LogNotDurable(string account, string route, string targets, string reason);
}
