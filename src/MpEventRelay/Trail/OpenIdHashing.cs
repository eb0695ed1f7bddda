using MpEventRelay.Dedup;

namespace MpEventRelay.Trail;

/// <summary>
/// The trail writer's OpenID hashing: one reused HMAC per key (<see cref="HmacPerKey"/>; an HMAC made per push costs
/// over twice as much), and the same hash the admin API computes for an OpenID it is given. Used by one thread only.
/// </summary>
internal sealed class OpenIdHashing : IDisposable
{
    private readonly HmacPerKey _macs = new();

    /// <summary>Sets the hash of every event that carries an OpenID.</summary>
    public void Hash(List<TrailEvent> events)
    {
        Span<byte> mac = stackalloc byte[32];
        foreach (var e in events)
        {
            if (e is not { OpenId: { } id, OpenIdKey: { } key })
            {
                continue;
            }

            _macs.Compute(key, id, mac);
            e.OpenIdHash = OpenIdHasher.ToHash(mac);
        }
    }

    public void Dispose() => _macs.Dispose();
}
