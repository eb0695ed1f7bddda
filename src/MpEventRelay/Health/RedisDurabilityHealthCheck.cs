using Microsoft.Extensions.Diagnostics.HealthChecks;
using MpEventRelay.Configuration.Loading;
using MpEventRelay.Storage;

namespace MpEventRelay.Health;

/// <summary>
/// With <c>Storage:RequireDurableRedis</c>: degraded while a Redis primary could lose a push answered 200 on a restart
/// (see <see cref="RedisDurability"/>). Without it, always healthy: the warning and the metric still tell.
/// </summary>
internal sealed class RedisDurabilityHealthCheck(RedisDurability durability, RelayModelProvider models) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!models.Current.Options.Storage.RequireDurableRedis)
        {
            return Task.FromResult(HealthCheckResult.Healthy("durability not required (Storage:RequireDurableRedis)"));
        }

        if (!durability.HasRead)
        {
            return Task.FromResult(HealthCheckResult.Degraded("Redis persistence not read yet"));
        }

        var weak = durability.Weak();
        return Task.FromResult(weak.Count == 0
            ? HealthCheckResult.Healthy("every Redis primary has appendfsync always")
            : HealthCheckResult.Degraded($"a Redis restart could lose pushes answered 200: {string.Join("; ", weak)}"));
    }
}
