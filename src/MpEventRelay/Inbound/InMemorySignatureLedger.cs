using System.Collections.Concurrent;

namespace MpEventRelay.Inbound;

/// <summary>The embedded ledger: one process; entries leave when their timestamp is no longer accepted.</summary>
internal sealed class InMemorySignatureLedger(TimeProvider time) : ISignatureLedger
{
    private readonly ConcurrentDictionary<string, (string BodyHash, long ExpiresAt)> _bindings = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Key, long ExpiresAt)> _arrivals = new();
    private readonly Lock _trimLock = new();

    /// <summary>The bindings held: what trimming keeps bounded by the rate of pushes times the clock-skew window.</summary>
    public int Count => _bindings.Count;

    public Task<bool> BindAsync(string key, string bodyHash, TimeSpan keepFor)
    {
        var now = time.GetTimestamp();
        Trim(now);
        var expires = now + (long)(keepFor.TotalSeconds * time.TimestampFrequency);
        while (true)
        {
            if (_bindings.TryGetValue(key, out var bound))
            {
                if (bound.ExpiresAt > now)
                {
                    return Task.FromResult(string.Equals(bound.BodyHash, bodyHash, StringComparison.Ordinal));
                }

                _bindings.TryRemove(new KeyValuePair<string, (string, long)>(key, bound)); // expired, not yet trimmed
                continue;
            }

            if (_bindings.TryAdd(key, (bodyHash, expires)))
            {
                _arrivals.Enqueue((key, expires));
                return Task.FromResult(true);
            }
        }
    }

    private void Trim(long now)
    {
        if (!_trimLock.TryEnter())
        {
            return;
        }

        try
        {
            while (_arrivals.TryPeek(out var oldest) && oldest.ExpiresAt <= now)
            {
                _arrivals.TryDequeue(out _);
                if (_bindings.TryGetValue(oldest.Key, out var current) && current.ExpiresAt == oldest.ExpiresAt)
                {
                    _bindings.TryRemove(new KeyValuePair<string, (string, long)>(oldest.Key, current));
                }
            }
        }
        finally
        {
            _trimLock.Exit();
        }
    }
}
