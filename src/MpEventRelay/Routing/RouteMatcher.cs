using System.Text.RegularExpressions;
using MpEventRelay.Protocol.Messages;

namespace MpEventRelay.Routing;

/// <summary>
/// A route's compiled criteria. Regexes are compiled once, at configuration load, with the non-backtracking
/// engine, so a hostile Content cannot make matching slow.
/// </summary>
internal sealed class RouteMatcher
{
    public const RegexOptions RegexFlags = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;

    public string? MsgType { get; init; }
    public IReadOnlyList<string> Events { get; init; } = [];
    public string? EventKey { get; init; }
    public string? EventKeyPrefix { get; init; }
    public Regex? EventKeyRegex { get; init; }
    public Regex? ContentRegex { get; init; }
    public IReadOnlySet<string> FromUserNames { get; init; } = new HashSet<string>();

    public bool Matches(PushMessage message)
    {
        if (MsgType is not null && !string.Equals(MsgType, message.MsgType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (Events.Count > 0 && !MatchesEvent(message))
        {
            return false;
        }

        if ((EventKey is not null || EventKeyPrefix is not null || EventKeyRegex is not null)
            && !MatchesKey(message.EventKey) && !MatchesKey(SceneOnSubscribe(message)))
        {
            return false;
        }

        if (ContentRegex is not null && (message.Content is null || !ContentRegex.IsMatch(message.Content)))
        {
            return false;
        }

        return FromUserNames.Count == 0 || FromUserNames.Contains(message.FromUserName);
    }

    private bool MatchesEvent(PushMessage message)
    {
        foreach (var name in Events)
        {
            if (message.EventIs(name))
            {
                return true;
            }
        }

        return false;
    }

    private bool MatchesKey(string? key) =>
        key is not null
        && (EventKey is null || string.Equals(EventKey, key, StringComparison.Ordinal))
        && (EventKeyPrefix is null || key.StartsWith(EventKeyPrefix, StringComparison.Ordinal))
        && (EventKeyRegex is null || EventKeyRegex.IsMatch(key));

    // Only the subscribe form differs from SCAN's; for SCAN the raw key is already the scene.
    private static string? SceneOnSubscribe(PushMessage message) =>
        message.EventIs("subscribe") ? message.Scene : null;
}
