using System.Globalization;

namespace MpEventRelay.Protocol;

/// <summary>Fresh timestamps and nonces, as WeChat writes them.</summary>
public static class WeChatClock
{
    /// <summary>Unix seconds now, from <paramref name="time"/>.</summary>
    public static long UnixSeconds(TimeProvider time) => time.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>Unix seconds now, as text.</summary>
    public static string Timestamp(TimeProvider time) => UnixSeconds(time).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A fresh random decimal nonce, like WeChat's (9 or 10 digits). It is no secret — it travels in the query beside
    /// the signature it salts — so it comes from <see cref="Random.Shared"/>, not the CSPRNG (0.9 µs a call through
    /// OpenSSL); the AES random prefix, which must be unpredictable, still does.
    /// </summary>
    public static string Nonce() => Random.Shared.Next(100_000_000, int.MaxValue).ToString(CultureInfo.InvariantCulture);
}
