using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using MpEventRelay.Configuration;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace MpEventRelay.Delivery;

/// <summary>
/// Which destination of a target's YARP cluster an attempt goes to, and what YARP learns from it: the cluster's
/// load-balancing policy among the destinations YARP considers available (skipping those already tried for this
/// delivery), the concurrency count the policies read, and passive health when a destination could not be reached.
/// </summary>
internal sealed class DestinationPicker(IEnumerable<ILoadBalancingPolicy> policies, IDestinationHealthUpdater health)
{
    private static readonly HttpContext NoRequest = new DefaultHttpContext(); // policies get no inbound request: the relay's deliveries have none
    private readonly Dictionary<string, ILoadBalancingPolicy> _policies = policies.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<DestinationState, StrongBox<int>> _inFlight = new();

    // An open circuit is not filtered out here: Polly moves it to half-open only when a call tries it, and a refused
    // call costs microseconds before the next destination is tried.
    public DestinationState? Pick(ClusterState cluster, List<DestinationState>? tried)
    {
        var available = cluster.DestinationsState.AvailableDestinations;
        // The first attempt (nearly every delivery) picks among YARP's own list; a copy only once some are excluded.
        IReadOnlyList<DestinationState> candidates = tried is null ? available : available.Where(d => !tried.Contains(d)).ToList();
        if (candidates.Count <= 1)
        {
            return candidates.Count == 1 ? candidates[0] : null;
        }

        var policyName = cluster.Model.Config.LoadBalancingPolicy ?? LoadBalancingPolicies.PowerOfTwoChoices;
        return _policies.TryGetValue(policyName, out var policy)
            ? policy.PickDestination(NoRequest, cluster, candidates)
            : candidates[Random.Shared.Next(candidates.Count)];
    }

    /// <summary>Counts an attempt in flight to <paramref name="destination"/> until disposed.</summary>
    public InFlight Start(DestinationState destination)
    {
        var counter = _inFlight.GetOrAdd(destination, _ => new StrongBox<int>());
        // YARP's own counter is internal; ours is atomic and mirrored into it for LeastRequests and PowerOfTwoChoices.
        destination.ConcurrentRequestCount = Interlocked.Increment(ref counter.Value);
        return new InFlight(destination, counter);
    }

    // Passive health, YARP's way: unhealthy now, reactivated after the cluster's period (or the break duration).
    public void MarkUnreachable(ClusterState cluster, DestinationState destination, RelayOptions options)
    {
        var period = cluster.Model.Config.HealthCheck?.Passive?.ReactivationPeriod ?? options.Resilience.BreakDuration;
        health.SetPassive(cluster, destination, DestinationHealth.Unhealthy, period);
    }

    /// <summary>One attempt in flight; disposing it ends the count.</summary>
    public readonly struct InFlight(DestinationState destination, StrongBox<int> counter) : IDisposable
    {
        public void Dispose() => destination.ConcurrentRequestCount = Interlocked.Decrement(ref counter.Value);
    }
}
