using System.Security.Cryptography;
using System.Text;

namespace MpEventRelay.Trail;

/// <summary>
/// The trail writer's OpenID hashing: one reused HMAC per key (an HMAC made per push costs over twice as much), and
/// the same hash the admin API computes for an OpenID it is given. Used by one thread only.
/// </summary>
internal sealed class OpenIdHashing : IDisposable
{
    private readonly Dictionary<byte[], IncrementalHash> _macs = new(ReferenceEqualityComparer.Instance);

    /// <summary>Sets the hash of every event that carries an OpenID.</summary>
    public void Hash(List<TrailEvent> events)
    {
        Span<byte> openId = stackalloc byte[256];
        Span<byte> mac = stackalloc byte[32];
        foreach (var e in events)
        {
            if (e is not { OpenId: { } id, OpenIdKey: { } key })
            {
                continue;
            }

            if (!_macs.TryGetValue(key, out var hmac))
            {
                _macs[key] = hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
            }

            hmac.AppendData(Encoding.UTF8.GetMaxByteCount(id.Length) <= openId.Length ? openId[..Encoding.UTF8.GetBytes(id, openId)] : Encoding.UTF8.GetBytes(id));
            hmac.GetHashAndReset(mac);
            e.OpenIdHash = OpenIdHasher.ToHash(mac);
        }
    }

    public void Dispose()
    {
        foreach (var hmac in _macs.Values)
        {
            hmac.Dispose();
        }
    }
}
