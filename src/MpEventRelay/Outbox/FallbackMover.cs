using MpEventRelay.Configuration;
using MpEventRelay.Observability;
using MpEventRelay.Storage;

namespace MpEventRelay.Outbox;

/// <summary>
/// Moves what the fall-back store (this replica's SQLite file) took while Redis refused back to Redis once Redis
/// answers again, so the other replicas can deliver it if this one dies: claimed from the file under a lease, added
/// to Redis due now, then removed from the file. Redis keeps a copy it already holds (same id: a write that arrived
/// although the client saw it fail), so the move never makes a second one. Records this replica is delivering at the
/// moment stay where they are (their delivery settles them, here and in Redis). A crash between the add and the
/// removal leaves the file's copy to be moved again, onto the one already in Redis.
/// </summary>
internal sealed partial class FallbackMover(DeliveryOutbox outbox, OutboxLeases leases, RelayMetrics metrics, TimeProvider time, ILogger<FallbackMover> logger)
{
    private const int Batch = 100;

    /// <summary>Whether the preferred store answers now, so the fall-back's records move there instead of being delivered from it.</summary>
    public bool CanMove => outbox.Fallback is not null && outbox.Stores[0] is { Guard: { IsHealthy: true, HasAnswered: true } };

    /// <summary>Moves up to a batch per lane of <paramref name="lanes"/> (the fall-back's, as the worker read them this cycle); returns how many records moved.</summary>
    public async Task<int> MoveAsync(IReadOnlyDictionary<string, OutboxStats> lanes, OutboxOptions options, CancellationToken cancellationToken)
    {
        if (!CanMove || outbox.Fallback is not { } fallback)
        {
            return 0;
        }

        var preferred = outbox.Stores[0];
        var moved = 0;
        try
        {
            foreach (var (lane, stats) in lanes)
            {
                if (stats.Pending > 0)
                {
                    moved += await MoveLaneAsync(fallback, preferred, lane, options, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (StoreUnavailableException e)
        {
            LogMoveFailed(e.Message);
        }

        if (moved > 0)
        {
            metrics.OutboxMoved(moved);
            LogMoved(moved, fallback.Name, preferred.Name);
            outbox.Wake();
        }

        return moved;
    }

    private async Task<int> MoveLaneAsync(IOutboxStore fallback, IOutboxStore preferred, string lane, OutboxOptions options, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        // Every pending record, due or not: the lease keeps the worker off them while they move.
        var claimed = await fallback.Guard.RunAsync(token => fallback.ClaimDueAsync(lane, long.MaxValue, (now + options.Lease).ToUnixTimeMilliseconds(), Batch, token), cancellationToken, StoreGuard.BackgroundBudget).ConfigureAwait(false);
        var movable = claimed.Where(item => !leases.IsHeld(fallback, item.Id)).Select(item => item with { NextAttemptAtMs = nowMs }).ToList();
        if (movable.Count == 0)
        {
            return 0;
        }

        await preferred.Guard.RunAsync(token => preferred.AddAsync(movable, token), cancellationToken, StoreGuard.BackgroundBudget).ConfigureAwait(false);
        foreach (var item in movable)
        {
            await fallback.Guard.RunAsync(token => fallback.CompleteAsync(item, token), cancellationToken, StoreGuard.BackgroundBudget).ConfigureAwait(false);
        }

        return movable.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox: moved {Count} deliveries from the fall-back store {From} to {To}, where every replica can deliver them")]
    private partial void LogMoved(int count, string from, string to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox: moving deliveries from the fall-back store failed ({Reason}); tried again next cycle")]
    private partial void LogMoveFailed(string reason);
}
