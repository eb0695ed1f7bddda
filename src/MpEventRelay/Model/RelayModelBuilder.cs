using System.Collections.Frozen;
using System.Text.RegularExpressions;
using MpEventRelay.Configuration;
using MpEventRelay.Protocol.Crypto;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Routing;

namespace MpEventRelay.Model;

/// <summary>
/// Validates the <c>Relay</c> options and builds the immutable runtime model in one pass, collecting every error
/// (with its key and its fix) instead of stopping at the first.
/// </summary>
internal sealed class RelayModelBuilder(Func<string, bool> clusterExists)
{
    private const string Root = RelayOptions.SectionName;

    /// <summary>Binds the <c>Relay</c> section and checks its clusters against <c>ReverseProxy:Clusters</c>.</summary>
    public static RelayModel? FromConfiguration(IConfiguration configuration, ConfigurationErrors errors)
    {
        var options = configuration.GetSection(RelayOptions.SectionName).Get<RelayOptions>() ?? new RelayOptions();
        var clusters = configuration.GetSection("ReverseProxy:Clusters");
        return new RelayModelBuilder(id => clusters.GetSection(id).Exists()).TryBuild(options, errors);
    }

    public RelayModel? TryBuild(RelayOptions options, ConfigurationErrors errors)
    {
        CheckLimits(options, errors);
        if (options.Accounts.Count == 0)
        {
            errors.Add($"{Root}:Accounts", "No account is configured.", "add one under Relay:Accounts (see appsettings.example.json).");
        }

        var accounts = new Dictionary<string, AccountModel>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, account) in options.Accounts)
        {
            var model = BuildAccount($"{Root}:Accounts:{name}", name, account, options, errors);
            if (model is not null && !accounts.TryAdd(model.Path, model))
            {
                errors.Add($"{Root}:Accounts:{name}:Path", $"'{model.Path}' is already the path of account '{accounts[model.Path].Name}'.", "give each account its own path.");
            }
        }

        return errors.Any ? null : new RelayModel
        {
            Options = options,
            AccountsByPath = accounts.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase),
            AccountsByName = accounts.Values.ToFrozenDictionary(a => a.Name, StringComparer.OrdinalIgnoreCase),
        };
    }

    private static void CheckLimits(RelayOptions options, ConfigurationErrors errors)
    {
        if (options.Deadline <= TimeSpan.Zero || options.Deadline >= TimeSpan.FromSeconds(5))
        {
            errors.Add($"{Root}:Deadline", $"{options.Deadline} is outside (0, 5 s): WeChat gives up at 5 s.", "use about 00:00:04.5.");
        }

        if (options.ClockSkew < TimeSpan.Zero)
        {
            errors.Add($"{Root}:ClockSkew", "is negative.", "use 00:05:00, or 0 to turn the check off.");
        }

        if (options.DeliveryTimeout < options.Deadline)
        {
            errors.Add($"{Root}:DeliveryTimeout", "is shorter than the Deadline.", "use at least the Deadline, e.g. 00:00:30.");
        }

        if (options.MaxBodyBytes is < 1024 or > 16 * 1024 * 1024)
        {
            errors.Add($"{Root}:MaxBodyBytes", $"{options.MaxBodyBytes} is outside 1 KB..16 MB.", "use 262144.");
        }

        var resilience = options.Resilience;
        if (resilience.MaxRetries is < 0 or > 10 || resilience.AttemptTimeout <= TimeSpan.Zero || resilience.RetryDelay < TimeSpan.Zero
            || resilience.FailureRatio is <= 0 or > 1 || resilience.MinimumThroughput < 2
            || resilience.SamplingDuration < TimeSpan.FromMilliseconds(500) || resilience.BreakDuration < TimeSpan.FromMilliseconds(500))
        {
            errors.Add($"{Root}:Resilience", "has a value out of range (MaxRetries 0-10, AttemptTimeout > 0, FailureRatio in (0, 1], MinimumThroughput >= 2, SamplingDuration and BreakDuration >= 0.5 s).", "use the defaults from appsettings.example.json.");
        }

        var outbox = options.Outbox;
        if (outbox.PollInterval <= TimeSpan.Zero || outbox.RetryBaseDelay <= TimeSpan.Zero || outbox.RetryMaxDelay < outbox.RetryBaseDelay || outbox.Expiry <= TimeSpan.Zero)
        {
            errors.Add($"{Root}:Outbox", "PollInterval, RetryBaseDelay and Expiry must be positive and RetryMaxDelay at least RetryBaseDelay.", "use PollInterval 00:00:01, RetryBaseDelay 00:00:02, RetryMaxDelay 00:05:00, Expiry 1.00:00:00.");
        }

        if (options.Dedup.Capacity < 1 || options.Dedup.Expiry <= TimeSpan.Zero)
        {
            errors.Add($"{Root}:Dedup", "Capacity and Expiry must be positive.", "use Capacity 100000 and Expiry 00:05:00.");
        }
    }

    private AccountModel? BuildAccount(string key, string name, AccountOptions account, RelayOptions options, ConfigurationErrors errors)
    {
        var path = account.Path?.Trim();
        if (string.IsNullOrEmpty(path) || path[0] != '/' || path.Contains('?') || path.Contains('#'))
        {
            errors.Add($"{key}:Path", $"'{account.Path}' is not a URL path.", "use the path of the server URL set in WeChat's console, e.g. /wechat/main.");
        }

        if (string.IsNullOrWhiteSpace(account.AppId))
        {
            errors.Add($"{key}:AppId", "is missing.", "copy the AppId (wx…) from WeChat's console.");
        }

        CheckToken($"{key}:Token", account.Token, errors);
        var cryptor = BuildCryptor(key, account.AppId, account.EncodingAESKey, account.PreviousEncodingAESKey, required: account.RequireEncryption, errors);
        var targets = BuildTargets(key, account, cryptor, errors);
        var routes = BuildRoutes(key, account, targets, errors);

        if (errors.Any)
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
            Decoder = new PushDecoder(keys.Token, cryptor, options.MaxBodyBytes),
            RequireEncryption = account.RequireEncryption,
            Routes = routes,
            Targets = targets,
        };
    }

    private static void CheckToken(string key, string? token, ConfigurationErrors errors)
    {
        if (string.IsNullOrEmpty(token) || token.Length is < 3 or > 32 || !token.All(char.IsAsciiLetterOrDigit))
        {
            errors.Add(key, "is missing or not 3-32 letters and digits.", "copy the Token from the server's settings (WeChat's console for an account, the IDaaS or bot settings for a target).");
        }
    }

    private static WeChatCryptor? BuildCryptor(string key, string? appId, string? current, string? previous, bool required, ConfigurationErrors errors)
    {
        if (string.IsNullOrEmpty(current))
        {
            if (required)
            {
                errors.Add($"{key}:EncodingAESKey", "is missing but encryption is required.", "copy the 43-character EncodingAESKey from the settings.");
            }

            return null;
        }

        var ok = true;
        if (!EncodingAesKey.IsValid(current))
        {
            errors.Add($"{key}:EncodingAESKey", "is not 43 characters of A-Z, a-z, 0-9.", "copy it again from the settings; it has no '=' at the end.");
            ok = false;
        }

        if (!string.IsNullOrEmpty(previous) && !EncodingAesKey.IsValid(previous))
        {
            errors.Add($"{key}:PreviousEncodingAESKey", "is not 43 characters of A-Z, a-z, 0-9.", "use the key that was current before the rotation, or remove it.");
            ok = false;
        }

        return ok && !string.IsNullOrWhiteSpace(appId) ? new WeChatCryptor(appId, current, previous) : null;
    }

    private Dictionary<string, TargetModel> BuildTargets(string key, AccountOptions account, WeChatCryptor? accountCryptor, ConfigurationErrors errors)
    {
        var targets = new Dictionary<string, TargetModel>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, target) in account.Targets)
        {
            var targetKey = $"{key}:Targets:{name}";
            if (string.IsNullOrWhiteSpace(target.Cluster) || !clusterExists(target.Cluster))
            {
                errors.Add($"{targetKey}:Cluster", $"'{target.Cluster}' is not a cluster in ReverseProxy:Clusters.", "name a cluster defined under ReverseProxy:Clusters, with the target's URL as a destination.");
            }

            CheckToken($"{targetKey}:Token", target.Token, errors);
            var needsKey = target.Encryption != TargetEncryption.Plaintext && (target.Encryption != TargetEncryption.SameAsInbound || accountCryptor is not null);
            var cryptor = BuildCryptor(targetKey, account.AppId, target.EncodingAESKey, null, needsKey, errors);
            if (errors.Any)
            {
                continue;
            }

            targets[name] = new TargetModel
            {
                Name = name,
                ClusterId = target.Cluster!,
                Keys = new WeChatKeys(target.Token!, cryptor),
                Encryption = target.Encryption,
                SharesAccountKey = cryptor is not null && accountCryptor is not null && cryptor.SharesKeyWith(accountCryptor),
            };
        }

        return targets;
    }

    private static List<RouteModel> BuildRoutes(string key, AccountOptions account, Dictionary<string, TargetModel> targets, ConfigurationErrors errors)
    {
        var routes = new List<RouteModel>();
        if (account.Routes.Count == 0)
        {
            errors.Add($"{key}:Routes", "No route is configured: every push would be dropped.", "add at least a catch-all route, e.g. { \"Name\": \"everything-else\", \"Target\": \"bot\" }.");
        }

        for (var i = 0; i < account.Routes.Count; i++)
        {
            var route = account.Routes[i];
            var routeKey = $"{key}:Routes:{i}";
            var name = string.IsNullOrWhiteSpace(route.Name) ? $"route-{i}" : route.Name;
            var target = ResolveTarget($"{routeKey}:Target", route.Target, account, targets, errors);
            var mirrors = new List<TargetModel>();
            for (var m = 0; m < route.Mirror.Count; m++)
            {
                if (ResolveTarget($"{routeKey}:Mirror:{m}", route.Mirror[m], account, targets, errors) is { } mirror)
                {
                    mirrors.Add(mirror);
                }
            }

            var matcher = BuildMatcher($"{routeKey}:Match", route.Match, errors);
            if (target is not null && matcher is not null)
            {
                routes.Add(new RouteModel { Name = name, Match = matcher, Target = target, Reply = route.Reply, Mirrors = mirrors });
            }
        }

        return routes;
    }

    private static TargetModel? ResolveTarget(string key, string? name, AccountOptions account, Dictionary<string, TargetModel> targets, ConfigurationErrors errors)
    {
        if (name is not null && targets.TryGetValue(name, out var target))
        {
            return target;
        }

        if (name is null || !account.Targets.ContainsKey(name))
        {
            var known = account.Targets.Count == 0 ? "none is defined" : string.Join(", ", account.Targets.Keys);
            errors.Add(key, $"'{name}' is not a target of this account ({known}).", "name a target defined under this account's Targets.");
        }

        return null;
    }

    private static RouteMatcher? BuildMatcher(string key, RouteMatchOptions match, ConfigurationErrors errors)
    {
        var eventKeyRegex = CompileRegex($"{key}:EventKeyRegex", match.EventKeyRegex, errors);
        var contentRegex = CompileRegex($"{key}:ContentRegex", match.ContentRegex, errors);
        if (match.Event.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add($"{key}:Event", "contains an empty event name.", "list event names, e.g. [\"subscribe\", \"SCAN\"].");
            return null;
        }

        return new RouteMatcher
        {
            MsgType = string.IsNullOrWhiteSpace(match.MsgType) ? null : match.MsgType,
            Events = match.Event.ToArray(),
            EventKey = match.EventKey,
            EventKeyPrefix = match.EventKeyPrefix,
            EventKeyRegex = eventKeyRegex,
            ContentRegex = contentRegex,
            FromUserNames = match.FromUserName.ToHashSet(StringComparer.Ordinal),
        };
    }

    private static Regex? CompileRegex(string key, string? pattern, ConfigurationErrors errors)
    {
        if (pattern is null)
        {
            return null;
        }

        try
        {
            return new Regex(pattern, RouteMatcher.RegexFlags);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            errors.Add(key, $"is not a valid regular expression ({e.Message}).", "fix the pattern; backreferences and lookarounds are not supported (non-backtracking engine).");
            return null;
        }
    }
}
