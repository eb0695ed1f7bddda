using Microsoft.Extensions.Diagnostics.HealthChecks;
using MpEventRelay.Outbox;

namespace MpEventRelay.Health;

/// <summary>Ready only when every outbox store answers (SQLite always; Redis when configured).</summary>
internal sealed class OutboxHealthCheck(DeliveryOutbox outbox) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>();
        foreach (var store in outbox.Stores)
        {
            try
            {
                var stats = await store.StatsAsync(cancellationToken).ConfigureAwait(false);
                data[$"{store.Name}.pending"] = stats.Pending;
                data[$"{store.Name}.dead"] = stats.Dead;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy($"outbox store {store.Name} is unreachable ({e.GetType().Name})", data: data);
            }
        }

        return HealthCheckResult.Healthy("outbox stores reachable", data);
    }
}
