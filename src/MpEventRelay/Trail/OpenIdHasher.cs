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
        var configured = models.Current.Options.Trail.HashKey;
        var key = _keys.GetOrAdd(configured ?? "token:" + account.Keys.Token, static (_, state) => Derive(state.configured, state.token), (configured, token: account.Keys.Token));
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(openId), mac);
        return Convert.ToHexStringLower(mac[..16]);
    }

    private static byte[] Derive(string? configured, string token) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(configured ?? token), 32, info: "mprelay trail openid"u8.ToArray());
}
