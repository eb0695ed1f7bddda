using System.Globalization;
using MpEventRelay.Configuration;

namespace MpEventRelay.Inbound;

/// <summary>
/// How long a push must be remembered so that a replay of it cannot get in: until its timestamp leaves the
/// clock-skew window (a timestamp ahead of our clock stays acceptable longer), and never less than
/// <c>Dedup:Expiry</c>. With the skew check off, <c>Dedup:Expiry</c> alone.
/// </summary>
internal static class ReplayWindow
{
    public static TimeSpan For(string? timestamp, RelayOptions options, TimeProvider time)
    {
        if (options.ClockSkew <= TimeSpan.Zero || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return options.Dedup.Expiry;
        }

        var acceptedUntil = DateTimeOffset.FromUnixTimeSeconds(seconds) + options.ClockSkew + TimeSpan.FromSeconds(1);
        return options.Dedup.KeepFor(acceptedUntil - time.GetUtcNow());
    }
}
