using MpEventRelay.Configuration;
using MpEventRelay.Model;
using MpEventRelay.Protocol.Messages;

namespace MpEventRelay.Outbox;

/// <summary>
/// The relay's side of the outbox: records deliveries durably (Redis when configured, else SQLite; SQLite also takes
/// what Redis cannot), and reports their outcome. The <see cref="OutboxWorker"/> retries what is due.
/// </summary>
internal sealed partial class DeliveryOutbox(IEnumerable<IOutboxStore> stores, RelayModelProvider models, TimeProvider time, ILogger<DeliveryOutbox> logger)
{
    private readonly IOutboxStore[] _stores = stores.ToArray();
    private readonly SemaphoreSlim _wake = new(0);

    /// <summary>Every store, preferred first: the worker drains them all.</summary>
    public IReadOnlyList<IOutboxStore> Stores => _stores;

    /// <summary>Records a delivery, due after <paramref name="dueIn"/>; null only when no store could take it.</summary>
    public async Task<OutboxRecord?> AddAsync(AccountModel account, RouteModel route, TargetModel target, InboundPush push, string dedupKey, TimeSpan dueIn)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var item = new OutboxItem
        {
            Id = Guid.NewGuid().ToString("N"),
            Account = account.Name,
            Route = route.Name,
            Target = target.Name,
            DedupKey = dedupKey,
            InboundMode = (int)push.Mode,
            Payload = OutboxPayload.Seal(account.Keys.Cryptor, push.Message.Xml.Span),
            CreatedAtMs = now,
            ExpiresAtMs = now + (long)models.Current.Options.Outbox.Expiry.TotalMilliseconds,
            NextAttemptAtMs = now + (long)dueIn.TotalMilliseconds,
        };

        foreach (var store in _stores)
        {
            try
            {
                await store.AddAsync(item).ConfigureAwait(false);
                return new OutboxRecord(store, item);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogStoreFailed(store.Name, e.GetType().Name, e.Message);
            }
        }

        LogNotDurable(account.Name, route.Name, target.Name);
        return null;
    }

    /// <summary>The delivery succeeded: forget it.</summary>
    public async Task CompleteAsync(OutboxRecord record)
    {
        try
        {
            await record.Store.CompleteAsync(record.Item.Id).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The worker will deliver it once more after its lease; receivers dedupe on the Idempotency-Key.
            LogStoreFailed(record.Store.Name, e.GetType().Name, e.Message);
        }
    }

    /// <summary>The delivery failed: retry after a backoff (or now, for a first failure seen in flight).</summary>
    public async Task RetryAsync(OutboxRecord record, string error)
    {
        var attempts = record.Item.Attempts + 1;
        var next = time.GetUtcNow() + OutboxBackoff.After(attempts, models.Current.Options.Outbox);
        try
        {
            await record.Store.RescheduleAsync(record.Item with { Attempts = attempts, NextAttemptAtMs = next.ToUnixTimeMilliseconds(), LastError = error }).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogStoreFailed(record.Store.Name, e.GetType().Name, e.Message); // still leased: retried when the lease ends
        }

        Wake();
    }

    /// <summary>Wakes the worker early (something became due).</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    /// <summary>For the worker: waits for <paramref name="interval"/> or a <see cref="Wake"/>.</summary>
    public async Task WaitAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(interval, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            await _wake.WaitAsync(either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The interval passed.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox store {Store} failed: {Error}: {Message}")]
    private partial void LogStoreFailed(string store, string error, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Account {Account} route {Route}: no outbox store could record the delivery to {Target}; it is attempted once, without a retry")]
    private partial void LogNotDurable(string account, string route, string target);
}
