using System.Security.Cryptography;
using System.Text;
using MpEventRelay.Model;

namespace MpEventRelay.Configuration.Building;

/// <summary>The gateway's clients, each tied to an account that can fetch WeChat's access token (it has an AppSecret).</summary>
internal static class ApiGatewayModelFactory
{
    private const string Key = $"{RelayOptions.SectionName}:ApiGateway";

    public static ApiGatewayModel? Create(ApiGatewayOptions options, IReadOnlyDictionary<string, AccountModel> accountsByName, ConfigurationErrors errors)
    {
        if (options.Clients.Count == 0)
        {
            return null;
        }

        var clients = new Dictionary<string, ApiClientModel>(StringComparer.Ordinal);
        var roots = new SortedSet<string>(StringComparer.Ordinal) { "/cgi-bin" };
        foreach (var (name, client) in options.Clients)
        {
            if (client.Account is null || client.Secret is null)
            {
                continue; // reported by the validator
            }

            if (!accountsByName.TryGetValue(client.Account, out var account))
            {
                errors.Add($"{Key}:Clients:{name}:Account", $"'{client.Account}' is not an account under Relay:Accounts.", $"use one of {string.Join(", ", accountsByName.Keys.Order(StringComparer.Ordinal))}.");
                continue;
            }

            if (account.AppSecret is null)
            {
                errors.Add($"{Key}:Clients:{name}:Account", $"account '{account.Name}' has no AppSecret: the relay cannot fetch the access token the client's calls need.", $"set Relay:Accounts:{account.Name}:AppSecret (WeChat's console, Basic configuration).");
                continue;
            }

            var exact = client.Apis.Where(api => !api.EndsWith('*')).Select(api => api.TrimEnd('/')).ToHashSet(StringComparer.Ordinal);
            var prefixes = client.Apis.Where(api => api.EndsWith('*')).Select(api => api.TrimEnd('*')).ToArray();
            foreach (var api in client.Apis)
            {
                roots.Add("/" + api.Split('/', StringSplitOptions.RemoveEmptyEntries)[0]);
            }

            var secret = Encoding.UTF8.GetBytes(client.Secret);
            clients[name] = new ApiClientModel
            {
                Name = name,
                Account = account,
                Secret = secret,
                TokenKey = TokenKeyOf(secret),
                Apis = exact,
                ApiPrefixes = prefixes,
                PermitsPerMinute = client.PermitsPerMinute,
            };
        }

        return new ApiGatewayModel
        {
            Listener = options.Listener,
            TokenLifetime = options.TokenLifetime,
            Clients = clients,
            PathRoots = roots.ToArray(),
        };
    }

    /// <summary>The key of a client's tokens: an HMAC of its secret, so a token says nothing about the secret.</summary>
    internal static byte[] TokenKeyOf(byte[] secret) => HMACSHA256.HashData(secret, "mprelay api-gateway client token v1"u8);
}
