using MpEventRelay.Configuration;

namespace MpEventRelay.Dedup;

/// <summary>
/// Runs the work for a message once: a retry that arrives while the first attempt is in flight joins it,
/// a later duplicate gets the remembered answer. An answer that asks WeChat to retry (<see cref="RelayAnswer.RetryLater"/>)
/// or a work that throws is never remembered: the retry runs the work again.
/// </summary>
internal interface IDedupStore
{
    /// <summary>The answer for <paramref name="key"/>: from the attempt in flight or remembered, or from <paramref name="work"/>, started now.</summary>
    /// <param name="key">The message's <see cref="DedupKey"/>.</param>
    /// <param name="work">The one delivery of the message.</param>
    /// <param name="options">The configuration snapshot of the push (expiry, capacity, deadline).</param>
    /// <param name="rememberFor">How long the answer must be remembered at least (the push's replay window).</param>
    Task<RelayAnswer> RunOnceAsync(string key, Func<Task<RelayAnswer>> work, RelayOptions options, TimeSpan rememberFor);
}
