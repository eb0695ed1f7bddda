using System.Collections.Frozen;
using MpEventRelay.Model;
using Yarp.ReverseProxy.Configuration;

namespace MpEventRelay.Configuration.Building;

/// <summary>Builds the immutable runtime model from options that passed the section validators.</summary>
internal static class RelayModelFactory
{
    public static RelayModel? Create(RelayOptions options, IReadOnlyList<RouteConfig> routes, IReadOnlyList<ClusterConfig> clusters, IReadOnlySet<string> acceptedClusters, ConfigurationErrors errors)
    {
        if (options.Accounts.Count == 0)
        {
            errors.Add($"{RelayOptions.SectionName}:Accounts", "No account is configured: the relay would answer every push with 404.", "add one under Relay:Accounts (see appsettings.example.json), in a file or as environment variables such as Relay__Accounts__main__Path.");
        }

        var clusterDestinations = clusters.ToDictionary(c => c.ClusterId, c => c.Destinations?.Count ?? 0, StringComparer.OrdinalIgnoreCase);
        var accounts = new Dictionary<string, AccountModel>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, account) in options.Accounts)
        {
            var model = AccountModelFactory.Create($"{RelayOptions.SectionName}:Accounts:{name}", name, account, options, id => acceptedClusters.Contains(id) ? clusterDestinations[id] : null, errors);
            if (model is not null && !accounts.TryAdd(model.Path, model))
            {
                errors.Add($"{RelayOptions.SectionName}:Accounts:{name}:Path", $"'{model.Path}' is already the path of account '{accounts[model.Path].Name}'.", "give each account its own path.");
            }
        }

        var byName = accounts.Values.ToFrozenDictionary(a => a.Name, StringComparer.OrdinalIgnoreCase);
        var gateway = ApiGatewayModelFactory.Create(options.ApiGateway, byName, errors);
        if (gateway is not null)
        {
            // The gateway's routes are YARP routes like the operator's, beside them: their ids are the relay's.
            if (routes.FirstOrDefault(r => r.RouteId.StartsWith(ApiGatewayModel.RouteIdPrefix, StringComparison.OrdinalIgnoreCase)) is { } route)
            {
                errors.Add($"ReverseProxy:Routes:{route.RouteId}", $"route ids starting with '{ApiGatewayModel.RouteIdPrefix}' are the API gateway's.", "rename the route.");
            }

            if (clusters.Any(c => string.Equals(c.ClusterId, ApiGatewayModel.ClusterId, StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add($"ReverseProxy:Clusters:{ApiGatewayModel.ClusterId}", "this cluster id is the API gateway's.", "rename the cluster.");
            }

            routes = [.. routes, .. gateway.Routes()];
            clusters = [.. clusters, ApiGatewayModel.Cluster(options.WeChatApi.BaseAddress, options.WeChatApi.CallTimeout)];
        }

        return errors.Any ? null : new RelayModel
        {
            Options = options,
            AccountsByPath = accounts.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase),
            AccountsByName = byName,
            Proxy = new ProxyConfigSnapshot(routes, clusters),
            Gateway = gateway,
        };
    }
}
