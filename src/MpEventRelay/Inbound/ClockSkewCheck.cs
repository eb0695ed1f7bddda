using System.Globalization;

namespace MpEventRelay.Inbound;

/// <summary>Refuses pushes whose timestamp is further from now than the configured skew (captured replays).</summary>
internal static class ClockSkewCheck
{
    public static bool IsWithin(string? timestamp, TimeSpan skew, TimeProvider time)
    {
        if (skew <= TimeSpan.Zero)
        {
            return true;
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }

        var offset = Math.Abs(time.GetUtcNow().ToUnixTimeSeconds() - seconds);
        return offset <= (long)skew.TotalSeconds;
    }
}
