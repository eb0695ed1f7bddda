using Microsoft.Extensions.Diagnostics.HealthChecks;
using MpEventRelay.Outbox;

namespace MpEventRelay.Health;

/// <summary>
/// Ready while some outbox store takes writes; degraded while one of several does not (Redis down, SQLite taking
/// over); not ready when none does (a full disk and no Redis): pushes then get 503 and a load balancer should send
/// them elsewhere. Degraded too while records go to the fall-back store, or it still holds some (until they move
/// back to Redis): those are on this replica's disk only, and a store can fail a few calls in a row without its
/// guard seeing it (Redis Cluster refusing one kind of command while answering the others). Not ready either until a store has answered once and every store has been tried. Reads only what the store guards saw, so a probe never queries or blocks a store.
/// </summary>
internal sealed class OutboxHealthCheck(DeliveryOutbox outbox, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // Not ready while a store's state is unknown (SQLite opening, Redis still connecting): a push then would
        // dedupe alone or spill over for no reason. Ready as soon as each store has answered or failed once.
        if (!outbox.Stores.Any(s => s.Guard.HasAnswered) || outbox.Stores.Any(s => !s.Guard.HasBeenTried))
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("the outbox stores are opening"));
        }

        var failing = outbox.Stores.Where(s => !s.Guard.IsHealthy || !s.Guard.HasAnswered).ToList();
        var data = failing.ToDictionary(s => s.Name, s => (object)(s.Guard.LastFailure ?? "failing"));
        if (failing.Count == 0 && outbox.Fallback is { } fallback && FallbackInUse(out var reason))
        {
            data[fallback.Name] = reason;
            return Task.FromResult(HealthCheckResult.Degraded($"deliveries are in the fall-back store {fallback.Name} ({reason}); they move back once the preferred store takes them", data: data));
        }

        var result = failing.Count == 0 ? HealthCheckResult.Healthy("outbox stores take writes")
            : failing.Count < outbox.Stores.Count ? HealthCheckResult.Degraded($"outbox store(s) {string.Join(", ", failing.Select(s => s.Name))} failing; the others take over", data: data)
            : HealthCheckResult.Unhealthy("no outbox store takes writes: pushes that need one get 503", data: data);
        return Task.FromResult(result);
    }

    private bool FallbackInUse(out string reason)
    {
        var (atMs, why) = outbox.LastFallback;
        var recent = atMs != long.MinValue && time.GetUtcNow().ToUnixTimeMilliseconds() - atMs < RecentFallback.TotalMilliseconds;
        reason = recent ? $"a record went there {RecentFallback.TotalSeconds:0} s ago or less: {why}" : $"{outbox.FallbackPending} pending there";
        return recent || outbox.FallbackPending > 0;
    }

    private static readonly TimeSpan RecentFallback = TimeSpan.FromMinutes(1);
}
