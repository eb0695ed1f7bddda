using System.Collections.Concurrent;

namespace MpEventRelay.Outbox;

/// <summary>
/// How many deliveries a lane holds, for <see cref="Configuration.OutboxOptions.MaxPendingPerTarget"/> without a store
/// call on the request path: the count the stores reported when the worker last looked (every replica's records), plus
/// what this replica added and minus what it settled since.
/// </summary>
internal sealed class PendingEstimate
{
    private readonly ConcurrentDictionary<string, long> _observed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _sinceObserved = new(StringComparer.Ordinal);

    /// <summary>The lane's estimated pending count.</summary>
    public long Of(string targetKey) => _observed.GetValueOrDefault(targetKey) + _sinceObserved.GetValueOrDefault(targetKey);

    /// <summary>A record was added to the lane.</summary>
    public void Added(string targetKey) => _sinceObserved.AddOrUpdate(targetKey, 1, (_, n) => n + 1);

    /// <summary>A record left the lane (delivered or dead).</summary>
    public void Removed(string targetKey) => _sinceObserved.AddOrUpdate(targetKey, -1, (_, n) => n - 1);

    /// <summary>The stores' counts replace the estimate; lanes they do not name hold nothing.</summary>
    public void Observe(IReadOnlyDictionary<string, long> byTarget)
    {
        _observed.Clear();
        _sinceObserved.Clear();
        foreach (var (key, count) in byTarget)
        {
            _observed[key] = count;
        }
    }
}
