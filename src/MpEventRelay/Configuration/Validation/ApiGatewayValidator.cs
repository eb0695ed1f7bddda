namespace MpEventRelay.Configuration.Validation;

/// <summary>
/// The <c>Relay:ApiGateway</c> section: each client's secret long enough, its API paths well formed, and a listener
/// that is not the public push port unless the operator said so. The accounts are checked when the model is built.
/// </summary>
internal static class ApiGatewayValidator
{
    /// <summary>The shortest client secret accepted: 32 characters (e.g. <c>openssl rand -hex 16</c>).</summary>
    public const int MinimumSecretLength = 32;

    private const string Key = $"{RelayOptions.SectionName}:ApiGateway";

    // The relay answers these itself, with the client's own token: they are never forwarded.
    private static readonly string[] TokenPaths = ["/cgi-bin/token", "/cgi-bin/stable_token"];

    public static void Validate(RelayOptions options, string environmentName, ConfigurationErrors errors)
    {
        var gateway = options.ApiGateway;
        if (gateway.Clients.Count == 0)
        {
            return;
        }

        if (gateway.TokenLifetime < TimeSpan.FromMinutes(10) || gateway.TokenLifetime > TimeSpan.FromDays(1))
        {
            errors.Add($"{Key}:TokenLifetime", $"{gateway.TokenLifetime} is outside 00:10:00..1.00:00:00.", "leave it out: 02:00:00, as WeChat's own tokens.");
        }

        if (gateway.Listener == ApiGatewayListener.Management && options.Management.Url is null && !options.Management.OnPushPort
            && !string.Equals(environmentName, "Development", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{Key}:Listener", "the gateway is served on the management listener, and there is none (Relay:Management:Url is unset).", "set Relay:Management:Url (e.g. http://0.0.0.0:8081, reachable from the merchant's network only), or Listener: Push if the push port is private.");
        }

        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, client) in gateway.Clients)
        {
            var key = $"{Key}:Clients:{name}";
            if (name.Length is 0 or > 32 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                errors.Add(key, "the client's name is not 1-32 letters, digits, '-' or '_'.", "rename it, e.g. bot or idaas-qr: the name is part of the client's tokens.");
            }

            if (string.IsNullOrWhiteSpace(client.Account))
            {
                errors.Add($"{key}:Account", "is missing.", "name the account under Relay:Accounts whose AppId this client calls for.");
            }

            if (client.Secret is not { Length: >= MinimumSecretLength } secret)
            {
                errors.Add($"{key}:Secret", $"the client secret is {client.Secret?.Length ?? 0} characters; at least {MinimumSecretLength} are needed.", "generate one with: openssl rand -hex 16 (32 characters); the client's SDK sends it where it would send the AppSecret.");
            }
            else if (!secrets.TryAdd(secret, name))
            {
                errors.Add($"{key}:Secret", $"is the same as client '{secrets[secret]}''s.", "give each client its own secret: the secret tells the clients apart.");
            }

            if (client.PermitsPerMinute < 0)
            {
                errors.Add($"{key}:PermitsPerMinute", $"{client.PermitsPerMinute} is negative.", "use 0 for no limit, or the calls a minute the client may make.");
            }

            if (client.Apis.Length == 0)
            {
                errors.Add($"{key}:Apis", "is empty: the client could call nothing.", "list the API paths it may call, e.g. [\"/cgi-bin/message/custom/send\", \"/cgi-bin/user/info\"].");
            }

            for (var i = 0; i < client.Apis.Length; i++)
            {
                var api = client.Apis[i];
                if (!IsApiPath(api))
                {
                    errors.Add($"{key}:Apis:{i}", $"'{api}' is not an API path.", "write it as WeChat's documentation does, from the first slash and without the query: /cgi-bin/user/info, or /cgi-bin/menu/* for every path below.");
                }
                else if (TokenPaths.Contains(api, StringComparer.OrdinalIgnoreCase))
                {
                    errors.Add($"{key}:Apis:{i}", $"'{api}' is answered by the relay itself, with the client's own token.", "remove it: every client may fetch its token.");
                }
            }
        }
    }

    private static bool IsApiPath(string api) =>
        api.Length > 1 && api[0] == '/' && api.IndexOfAny(['?', '#', ' ', '\\']) < 0 && !api.Contains("..", StringComparison.Ordinal)
        && api.IndexOf('*') is var star && (star < 0 || (star == api.Length - 1 && api[^2] == '/' && api.Length > 3))
        && api.TrimEnd('*').Split('/', StringSplitOptions.RemoveEmptyEntries).Length >= 1;
}
