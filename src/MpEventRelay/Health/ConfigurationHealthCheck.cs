using Microsoft.Extensions.Diagnostics.HealthChecks;
using MpEventRelay.Configuration.Loading;

namespace MpEventRelay.Health;

/// <summary>Ready while a valid configuration is in force; degraded when the last reload was refused.</summary>
internal sealed class ConfigurationHealthCheck(RelayModelProvider models) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var accounts = models.Current.AccountsByPath.Count;
        var result = models.LastReloadErrors.Count == 0
            ? HealthCheckResult.Healthy($"{accounts} account(s) configured")
            : HealthCheckResult.Degraded($"the last reload was refused ({models.LastReloadErrors.Count} problem(s)); the last good configuration is in force");
        return Task.FromResult(result);
    }
}
