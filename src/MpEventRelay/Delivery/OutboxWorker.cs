using MpEventRelay.Configuration;
using MpEventRelay.Model;
using MpEventRelay.Outbox;
using MpEventRelay.Protocol.Crypto;
using MpEventRelay.Protocol.Messages;

namespace MpEventRelay.Delivery;

/// <summary>
/// Delivers what is due in every outbox store, until it succeeds or expires into a dead letter. Items are leased
/// while in flight, so a crash (even <c>kill -9</c>) only delays them. Calm by design: it sleeps until the next poll
/// when nothing is due or when a whole batch failed (a dead target must not make it spin), and one poisoned item
/// costs that item only.
/// </summary>
internal sealed partial class OutboxWorker(
    DeliveryOutbox outbox,
    Settlement settlement,
    RelayModelProvider models,
    Observability.RelayMetrics metrics,
    TimeProvider time,
    ILogger<OutboxWorker> logger) : BackgroundService
{
    private const int BatchSize = 64;
    private long _cycles;

    /// <summary>How many times the worker has looked for due items: a calm worker adds about one per poll interval.</summary>
    public long Cycles => Interlocked.Read(ref _cycles);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _cycles);
            var more = false;
            foreach (var store in outbox.Stores)
            {
                try
                {
                    more |= await DrainOnceAsync(store, models.Current, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    LogCycleFailed(store.Name, e); // never fatal to the host
                }
            }

            await ObserveAsync(stoppingToken).ConfigureAwait(false);
            if (!more)
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

    // True when a full batch went through and more may be due now.
    private async Task<bool> DrainOnceAsync(IOutboxStore store, RelayModel model, CancellationToken stoppingToken)
    {
        var options = model.Options;
        var now = time.GetUtcNow();
        var lease = now + options.DeliveryTimeout + TimeSpan.FromSeconds(5);
        IReadOnlyList<OutboxItem> due;
        try
        {
            due = await store.Guard.RunAsync(token => store.ClaimDueAsync(now.ToUnixTimeMilliseconds(), lease.ToUnixTimeMilliseconds(), BatchSize, token), stoppingToken, Storage.StoreGuard.BackgroundBudget).ConfigureAwait(false);
        }
        catch (Storage.StoreUnavailableException e)
        {
            LogClaimFailed(store.Name, e.Message);
            return false;
        }

        var results = await Task.WhenAll(due.Select(item => DeliverAsync(new OutboxRecord(store, item), model))).ConfigureAwait(false);
        return due.Count == BatchSize && results.Any(delivered => delivered);
    }

    private async Task<bool> DeliverAsync(OutboxRecord record, RelayModel model)
    {
        var item = record.Item;
        try
        {
            if (!model.AccountsByName.TryGetValue(item.Account, out var account) || !account.Targets.TryGetValue(item.Target, out var target))
            {
                await settlement.SettleAsync(record, DeliveryResult.Failed("the account or target is no longer configured"), model.Options).ConfigureAwait(false);
                return false;
            }

            if (Open(account, item) is not { } push)
            {
                await settlement.SettleAsync(record, DeliveryResult.Failed("the stored message cannot be opened with the account's keys"), model.Options).ConfigureAwait(false);
                return false;
            }

            return (await settlement.SendAndSettleAsync(record, target, push, model.Options, fromOutbox: true).ConfigureAwait(false)).Delivered;
        }
        catch (Exception e)
        {
            LogItemFailed(item.Id, e); // this item only; its lease brings it back
            return false;
        }
    }

    private static InboundPush? Open(AccountModel account, OutboxItem item)
    {
        try
        {
            var message = PushMessage.Parse(OutboxPayload.Open(account.Keys.Cryptor, item.Payload), int.MaxValue);
            return new InboundPush(message, (EncryptionMode)item.InboundMode, AesKeySlot.Current, null);
        }
        catch (Exception e) when (e is FormatException or Protocol.Errors.ProtocolException)
        {
            return null;
        }
    }

    private async Task ObserveAsync(CancellationToken stoppingToken)
    {
        var byTarget = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var store in outbox.Stores)
        {
            try
            {
                metrics.OutboxObserved(store.Name, await store.Guard.RunAsync(store.StatsAsync, stoppingToken, Storage.StoreGuard.BackgroundBudget).ConfigureAwait(false));
                foreach (var (key, count) in await store.Guard.RunAsync(store.PendingByTargetAsync, stoppingToken, Storage.StoreGuard.BackgroundBudget).ConfigureAwait(false))
                {
                    byTarget[key] = byTarget.GetValueOrDefault(key) + count;
                }
            }
            catch (Storage.StoreUnavailableException e)
            {
                LogClaimFailed(store.Name, e.Message);
                return; // keep the previous counts rather than under-count
            }
        }

        outbox.ObservePending(byTarget);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox store {Store} unavailable to the worker: {Reason}")]
    private partial void LogClaimFailed(string store, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox worker cycle on {Store} failed; the worker carries on")]
    private partial void LogCycleFailed(string store, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox item {Id} failed unexpectedly; it is retried after its lease")]
    private partial void LogItemFailed(string id, Exception exception);
}
