using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using MpEventRelay.Model;

namespace MpEventRelay.Trail;

/// <summary>
/// A keyed hash of an OpenID (HMAC-SHA256, 16 bytes hex): an operator who knows the OpenID finds its trails; the store
/// alone never reveals it. The key is <c>Relay:Trail:HashKey</c>, or derived per account from its Token (HKDF).
/// </summary>
internal sealed class OpenIdHasher(Configuration.RelayModelProvider models)
{
    private readonly ConcurrentDictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    public string Hash(AccountModel account, string openId)
    {
        // The key derives from the configured HashKey, else from the Token: one cache entry per such secret.
        var key = _keys.GetOrAdd(models.Current.Options.Trail.HashKey ?? account.Keys.Token, static secret => Derive(secret));
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(openId), mac);
        return Convert.ToHexStringLower(mac[..16]);
    }

    private static byte[] Derive(string secret) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), 32, info: "mprelay trail openid"u8.ToArray());
}
