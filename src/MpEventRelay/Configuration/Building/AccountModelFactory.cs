using MpEventRelay.Dedup;
using MpEventRelay.Model;
using MpEventRelay.Protocol.Messages;

namespace MpEventRelay.Configuration.Building;

/// <summary>One account: path, AppId, Token and keys, then its targets and routes. Errors name the account's keys.</summary>
internal static class AccountModelFactory
{
    /// <param name="destinationCount">The number of destinations of an accepted cluster; null when the cluster is unknown or was refused.</param>
    public static AccountModel? Create(string key, string name, AccountOptions account, RelayOptions options, Func<string, int?> destinationCount, ConfigurationErrors errors)
    {
        var before = errors.Count;
        var path = account.Path?.Trim();
        if (string.IsNullOrEmpty(path) || path[0] != '/' || path.Contains('?') || path.Contains('#'))
        {
            errors.Add($"{key}:Path", $"'{account.Path}' is not a URL path.", "use the path of the server URL set in WeChat's console, e.g. /wechat/main.");
        }

        if (string.IsNullOrWhiteSpace(account.AppId))
        {
            errors.Add($"{key}:AppId", "is missing.", "copy the AppId (wx…) from WeChat's console.");
        }

        Secrets.CheckToken($"{key}:Token", account.Token, errors);
        var cryptor = Secrets.Cryptor(key, account.AppId, account.EncodingAESKey, account.PreviousEncodingAESKey, required: account.RequireEncryption == true, errors);
        var targets = TargetModelFactory.Create(key, account, cryptor, destinationCount, errors);
        var routes = RouteModelFactory.Create(key, account, targets, errors);
        if (errors.Count != before)
        {
            return null;
        }

        var keys = new WeChatKeys(account.Token!, cryptor);
        return new AccountModel
        {
            Name = name,
            Path = path!.Length > 1 ? path.TrimEnd('/') : path,
            AppId = account.AppId!,
            Keys = keys,
            // The same on every replica (they share the configuration), and kept across restarts: retries still match.
            DedupHashKey = DedupKey.DeriveHashKey(options.Trail.HashKey ?? keys.Token),
            Decoder = new PushDecoder(keys.Token, cryptor, options.MaxBodyBytes),
            AcceptsPlaintext = cryptor is null || account.AllowPlaintext,
            AppSecret = string.IsNullOrWhiteSpace(account.AppSecret) ? null : account.AppSecret.Trim(),
            Routes = routes,
            Targets = targets,
        };
    }
}
