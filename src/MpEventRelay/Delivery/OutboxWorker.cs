using System.Collections.Concurrent;
using MpEventRelay.Configuration.Loading;
using MpEventRelay.Model;
using MpEventRelay.Observability;
using MpEventRelay.Outbox;
using MpEventRelay.Protocol.Crypto;
using MpEventRelay.Protocol.Errors;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Storage;

namespace MpEventRelay.Delivery;

/// <summary>
/// Delivers what is due in every outbox store, lane by lane (one per account and target), until it succeeds or
/// expires into a dead letter. Each cycle it claims from every lane no more than the lane's free slots
/// (<c>Outbox:ConcurrencyPerTarget</c>) and starts those deliveries without waiting for them: a hung target fills
/// its own lane and the others' due retries start within a poll interval. Claimed items are leased and the lease is
/// renewed while they run, so a crash (even <c>kill -9</c>) only delays them by a lease. Calm by design: it sleeps
/// until the next poll unless a lane that was full delivers one (a dead target's failures never wake it), and one
/// poisoned item costs that item only.
/// </summary>
internal sealed partial class OutboxWorker(
    DeliveryOutbox outbox,
    Settlement settlement,
    OutboxLeases leases,
    FallbackMover mover,
    IEnumerable<LegacyRedisOutbox> legacy,
    BackgroundDeliveries background,
    RelayModelProvider models,
    RelayMetrics metrics,
    TimeProvider time,
    ILogger<OutboxWorker> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private long _cycles;

    /// <summary>How many times the worker has looked for due items: a calm worker adds about one per poll interval.</summary>
    public long Cycles => Interlocked.Read(ref _cycles);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _cycles);
            try
            {
                await RunCycleAsync(models.Current, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogCycleFailed(e); // never fatal to the host
            }

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

    private async Task RunCycleAsync(RelayModel model, CancellationToken stoppingToken)
    {
        var byLane = new Dictionary<string, OutboxStats>(StringComparer.Ordinal);
        var complete = true;
        IReadOnlyDictionary<string, OutboxStats> fallbackLanes = new Dictionary<string, OutboxStats>();
        foreach (var store in outbox.Stores)
        {
            // One read of the store per cycle: its lanes feed the claims, the gauges, the limit's counts and the mover.
            IReadOnlyDictionary<string, OutboxStats> lanes;
            try
            {
                lanes = await store.Guard.RunAsync(store.LaneStatsAsync, stoppingToken, StoreGuard.BackgroundBudget).ConfigureAwait(false);
            }
            catch (StoreUnavailableException e)
            {
                LogStoreUnavailable(store.Name, e.Message);
                complete = false;
                continue;
            }

            outbox.ObserveStats(store, OutboxStats.Sum(lanes.Values));
            // While the preferred store answers, the fall-back's records move there rather than being delivered from
            // here: one of them may also be in Redis (a write that arrived although the client saw it fail), and
            // only the move, which keeps the copy already there, makes sure it is delivered once.
            var isFallback = store == outbox.Fallback;
            var moveInstead = isFallback && mover.CanMove;
            if (isFallback)
            {
                fallbackLanes = lanes;
            }

            foreach (var (lane, stats) in lanes)
            {
                byLane[lane] = byLane.TryGetValue(lane, out var seen) ? OutboxStats.Sum([seen, stats]) : stats;
                if (stats.Pending > 0 && !moveInstead)
                {
                    await ClaimAsync(store, lane, model, stoppingToken).ConfigureAwait(false);
                }
            }
        }

        if (complete)
        {
            // else keep the previous counts rather than under-count
            outbox.ObservePending(byLane.ToDictionary(l => l.Key, l => l.Value.Pending, StringComparer.Ordinal));
            metrics.LanesObserved(byLane);
        }

        await mover.MoveAsync(fallbackLanes, model.Options.Outbox, stoppingToken).ConfigureAwait(false);
        foreach (var old in legacy)
        {
            try
            {
                await old.Guard.RunAsync(token => old.MoveAsync(model.Options.Outbox.MaxDeadPerTarget, time.GetUtcNow().ToUnixTimeMilliseconds(), token), stoppingToken, StoreGuard.BackgroundBudget).ConfigureAwait(false);
            }
            catch (StoreUnavailableException e)
            {
                LogStoreUnavailable("redis", e.Message);
            }
        }
    }

    // Claims what the lane has room for and starts it; the lane's slots free up as each delivery ends.
    private async Task ClaimAsync(IOutboxStore store, string lane, RelayModel model, CancellationToken stoppingToken)
    {
        var options = model.Options.Outbox;
        var free = options.ConcurrencyPerTarget - _inFlight.GetValueOrDefault(lane);
        if (free <= 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        IReadOnlyList<OutboxItem> due;
        try
        {
            due = await store.Guard.RunAsync(token => store.ClaimDueAsync(lane, now.ToUnixTimeMilliseconds(), (now + OutboxSchedule.InFlight(options)).ToUnixTimeMilliseconds(), free, token), stoppingToken, StoreGuard.BackgroundBudget).ConfigureAwait(false);
        }
        catch (StoreUnavailableException e)
        {
            LogStoreUnavailable(store.Name, e.Message);
            return;
        }

        var full = due.Count == free;
        foreach (var item in due)
        {
            if (leases.IsHeld(store, item.Id))
            {
                continue; // its lease lapsed while this replica still delivers it: that delivery settles it
            }

            metrics.LaneInFlight(lane, _inFlight.AddOrUpdate(lane, 1, (_, n) => n + 1));
            background.Track(DeliverAsync(new OutboxRecord(store, item), model, lane, full));
        }
    }

    private async Task DeliverAsync(OutboxRecord record, RelayModel model, string lane, bool laneWasFull)
    {
        await Task.Yield(); // the worker's cycle goes on to the next lane at once
        var item = record.Item;
        var delivered = false;
        try
        {
            if (!model.AccountsByName.TryGetValue(item.Account, out var account) || !account.Targets.TryGetValue(item.Target, out var target))
            {
                await settlement.SettleAsync(record, DeliveryResult.Failed("the account or target is no longer configured"), model.Options).ConfigureAwait(false);
            }
            else if (Open(account, item) is not { } push)
            {
                await settlement.SettleAsync(record, DeliveryResult.Failed("the stored message cannot be opened with the account's keys"), model.Options).ConfigureAwait(false);
            }
            else
            {
                delivered = (await settlement.SendAndSettleAsync(record, target, push, model.Options, fromOutbox: true).ConfigureAwait(false)).Delivered;
            }
        }
        catch (Exception e)
        {
            LogItemFailed(item.Id, e); // this item only; its lease brings it back
        }
        finally
        {
            metrics.LaneInFlight(lane, _inFlight.AddOrUpdate(lane, 0, (_, n) => n - 1));
            if (laneWasFull && delivered)
            {
                // The lane may hold more due items than it had room for. Only after a success: a dead target's
                // failures must not make the worker spin; its lane waits for the next poll.
                outbox.Wake();
            }
        }
    }

    private static InboundPush? Open(AccountModel account, OutboxItem item)
    {
        try
        {
            var message = PushMessage.Parse(OutboxPayload.Open(account.Keys.Cryptor, item.Payload), int.MaxValue);
            return new InboundPush(message, (EncryptionMode)item.InboundMode, AesKeySlot.Current, null);
        }
        catch (Exception e) when (e is FormatException or ProtocolException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox store {Store} unavailable to the worker: {Reason}")]
    private partial void LogStoreUnavailable(string store, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox worker cycle failed; the worker carries on")]
    private partial void LogCycleFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox item {Id} failed unexpectedly; it is retried after its lease")]
    private partial void LogItemFailed(string id, Exception exception);
}
