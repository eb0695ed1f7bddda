using MpEventRelay.Forwarding;
using MpEventRelay.Configuration;
using MpEventRelay.Model;
using MpEventRelay.Protocol.Crypto;
using MpEventRelay.Protocol.Messages;

namespace MpEventRelay.Outbox;

/// <summary>
/// Delivers what is due in every outbox store, until it succeeds or expires into a dead letter. Items are leased
/// while in flight, so a crash (even <c>kill -9</c>) only delays them.
/// </summary>
internal sealed partial class OutboxWorker(
    DeliveryOutbox outbox,
    TargetSender sender,
    RelayModelProvider models,
    Observability.RelayMetrics metrics,
    TimeProvider time,
    ILogger<OutboxWorker> logger) : BackgroundService
{
    private const int BatchSize = 64;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var busy = false;
            foreach (var store in outbox.Stores)
            {
                busy |= await DrainOnceAsync(store, stoppingToken).ConfigureAwait(false);
            }

            if (!busy)
            {
                try
                {
                    await outbox.WaitAsync(models.Current.Options.Outbox.PollInterval, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task<bool> DrainOnceAsync(IOutboxStore store, CancellationToken stoppingToken)
    {
        IReadOnlyList<OutboxItem> due;
        var options = models.Current.Options;
        try
        {
            var now = time.GetUtcNow();
            var lease = now + options.DeliveryTimeout + TimeSpan.FromSeconds(5);
            due = await store.ClaimDueAsync(now.ToUnixTimeMilliseconds(), lease.ToUnixTimeMilliseconds(), BatchSize, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogClaimFailed(store.Name, e.GetType().Name, e.Message);
            return false;
        }

        await Task.WhenAll(due.Select(item => DeliverAsync(new OutboxRecord(store, item)))).ConfigureAwait(false);
        await ObserveAsync(store, stoppingToken).ConfigureAwait(false);
        return due.Count == BatchSize;
    }

    private async Task ObserveAsync(IOutboxStore store, CancellationToken stoppingToken)
    {
        try
        {
            metrics.OutboxObserved(store.Name, await store.StatsAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogClaimFailed(store.Name, e.GetType().Name, e.Message);
        }
    }

    private async Task DeliverAsync(OutboxRecord record)
    {
        var item = record.Item;
        var model = models.Current;
        string? failure;
        if (!model.AccountsByName.TryGetValue(item.Account, out var account) || !account.Targets.TryGetValue(item.Target, out var target))
        {
            failure = "the account or target is no longer configured";
        }
        else
        {
            failure = await SendAsync(account, target, item, model.Options.DeliveryTimeout).ConfigureAwait(false);
        }

        if (failure is null)
        {
            await outbox.CompleteAsync(record).ConfigureAwait(false);
            LogDelivered(item.Account, item.Route, item.Target, item.Attempts + 1);
            return;
        }

        if (time.GetUtcNow().ToUnixTimeMilliseconds() >= item.ExpiresAtMs)
        {
            var dead = item with { Attempts = item.Attempts + 1, LastError = failure };
            try
            {
                await record.Store.DeadLetterAsync(dead).ConfigureAwait(false);
                LogDeadLettered(item.Account, item.Route, item.Target, item.Id, dead.Attempts, failure);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogClaimFailed(record.Store.Name, e.GetType().Name, e.Message);
            }

            return;
        }

        await outbox.RetryAsync(record, failure).ConfigureAwait(false);
    }

    private async Task<string?> SendAsync(AccountModel account, TargetModel target, OutboxItem item, TimeSpan timeout)
    {
        InboundPush push;
        try
        {
            var message = PushMessage.Parse(OutboxPayload.Open(account.Keys.Cryptor, item.Payload), int.MaxValue);
            push = new InboundPush(message, (EncryptionMode)item.InboundMode, AesKeySlot.Current, null);
        }
        catch (Exception e) when (e is FormatException or Protocol.Errors.ProtocolException)
        {
            return "the stored message cannot be opened with the account's keys";
        }

        using var cancellation = new CancellationTokenSource(timeout, time);
        var result = await sender.SendAsync(target, push, item.DedupKey, cancellation.Token).ConfigureAwait(false);
        return result.Delivered ? null : result.Failure;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox: delivered to {Target} (account {Account}, route {Route}) after {Attempts} attempt(s)")]
    private partial void LogDelivered(string account, string route, string target, int attempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox: delivery to {Target} (account {Account}, route {Route}) expired after {Attempts} attempt(s) and is dead letter {Id}: {Failure}")]
    private partial void LogDeadLettered(string account, string route, string target, string id, int attempts, string failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox store {Store} failed: {Error}: {Message}")]
    private partial void LogClaimFailed(string store, string error, string message);
}
