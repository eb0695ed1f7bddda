using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;

namespace MpEventRelay.Model;

/// <summary>
/// YARP's routes and clusters of one <see cref="RelayModel"/>: YARP applies exactly the clusters the relay's targets
/// were validated against, and the change token fires when a newer model replaces this one.
/// </summary>
internal sealed class ProxyConfigSnapshot(IReadOnlyList<RouteConfig> routes, IReadOnlyList<ClusterConfig> clusters) : IProxyConfig
{
    private readonly CancellationTokenSource _replaced = new();

    public IReadOnlyList<RouteConfig> Routes { get; } = routes;

    public IReadOnlyList<ClusterConfig> Clusters { get; } = clusters;

    public IChangeToken ChangeToken => new CancellationChangeToken(_replaced.Token);

    /// <summary>Tells YARP a newer snapshot is in force.</summary>
    public void Replaced() => _replaced.Cancel();
}
