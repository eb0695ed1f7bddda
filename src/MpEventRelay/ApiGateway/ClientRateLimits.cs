using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using MpEventRelay.Model;

namespace MpEventRelay.ApiGateway;

/// <summary>Each client's <c>PermitsPerMinute</c> (a fixed one-minute window, this replica's count), from System.Threading.RateLimiting.</summary>
internal sealed class ClientRateLimits : IDisposable
{
    private readonly ConcurrentDictionary<(string Client, int Permits), RateLimiter> _limiters = new();

    /// <summary>True when the client may make one more call now.</summary>
    public bool TryAcquire(ApiClientModel client)
    {
        if (client.PermitsPerMinute == 0)
        {
            return true;
        }

        // Keyed by the limit too: a reload that changes it starts a new window.
        var limiter = _limiters.GetOrAdd((client.Name, client.PermitsPerMinute), key => new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
        {
            PermitLimit = key.Permits,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
        using var lease = limiter.AttemptAcquire();
        return lease.IsAcquired;
    }

    public void Dispose()
    {
        foreach (var limiter in _limiters.Values)
        {
            limiter.Dispose();
        }
    }
}
