namespace MpEventRelay.Replies;

/// <summary>
/// Who delivers a late reply: the first to claim it, a WeChat retry (passively) or the customer-service API. A reply
/// reaches the user once, never both ways — across replicas too when they share Redis.
/// </summary>
internal interface IReplyClaims
{
    /// <summary>True for the first claim of the message's late reply; false once it is taken.</summary>
    Task<bool> TryClaimAsync(string dedupKey);
}
