using System.Text.RegularExpressions;
using MpEventRelay.Model;
using MpEventRelay.Routing;

namespace MpEventRelay.Configuration.Building;

/// <summary>An account's routes, in order: each resolves its repliers and copies and compiles its match.</summary>
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
            var repliers = new List<TargetModel>();
            var copies = new List<TargetModel>();
            if (route.Repliers.Count > 0)
            {
                if (route.Target is not null)
                {
                    errors.Add($"{key}:Target", "is set together with Repliers.", "name the target in Repliers only (the first is preferred), or use Target alone.");
                }

                if (!route.Reply)
                {
                    errors.Add($"{key}:Reply", "is false while Repliers are listed.", "list the targets under Mirror instead, or remove Reply.");
                }

                ResolveAll($"{key}:Repliers", route.Repliers, account, targets, errors, repliers);
                if (repliers.Select(t => t.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count() != repliers.Count)
                {
                    errors.Add($"{key}:Repliers", "names a target twice.", "list each target once.");
                }
            }
            else if (ResolveTarget($"{key}:Target", route.Target, account, targets, errors) is { } target)
            {
                (route.Reply ? repliers : copies).Add(target);
            }

            ResolveAll($"{key}:Mirror", route.Mirror, account, targets, errors, copies);
            if (route.TypingAfter is { } typing && typing <= TimeSpan.Zero)
            {
                errors.Add($"{key}:TypingAfter", "must be positive.", "use 00:00:02, or remove it.");
            }

            var matcher = BuildMatcher($"{key}:Match", route.Match, errors);
            if (matcher is not null && (repliers.Count > 0 || copies.Count > 0))
            {
                routes.Add(new RouteModel
                {
                    Name = name,
                    Match = matcher,
                    Repliers = repliers,
                    Copies = copies,
                    WaitForRetry = route.WaitForRetry,
                    TypingAfter = route.TypingAfter,
                });
            }
        }

        return routes;
    }

    private static void ResolveAll(string key, List<string> names, AccountOptions account, Dictionary<string, TargetModel> targets, ConfigurationErrors errors, List<TargetModel> into)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (ResolveTarget($"{key}:{i}", names[i], account, targets, errors) is { } target)
            {
                into.Add(target);
            }
        }
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
