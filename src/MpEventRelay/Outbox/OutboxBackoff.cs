using MpEventRelay.Configuration;

namespace MpEventRelay.Outbox;

/// <summary>Exponential backoff with ±20 % jitter, capped, so a recovering target is not hit by every item at once.</summary>
internal static class OutboxBackoff
{
    public static TimeSpan After(int attempts, OutboxOptions options)
    {
        var exponent = Math.Clamp(attempts - 1, 0, 20);
        var delay = Math.Min(options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, exponent), options.RetryMaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(delay * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }
}
