using System.Collections.Concurrent;

namespace MpEventRelay.Outbox;

/// <summary>
/// The records this replica is delivering right now, whose leases <see cref="OutboxLeaseRenewer"/> keeps renewing:
/// a live replica keeps its work however long a target takes, and one that dies stops renewing, so the others take
/// its work over once the short lease ends. The worker also skips a record held here, so a lease that lapsed while
/// the store was unreachable never makes this replica deliver the same record twice at once.
/// </summary>
internal sealed class OutboxLeases
{
    private readonly ConcurrentDictionary<(IOutboxStore Store, string Id), OutboxItem> _held = new();

    public int Count => _held.Count;

    /// <summary>Holds <paramref name="record"/> until the returned value is disposed (settle it after that).</summary>
    public Hold Take(OutboxRecord record)
    {
        _held[(record.Store, record.Item.Id)] = record.Item;
        return new Hold(this, record);
    }

    public bool IsHeld(IOutboxStore store, string id) => _held.ContainsKey((store, id));

    /// <summary>The held items, by store.</summary>
    public IEnumerable<(IOutboxStore Store, IReadOnlyList<OutboxItem> Items)> ByStore() =>
        _held.GroupBy(h => h.Key.Store).Select(g => (g.Key, (IReadOnlyList<OutboxItem>)g.Select(h => h.Value).ToList()));

    private void Release(OutboxRecord record) => _held.TryRemove((record.Store, record.Item.Id), out _);

    /// <summary>A held record; disposing it stops the renewals.</summary>
    internal readonly struct Hold(OutboxLeases leases, OutboxRecord record) : IDisposable
    {
        public void Dispose() => leases.Release(record);
    }
}
