using System.Globalization;
using System.Security.Cryptography;

namespace MpEventRelay.Protocol;

/// <summary>Fresh timestamps and nonces, as WeChat writes them.</summary>
public static class WeChatClock
{
    /// <summary>Unix seconds now, from <paramref name="time"/>.</summary>
    public static long UnixSeconds(TimeProvider time) => time.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>Unix seconds now, as text.</summary>
    public static string Timestamp(TimeProvider time) => UnixSeconds(time).ToString(CultureInfo.InvariantCulture);

    /// <summary>A fresh random decimal nonce, like WeChat's.</summary>
    public static string Nonce() => RandomNumberGenerator.GetInt32(100_000_000, int.MaxValue).ToString(CultureInfo.InvariantCulture);
}
