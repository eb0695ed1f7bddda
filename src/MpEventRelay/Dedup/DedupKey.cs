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
    private const int MaxKeysPerThread = 64;

    // One HMAC per thread and key, reused: a one-shot HMACSHA256.HashData sets OpenSSL's MAC up again for every call
    // (1.45 → 0.59 µs a key). A key is an account's, replaced on a configuration reload: a thread that has seen more
    // than MaxKeysPerThread keys starts over.
    [ThreadStatic]
    private static Dictionary<byte[], IncrementalHash>? _macs;

    /// <summary>The dedup key: 64 hex characters.</summary>
    public static string For(byte[] hashKey, string appId, PushMessage message)
    {
        var identity = message.MsgId is { Length: > 0 } msgId
            ? $"{appId}|m|{msgId}"
            : $"{appId}|e|{message.FromUserName}|{message.CreateTime}|{message.Event?.ToLowerInvariant()}|{message.EventKey}";
        Span<byte> utf8 = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetMaxByteCount(identity.Length) <= utf8.Length ? utf8[..Encoding.UTF8.GetBytes(identity, utf8)] : Encoding.UTF8.GetBytes(identity);
        var hmac = MacFor(hashKey);
        hmac.AppendData(bytes);
        Span<byte> mac = stackalloc byte[32];
        hmac.GetHashAndReset(mac);
        return Convert.ToHexStringLower(mac);
    }

    private static IncrementalHash MacFor(byte[] hashKey)
    {
        var macs = _macs ??= new Dictionary<byte[], IncrementalHash>(ReferenceEqualityComparer.Instance);
        if (!macs.TryGetValue(hashKey, out var hmac))
        {
            if (macs.Count >= MaxKeysPerThread)
            {
                foreach (var old in macs.Values)
                {
                    old.Dispose();
                }

                macs.Clear();
            }

            macs[hashKey] = hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, hashKey);
        }

        return hmac;
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
