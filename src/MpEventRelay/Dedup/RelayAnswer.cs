namespace MpEventRelay.Dedup;

/// <summary>What WeChat gets for one message: a checked plain passive reply, <c>success</c>, or a refusal to retry.</summary>
/// <param name="ReplyXml">The plain reply XML (encrypted per request, since a retry may arrive in another mode); null for <c>success</c>.</param>
/// <param name="Outcome">What happened, for logs and metrics.</param>
/// <param name="RetryLater">
/// True when the relay could neither deliver nor durably record the message: WeChat gets a non-2xx answer and
/// retries, and dedup forgets the attempt so the retry runs again. A 200 is a promise; this is the honest no.
/// </param>
internal sealed record RelayAnswer(byte[]? ReplyXml, string Outcome, bool RetryLater = false)
{
    /// <summary>
    /// For an answer given at the deadline while the replier was still working: its reply once it comes (null when
    /// none), so a WeChat retry that arrives later gets the reply rather than the <c>success</c> of the first try.
    /// </summary>
    public Task<RelayAnswer?>? Late { get; init; }

    /// <summary>True for a retry or duplicate answered from an earlier attempt: counted apart, not as a second delivery.</summary>
    public bool Duplicate { get; init; }

    /// <summary>Which of WeChat's attempts for this message this answer is for (1 for the first), as far as this replica saw.</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>
    /// A reply chosen after an earlier attempt had WeChat's answer: it reaches the user at most once, either passively
    /// by a retry or by the customer-service API, whichever claims it first (<see cref="Replies.IReplyClaims"/>).
    /// </summary>
    public bool LateReply { get; init; }

    public static RelayAnswer Success(string outcome) => new(null, outcome);

    /// <summary>Not delivered and not durable: WeChat must send it again. <paramref name="reason"/> is the one-line answer.</summary>
    public static RelayAnswer Retry(string reason) => new(null, reason, RetryLater: true);
}
