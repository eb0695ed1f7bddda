namespace MpEventRelay.Dedup;

/// <summary>
/// The names of what happened to a push, as metrics (<c>outcome</c>), logs and the trail show them: one list, so a
/// dashboard query, a trail search and the code never disagree on a spelling.
/// </summary>
internal static class PushOutcome
{
    /// <summary>No route matched: acknowledged with <c>success</c>.</summary>
    public const string NoRoute = "no-route";

    /// <summary>Only copies (no replier): recorded and on their way.</summary>
    public const string Accepted = "accepted";

    /// <summary>A replier answered without a reply: <c>success</c>.</summary>
    public const string Delivered = "delivered";

    /// <summary>No replier delivered in time but every one is recorded in the outbox.</summary>
    public const string Queued = "queued";

    /// <summary>A replier's reply was passed on to WeChat.</summary>
    public const string Replied = "replied";

    /// <summary>A reply was refused (wrong user, over WeChat's limits…): WeChat got <c>success</c>.</summary>
    public const string ReplyRefused = "reply-refused";

    /// <summary>No reply within the deadline: WeChat got <c>success</c>, the delivery goes on.</summary>
    public const string DeadlineMissed = "deadline-missed";

    /// <summary>A retry or duplicate answered from an earlier attempt.</summary>
    public const string Duplicate = "duplicate";

    /// <summary>Neither delivered nor recorded: WeChat got a non-2xx and retries.</summary>
    public const string RetryLater = "retry-later";

    /// <summary>Refused before routing (signature, body, skew…).</summary>
    public const string Rejected = "rejected";
}
