using MpEventRelay.Protocol.Messages;

namespace MpEventRelay.Model;

/// <summary>An account as the relay runs it: immutable, built from validated configuration.</summary>
internal sealed class AccountModel
{
    public required string Name { get; init; }
    public required string Path { get; init; }
    public required string AppId { get; init; }
    public required WeChatKeys Keys { get; init; }

    /// <summary>The key of the account's dedup keys (<see cref="Dedup.DedupKey.For"/>), from <c>Relay:Trail:HashKey</c> or the Token.</summary>
    public required byte[] DedupHashKey { get; init; }
    public required PushDecoder Decoder { get; init; }
    /// <summary>True when a plaintext push is accepted: the account has no key, or <c>AllowPlaintext</c> is set.</summary>
    public required bool AcceptsPlaintext { get; init; }
    /// <summary>The AppSecret, for WeChat's API (late replies, typing); null when not configured.</summary>
    public string? AppSecret { get; init; }
    public required IReadOnlyList<RouteModel> Routes { get; init; }
    public required IReadOnlyDictionary<string, TargetModel> Targets { get; init; }

    /// <summary>The first route that matches, or null when none does (the push is then acknowledged and logged).</summary>
    public RouteModel? Route(PushMessage message)
    {
        foreach (var route in Routes)
        {
            if (route.Match.Matches(message))
            {
                return route;
            }
        }

        return null;
    }
}
