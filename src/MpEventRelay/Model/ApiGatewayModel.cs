using MpEventRelay.Configuration;
using Yarp.ReverseProxy.Configuration;

namespace MpEventRelay.Model;

/// <summary>The API gateway as the relay runs it: its clients and where it is served.</summary>
internal sealed class ApiGatewayModel
{
    /// <summary>The YARP route and cluster the gateway adds to the operator's (ids no operator route may take).</summary>
    public const string RouteIdPrefix = "mprelay-api-";
    public const string ClusterId = "mprelay-wechat-api";

    public required ApiGatewayListener Listener { get; init; }

    public required TimeSpan TokenLifetime { get; init; }

    public required IReadOnlyDictionary<string, ApiClientModel> Clients { get; init; }

    /// <summary>The first path segments the gateway's routes claim (<c>/cgi-bin</c> and any other an allow-list names).</summary>
    public required IReadOnlyList<string> PathRoots { get; init; }

    /// <summary>True for a request path the gateway's routes serve.</summary>
    public bool Claims(PathString path)
    {
        foreach (var root in PathRoots)
        {
            if (path.StartsWithSegments(root, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>YARP's routes to WeChat's API: one per path root, matched after the operator's own routes.</summary>
    public IEnumerable<RouteConfig> Routes() => PathRoots.Select(root => new RouteConfig
    {
        RouteId = RouteIdPrefix + root.Trim('/'),
        ClusterId = ClusterId,
        Order = int.MaxValue,
        Match = new RouteMatch { Path = root + "/{**api}" },
        Transforms =
        [
            // WeChat learns nothing of the services behind the relay: no forwarded-for, no cookies.
            new Dictionary<string, string> { ["X-Forwarded"] = "Off" },
            new Dictionary<string, string> { ["RequestHeaderRemove"] = "Cookie" },
        ],
    });

    /// <summary>YARP's cluster: WeChat's API base address; a call WeChat leaves unanswered for <paramref name="callTimeout"/> gets 504.</summary>
    public static ClusterConfig Cluster(Uri baseAddress, TimeSpan callTimeout) => new()
    {
        ClusterId = ClusterId,
        HttpRequest = new Yarp.ReverseProxy.Forwarder.ForwarderRequestConfig { ActivityTimeout = callTimeout },
        Destinations = new Dictionary<string, DestinationConfig> { ["wechat"] = new() { Address = baseAddress.ToString() } },
    };
}
