using MpEventRelay.Configuration.Loading;
using MpEventRelay.Storage;

namespace MpEventRelay.Outbox;

/// <summary>
/// The heartbeat of the deliveries in flight: every third of <c>Outbox:Lease</c>, pushes the lease of each record
/// in <see cref="OutboxLeases"/> to a full lease from now. Two renewals can fail in a row before a lease lapses.
/// </summary>
internal sealed partial class OutboxLeaseRenewer(OutboxLeases leases, RelayModelProvider models, TimeProvider time, ILogger<OutboxLeaseRenewer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var lease = models.Current.Options.Outbox.Lease;
            try
            {
                await Task.Delay(lease / 3, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await RenewAsync(lease, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>One round of renewals (for the unit tier).</summary>
    public async Task RenewAsync(TimeSpan lease, CancellationToken cancellationToken)
    {
        var until = (time.GetUtcNow() + lease).ToUnixTimeMilliseconds();
        foreach (var (store, items) in leases.ByStore())
        {
            try
            {
                await store.Guard.RunAsync(token => store.RenewLeasesAsync(items, until, token), cancellationToken, lease / 3).ConfigureAwait(false);
            }
            catch (StoreUnavailableException e)
            {
                LogRenewFailed(store.Name, items.Count, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox store {Store}: the leases of {Count} deliveries in flight could not be renewed ({Reason}); if this lasts, another replica may deliver them a second time (same Idempotency-Key)")]
    private partial void LogRenewFailed(string store, int count, string reason);
}
