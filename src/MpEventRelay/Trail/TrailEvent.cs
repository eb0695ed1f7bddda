namespace MpEventRelay.Trail;

/// <summary>
/// One thing that happened to a push, as the trail keeps it. <see cref="TrailId"/> is the push's Idempotency-Key (a
/// hash of its dedup key, which itself may hold the OpenID). Fields a kind does not use stay null.
/// </summary>
internal sealed record TrailEvent(string TrailId, long AtMs, TrailEventKind Kind)
{
    public string? Account { get; init; }
    public string? Route { get; init; }
    /// <summary>MsgType, or MsgType/Event: <c>text</c>, <c>event/subscribe</c>.</summary>
    public string? MessageKind { get; init; }
    public string? MsgId { get; init; }
    /// <summary>The OpenID's keyed hash, what is stored: set by the writer from <see cref="OpenId"/>, off the request path.</summary>
    public string? OpenIdHash { get; set; }
    /// <summary>The OpenID, held in memory until the writer hashes it with <see cref="OpenIdKey"/>; never stored.</summary>
    public string? OpenId { get; init; }
    /// <summary>The key of the OpenID's hash (<see cref="OpenIdHasher.KeyFor"/>).</summary>
    public byte[]? OpenIdKey { get; init; }
    public string? Target { get; init; }
    public string? Destination { get; init; }
    public int? Status { get; init; }
    public long? LatencyMs { get; init; }
    public string? Error { get; init; }
    public int? Attempt { get; init; }
    /// <summary>For a delivery attempt: <c>request</c> or <c>outbox</c>; for WeChat's try: its outcome; for a late reply: how it went.</summary>
    public string? Detail { get; init; }
    /// <summary>For WeChat's duplicate tries counted together (<see cref="DuplicateTally"/>): how many; null for one event.</summary>
    public int? Count { get; set; }
    /// <summary>For counted tries: when the last of them arrived.</summary>
    public long? LastAtMs { get; set; }
    /// <summary>Set on the first of counted tries: the writer closes it before storing the event.</summary>
    public DuplicateTally? Tally { get; init; }
}

/// <summary>What a <see cref="TrailEvent"/> records.</summary>
internal enum TrailEventKind
{
    /// <summary>One of WeChat's tries and how it was answered (the first one also opens the trail).</summary>
    WeChatTry,
    /// <summary>One attempt to one destination of a target.</summary>
    Delivery,
    /// <summary>A reply after WeChat's answer: taken passively, sent by the API, or why not.</summary>
    LateReply,
    /// <summary>A delivery that expired into a dead letter (replayable).</summary>
    DeadLetter,
    /// <summary>A replier's reply that was not passed on to WeChat, and why (WeChat got <c>success</c>).</summary>
    ReplyRefused,
}
