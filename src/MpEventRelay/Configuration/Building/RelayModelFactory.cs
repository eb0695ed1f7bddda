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

        return errors.Any ? null : new RelayModel
        {
            Options = options,
            AccountsByPath = accounts.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase),
            AccountsByName = accounts.Values.ToFrozenDictionary(a => a.Name, StringComparer.OrdinalIgnoreCase),
            Proxy = new ProxyConfigSnapshot(routes, clusters),
        };
    }
}
