using MpEventRelay.Configuration;
using MpEventRelay.Model;
using MpEventRelay.Observability;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Storage;

namespace MpEventRelay.Outbox;

/// <summary>
/// The relay's side of the outbox: records deliveries durably (Redis when configured, else SQLite; SQLite also takes
/// what Redis cannot), each store call inside its guard's budget; enforces the per-target limit; settles outcomes.
/// Callers learn the truth: a record, or "not recorded" (never a silent best effort).
/// </summary>
internal sealed partial class DeliveryOutbox(IEnumerable<IOutboxStore> stores, RelayMetrics metrics, TimeProvider time, ILogger<DeliveryOutbox> logger)
{
    private readonly IOutboxStore[] _stores = stores.ToArray();
    private readonly OutboxWakeUp _wakeUp = new(time);
    private readonly PendingEstimate _pending = new();
    private long _lastFallbackAtMs = long.MinValue;

    /// <summary>Every store, preferred first: the worker drains them all.</summary>
    public IReadOnlyList<IOutboxStore> Stores => _stores;

    /// <summary>The longest a record can take when every store is tried in turn: what the request path keeps in reserve.</summary>
    public TimeSpan WriteBudget(RelayOptions options) => options.StoreCallTimeout * _stores.Length;

    /// <summary>True when every store's recent writes succeeded (readiness).</summary>
    public bool AllStoresHealthy => _stores.All(s => s.Guard.IsHealthy);

    /// <summary>The store that takes records when the preferred one cannot (SQLite beside Redis); null with one store.</summary>
    public IOutboxStore? Fallback => _stores.Length > 1 ? _stores[^1] : null;

    /// <summary>When a record last went to <see cref="Fallback"/> (unix ms), and why the preferred store refused it.</summary>
    public (long AtMs, string? Reason) LastFallback => (Interlocked.Read(ref _lastFallbackAtMs), _lastFallbackReason);

    private string? _lastFallbackReason;

    /// <summary>Pending records in <see cref="Fallback"/> when the worker last looked.</summary>
    public long FallbackPending { get; private set; }

    /// <summary>For the worker: what a store holds.</summary>
    public void ObserveStats(IOutboxStore store, OutboxStats stats)
    {
        metrics.OutboxObserved(store.Name, stats);
        if (store == Fallback)
        {
            FallbackPending = stats.Pending;
        }
    }

    /// <summary>Starts one cheap call through each store's guard, so the first push does not pay for a cold path.</summary>
    public void WarmUp()
    {
        foreach (var store in _stores)
        {
            _ = store.Guard.RunAsync(store.StatsAsync, CancellationToken.None, StoreGuard.BackgroundBudget).ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
        }
    }

    /// <summary>
    /// Puts <paramref name="deadLetter"/> back in the outbox, due now, with a fresh
    /// expiry and its Idempotency-Key, and wakes the worker. False when the store holds no such dead letter. The one
    /// way a replay happens, for the dead-letter endpoint and the trail's.
    /// </summary>
    public async Task<bool> ReplayDeadLetterAsync(OutboxRecord deadLetter, OutboxOptions options, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var store = deadLetter.Store;
        if (!await store.Guard.RunAsync(token => store.ReplayAsync(deadLetter.Item, now.ToUnixTimeMilliseconds(), (now + options.Expiry).ToUnixTimeMilliseconds(), token), cancellationToken, StoreGuard.BackgroundBudget).ConfigureAwait(false))
        {
            return false;
        }

        Wake();
        return true;
    }

    /// <summary>A delivery of <paramref name="push"/> to <paramref name="target"/>, due after <paramref name="dueIn"/>.</summary>
    public OutboxItem NewItem(AccountModel account, RouteModel route, TargetModel target, InboundPush push, string dedupKey, TimeSpan dueIn, RelayOptions options, int attempts = 0, string? lastError = null)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return new OutboxItem
        {
            Id = Guid.NewGuid().ToString("N"),
            Account = account.Name,
            Route = route.Name,
            Target = target.Name,
            DedupKey = dedupKey,
            InboundMode = (int)push.Mode,
            Payload = OutboxPayload.Seal(account.Keys.Cryptor, push.Message.Xml.Span),
            CreatedAtMs = now,
            ExpiresAtMs = now + (long)options.Outbox.Expiry.TotalMilliseconds,
            NextAttemptAtMs = now + (long)dueIn.TotalMilliseconds,
            Attempts = attempts,
            LastError = lastError,
        };
    }

    /// <summary>
    /// Records the items in one store, all or none: the first store that takes them within its budget.
    /// Returns the records, or a refusal reason (a target over its limit, or no store could record them).
    /// </summary>
    public async Task<(IReadOnlyList<OutboxRecord>? Records, string? Refusal)> TryAddAsync(IReadOnlyList<OutboxItem> items, RelayOptions options)
    {
        foreach (var item in items)
        {
            if (_pending.Of(item.TargetKey) >= options.Outbox.MaxPendingPerTarget)
            {
                metrics.OutboxRefused(item.Target);
                LogFull(item.Account, item.Target, options.Outbox.MaxPendingPerTarget);
                return (null, $"the outbox of target {item.Target} is full ({options.Outbox.MaxPendingPerTarget} pending)");
            }
        }

        string? refusedBecause = null;
        foreach (var store in _stores)
        {
            try
            {
                await store.Guard.RunAsync(token => store.AddAsync(items, token), CancellationToken.None).ConfigureAwait(false);
                foreach (var item in items)
                {
                    _pending.Added(item.TargetKey);
                }

                if (refusedBecause is not null)
                {
                    // Readiness says so, and the worker moves these to the preferred store once it answers again.
                    _lastFallbackReason = refusedBecause;
                    Interlocked.Exchange(ref _lastFallbackAtMs, time.GetUtcNow().ToUnixTimeMilliseconds());
                    metrics.OutboxFallback(store.Name, items.Count);
                }

                return (items.Select(item => new OutboxRecord(store, item)).ToList(), null);
            }
            catch (StoreUnavailableException e)
            {
                refusedBecause = $"{store.Name}: {e.Message}";
                LogStoreFailed(store.Name, "record", e.Message);
            }
        }

        metrics.OutboxUnavailable();
        return (null, "no outbox store could record the delivery");
    }

    /// <summary>The delivery succeeded: forget it (a fall-back record in the preferred store too).</summary>
    public async Task CompleteAsync(OutboxRecord record)
    {
        try
        {
            await record.Store.Guard.RunAsync(token => record.Store.CompleteAsync(record.Item, token), CancellationToken.None, StoreGuard.BackgroundBudget).ConfigureAwait(false);
            _pending.Removed(record.Item.TargetKey);
        }
        catch (StoreUnavailableException e)
        {
            // The worker will deliver it once more after its lease; receivers dedupe on the Idempotency-Key.
            LogStoreFailed(record.Store.Name, "complete", e.Message);
        }

        if (record.Store == Fallback && _stores[0].Guard.IsHealthy)
        {
            // It went to the fall-back because the preferred store's write failed, and such a write may still have
            // landed: take that copy away too, so no replica delivers it again. Best effort: a store that does not
            // answer keeps it (a second delivery with the same Idempotency-Key).
            var preferred = _stores[0];
            try
            {
                await preferred.Guard.RunAsync(token => preferred.CompleteAsync(record.Item, token), CancellationToken.None, StoreGuard.BackgroundBudget).ConfigureAwait(false);
            }
            catch (StoreUnavailableException e)
            {
                LogStoreFailed(preferred.Name, "complete the copy of a fall-back record", e.Message);
            }
        }
    }

    /// <summary>The delivery failed: retry after a backoff, or, past its expiry, make it a dead letter (then true).</summary>
    public async Task<bool> FailAsync(OutboxRecord record, string error, OutboxOptions options)
    {
        var item = record.Item with { Attempts = record.Item.Attempts + 1, LastError = error };
        var now = time.GetUtcNow();
        try
        {
            if (now.ToUnixTimeMilliseconds() >= item.ExpiresAtMs)
            {
                var dropped = await record.Store.Guard.RunAsync(token => record.Store.DeadLetterAsync(item, options.MaxDeadPerTarget, token), CancellationToken.None, StoreGuard.BackgroundBudget).ConfigureAwait(false);
                _pending.Removed(item.TargetKey);
                LogDeadLettered(item.Account, item.Route, item.Target, item.Id, item.Attempts, error);
                if (dropped > 0)
                {
                    metrics.DeadLettersDropped(item.Target, dropped);
                    LogDeadDropped(item.Account, item.Target, dropped, options.MaxDeadPerTarget);
                }
                return true;
            }

            item = item with { NextAttemptAtMs = (now + OutboxSchedule.AfterFailure(item.Attempts, options)).ToUnixTimeMilliseconds() };
            await record.Store.Guard.RunAsync(token => record.Store.RescheduleAsync(item, token), CancellationToken.None, StoreGuard.BackgroundBudget).ConfigureAwait(false);
        }
        catch (StoreUnavailableException e)
        {
            LogStoreFailed(record.Store.Name, "reschedule", e.Message); // still leased: retried when the lease ends
        }

        // No wake-up: a rescheduled item is due after its backoff, which the worker's poll will see.
        return false;
    }

    /// <summary>For the worker: the pending counts each store reports, which replace the local estimate.</summary>
    public void ObservePending(IReadOnlyDictionary<string, long> byTarget) => _pending.Observe(byTarget);

    /// <summary>Wakes the worker early (something became due).</summary>
    public void Wake() => _wakeUp.Wake();

    /// <summary>For the worker: waits for <paramref name="interval"/> or a <see cref="Wake"/>.</summary>
    public Task WaitAsync(TimeSpan interval, CancellationToken cancellationToken) => _wakeUp.WaitAsync(interval, cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox store {Store} could not {Operation}: {Reason}")]
    private partial void LogStoreFailed(string store, string operation, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox: target {Target} of account {Account} has {Limit} deliveries pending; new pushes that need it are refused (503) until it drains")]
    private partial void LogFull(string account, string target, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox: target {Target} of account {Account} holds {Limit} dead letters; the {Dropped} oldest were dropped")]
    private partial void LogDeadDropped(string account, string target, int dropped, int limit);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox: delivery to {Target} (account {Account}, route {Route}) expired after {Attempts} attempt(s) and is dead letter {Id}: {Failure}")]
    private partial void LogDeadLettered(string account, string route, string target, string id, int attempts, string failure);
}
