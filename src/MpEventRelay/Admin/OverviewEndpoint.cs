using MpEventRelay.Configuration.Loading;
using MpEventRelay.Observability;
using MpEventRelay.Outbox;
using MpEventRelay.Routing;
using MpEventRelay.Storage;
using Yarp.ReverseProxy;

namespace MpEventRelay.Admin;

/// <summary>
/// <c>GET /admin/overview</c>: the accounts and routes as configured (no secrets, no OpenIDs), each target's
/// destinations with YARP's health and the relay's circuit, the outbox (per store and per target lane), readiness and
/// the last configuration reload — what the console shows at the top.
/// </summary>
internal static class OverviewEndpoint
{
    public static async Task<IResult> Get(RelayModelProvider models, IProxyStateLookup proxy, RelayMetrics metrics, DeliveryOutbox outbox, Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckService health, TimeProvider time, CancellationToken cancellationToken)
    {
        var model = models.Current;
        var accounts = model.AccountsByName.Values.OrderBy(a => a.Name, StringComparer.Ordinal).Select(account => new
        {
            account.Name,
            account.Path,
            account.AppId,
            LateRepliesByApi = account.AppSecret is not null,
            Routes = account.Routes.Select(route => new
            {
                route.Name,
                Match = Describe(route.Match),
                Repliers = route.Repliers.Select(t => t.Name),
                Copies = route.Copies.Select(t => t.Name),
                route.WaitForRetry,
                route.TypingAfter,
            }),
            Targets = account.Targets.Values.OrderBy(t => t.Name, StringComparer.Ordinal).Select(target => new
            {
                target.Name,
                Cluster = target.ClusterId,
                Encryption = target.Encryption.ToString(),
                Destinations = Destinations(proxy, metrics, target.ClusterId),
            }),
        });

        var stores = new List<object>();
        foreach (var store in outbox.Stores)
        {
            try
            {
                var stats = await store.Guard.RunAsync(store.StatsAsync, cancellationToken).ConfigureAwait(false);
                stores.Add(new { store.Name, stats.Pending, stats.Dead, Healthy = store.Guard.IsHealthy });
            }
            catch (StoreUnavailableException e)
            {
                stores.Add(new { store.Name, Error = e.Message, Healthy = false });
            }
        }

        var ready = await health.CheckHealthAsync(check => check.Tags.Contains(Health.HealthEndpoints.ReadyTag), cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return Results.Ok(new
        {
            Accounts = accounts,
            Outbox = stores,
            Lanes = metrics.Lanes.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => new
            {
                Lane = l.Key,
                l.Value.Pending,
                OldestAgeSeconds = l.Value.OldestPendingCreatedAtMs is { } oldest ? Math.Max(0, now - oldest) / 1000 : (long?)null,
                l.Value.Dead,
            }),
            Readiness = new
            {
                Status = ready.Status.ToString(),
                Checks = ready.Entries.Where(e => e.Value.Status != Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy).Select(e => new { e.Key, Status = e.Value.Status.ToString(), e.Value.Description }),
            },
            Reload = new { At = models.LastReloadAt, Problems = models.LastReloadErrors },
        });
    }

    private static IEnumerable<object> Destinations(IProxyStateLookup proxy, RelayMetrics metrics, string clusterId)
    {
        if (!proxy.TryGetCluster(clusterId, out var cluster))
        {
            yield break;
        }

        foreach (var (name, destination) in cluster.Destinations.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            var circuit = metrics.CircuitOf(clusterId, name);
            // An open circuit takes the destination out of the relay's deliveries: it is not healthy, whatever YARP's checks say.
            var unhealthy = circuit == 2 || DestinationHealthView.IsUnhealthy(destination);
            yield return new
            {
                Name = name,
                destination.Model.Config.Address,
                Health = unhealthy ? "unhealthy" : "healthy",
                Circuit = circuit switch { 2 => "open", 1 => "half-open", _ => "closed" },
                InFlight = destination.ConcurrentRequestCount,
            };
        }
    }

    private static string Describe(RouteMatcher match)
    {
        var parts = new List<string>();
        if (match.MsgType is { } type)
        {
            parts.Add($"MsgType={type}");
        }

        if (match.Events.Count > 0)
        {
            parts.Add($"Event={string.Join("|", match.Events)}");
        }

        if (match.EventKey is { } key)
        {
            parts.Add($"EventKey={key}");
        }

        if (match.EventKeyPrefix is { } prefix)
        {
            parts.Add($"EventKey^={prefix}");
        }

        if (match.EventKeyRegex is { } keyRegex)
        {
            parts.Add($"EventKey~/{keyRegex}/");
        }

        if (match.ContentRegex is { } contentRegex)
        {
            parts.Add($"Content~/{contentRegex}/");
        }

        if (match.FromUserNames.Count > 0)
        {
            parts.Add($"FromUserName in {match.FromUserNames.Count} OpenID(s)");
        }

        return parts.Count == 0 ? "everything" : string.Join(", ", parts);
    }
}
