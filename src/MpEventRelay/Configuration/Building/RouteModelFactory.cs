using System.Text.RegularExpressions;
using MpEventRelay.Model;
using MpEventRelay.Routing;

namespace MpEventRelay.Configuration.Building;

/// <summary>An account's routes, in order: each resolves its target and mirrors and compiles its match.</summary>
internal static class RouteModelFactory
{
    public static List<RouteModel> Create(string accountKey, AccountOptions account, Dictionary<string, TargetModel> targets, ConfigurationErrors errors)
    {
        var routes = new List<RouteModel>();
        if (account.Routes.Count == 0)
        {
            errors.Add($"{accountKey}:Routes", "No route is configured: every push would be dropped.", "add at least a catch-all route, e.g. { \"Name\": \"everything-else\", \"Target\": \"bot\" }.");
        }

        for (var i = 0; i < account.Routes.Count; i++)
        {
            var route = account.Routes[i];
            var key = $"{accountKey}:Routes:{i}";
            var name = string.IsNullOrWhiteSpace(route.Name) ? $"route-{i}" : route.Name;
            var target = ResolveTarget($"{key}:Target", route.Target, account, targets, errors);
            var mirrors = new List<TargetModel>();
            for (var m = 0; m < route.Mirror.Count; m++)
            {
                if (ResolveTarget($"{key}:Mirror:{m}", route.Mirror[m], account, targets, errors) is { } mirror)
                {
                    mirrors.Add(mirror);
                }
            }

            var matcher = BuildMatcher($"{key}:Match", route.Match, errors);
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

        // A target that exists but failed its own checks has its error already; only unknown names are reported here.
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
