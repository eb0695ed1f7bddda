namespace MpEventRelay.Configuration;

/// <summary>
/// Match criteria; every criterion given must hold. Text comparisons of MsgType and Event ignore case.
/// EventKey criteria also see the QR scene: on <c>subscribe</c> with <c>EventKey=qrscene_X</c> they match
/// <c>X</c> as well, so one rule catches a scene on first follow and on SCAN.
/// </summary>
public sealed record RouteMatchOptions
{
    /// <summary><c>event</c>, <c>text</c>, <c>image</c>…</summary>
    public string? MsgType { get; init; }

    /// <summary>Any of these events, e.g. <c>["subscribe", "SCAN"]</c>.</summary>
    public List<string> Event { get; init; } = [];

    /// <summary>EventKey (or scene) equal to this.</summary>
    public string? EventKey { get; init; }

    /// <summary>EventKey (or scene) starting with this.</summary>
    public string? EventKeyPrefix { get; init; }

    /// <summary>EventKey (or scene) matching this regular expression.</summary>
    public string? EventKeyRegex { get; init; }

    /// <summary>Content (of a text message) matching this regular expression.</summary>
    public string? ContentRegex { get; init; }

    /// <summary>Only these users (OpenIDs), e.g. testers.</summary>
    public List<string> FromUserName { get; init; } = [];
}
