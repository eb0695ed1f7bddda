using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using MpEventRelay.Configuration.Loading;
using MpEventRelay.Model;

namespace MpEventRelay.Trail;

/// <summary>
/// A keyed hash of an OpenID (HMAC-SHA256, 16 bytes hex): an operator who knows the OpenID finds its trails; the store
/// alone never reveals it. The key is <c>Relay:Trail:HashKey</c>, or derived per account from its Token (HKDF).
/// </summary>
internal sealed class OpenIdHasher(RelayModelProvider models)
{
    private readonly ConcurrentDictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    /// <summary>The key an account's OpenIDs are hashed with: derived from the configured HashKey, else from its Token (one cache entry per such secret).</summary>
    public byte[] KeyFor(AccountModel account) =>
        _keys.GetOrAdd(models.Current.Options.Trail.HashKey ?? account.Keys.Token, static secret => Derive(secret));

    public string Hash(AccountModel account, string openId)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(KeyFor(account), Encoding.UTF8.GetBytes(openId), mac);
        return ToHash(mac);
    }

    /// <summary>The hash as stored: the MAC's first 16 bytes, hex.</summary>
    public static string ToHash(ReadOnlySpan<byte> mac) => Convert.ToHexStringLower(mac[..16]);

    private static byte[] Derive(string secret) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), 32, info: "mprelay trail openid"u8.ToArray());
}
