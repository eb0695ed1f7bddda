using MpEventRelay.Trail;

namespace MpEventRelay.TestKit;

/// <summary>Trail events as the relay writes them, for the store tests of every trail store (SQLite, Redis).</summary>
internal static class TrailEvents
{
    /// <summary>WeChat's try of push <paramref name="id"/>, answered 200 with <paramref name="outcome"/>.</summary>
    public static TrailEvent TryOf(string id, long at, string account, string route, string kind, string? msgId, string openIdHash, string outcome) =>
        new(id, at, TrailEventKind.WeChatTry) { Account = account, Route = route, MessageKind = kind, MsgId = msgId, OpenIdHash = openIdHash, Status = 200, Attempt = 1, Detail = outcome };

    /// <summary>A delivery of push <paramref name="id"/> to <paramref name="target"/>: 200, or 503 with <paramref name="error"/>.</summary>
    public static TrailEvent DeliveryOf(string id, long at, string target, string? error) =>
        new(id, at, TrailEventKind.Delivery) { Target = target, Destination = "d0", Status = error is null ? 200 : 503, LatencyMs = 3, Error = error, Detail = "request" };
}
