using Yarp.ReverseProxy.Configuration;

namespace MpEventRelay.Configuration.Validation;

/// <summary>
/// The <c>ReverseProxy</c> section: YARP's own validator for every cluster and route, and what YARP only finds out
/// when a request is sent — a destination address that is not an absolute http(s) URI.
/// </summary>
internal static class ProxyValidator
{
    private const string Root = "ReverseProxy";

    /// <summary>Returns the ids of the clusters that passed, the only ones a target may name.</summary>
    public static IReadOnlySet<string> Validate(IReadOnlyList<RouteConfig> routes, IReadOnlyList<ClusterConfig> clusters, IConfigValidator yarp, ConfigurationErrors errors)
    {
        var accepted = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var cluster in clusters)
        {
            var key = $"{Root}:Clusters:{cluster.ClusterId}";
            var before = errors.Count;
            foreach (var problem in yarp.ValidateClusterAsync(cluster).AsTask().GetAwaiter().GetResult())
            {
                errors.Add(key, problem.Message, "correct the cluster as YARP's documentation describes.");
            }

            foreach (var (name, destination) in cluster.Destinations ?? new Dictionary<string, DestinationConfig>())
            {
                if (!IsHttpUri(destination.Address))
                {
                    errors.Add($"{key}:Destinations:{name}:Address", $"'{destination.Address}' is not an absolute http or https URI.", "write the scheme and host, e.g. http://10.0.0.5:8080/wx or https://tenant.example.com/api/v1/callback/wechatmpqr/IDP_ID.");
                }
            }

            if (errors.Count == before)
            {
                accepted.Add(cluster.ClusterId);
            }
        }

        foreach (var route in routes)
        {
            var key = $"{Root}:Routes:{route.RouteId}";
            foreach (var problem in yarp.ValidateRouteAsync(route).AsTask().GetAwaiter().GetResult())
            {
                errors.Add(key, problem.Message, "correct the route as YARP's documentation describes.");
            }

            if (route.ClusterId is not null && !clusters.Any(c => string.Equals(c.ClusterId, route.ClusterId, StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add($"{key}:ClusterId", $"'{route.ClusterId}' is not a cluster in ReverseProxy:Clusters.", "name a cluster defined under ReverseProxy:Clusters.");
            }
        }

        return accepted;
    }

    private static bool IsHttpUri(string? address) =>
        Uri.TryCreate(address, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && !string.IsNullOrEmpty(uri.Host);
}
