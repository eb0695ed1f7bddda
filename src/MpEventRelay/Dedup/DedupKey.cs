using System.Security.Cryptography;
using System.Text;
using MpEventRelay.Protocol.Messages;

namespace MpEventRelay.Dedup;

/// <summary>
/// The identity of a message across WeChat's retries: AppId + MsgId for messages, AppId + FromUserName + CreateTime
/// + Event + EventKey for events (two different events can share a second). Never the nonce or the ciphertext.
/// Stored and sent only as a keyed hash (HMAC-SHA256 with the account's <see cref="Model.AccountModel.DedupHashKey"/>):
/// the outbox, Redis, the trail and a target's logs hold no OpenID or EventKey, nor a hash anyone without the key can
/// recompute from them.
/// </summary>
internal static class DedupKey
{
    // The HMAC is set up once per thread and key (HmacPerKey), not for every push.
    [ThreadStatic]
    private static HmacPerKey? _macs;

    /// <summary>The dedup key: 64 hex characters.</summary>
    public static string For(byte[] hashKey, string appId, PushMessage message)
    {
        var identity = message.MsgId is { Length: > 0 } msgId
            ? $"{appId}|m|{msgId}"
            : $"{appId}|e|{message.FromUserName}|{message.CreateTime}|{message.Event?.ToLowerInvariant()}|{message.EventKey}";
        Span<byte> mac = stackalloc byte[32];
        (_macs ??= new HmacPerKey()).Compute(hashKey, identity, mac);
        return Convert.ToHexStringLower(mac);
    }

    /// <summary>
    /// The push's id (trail id and <c>Idempotency-Key</c>) for a dedup key: its first half. A record written before
    /// keys were keyed hashes holds the identity in clear; its id stays what it was then (an unkeyed hash of it).
    /// </summary>
    public static string Header(string key) =>
        key.Length == 64 && key.AsSpan().IndexOfAnyExcept("0123456789abcdef") < 0
            ? key[..32]
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 16));

    /// <summary>The key an account's dedup keys are hashed with, derived from a relay secret (HKDF).</summary>
    public static byte[] DeriveHashKey(string secret) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), 32, info: "mprelay dedup key"u8.ToArray());
}
