using System.Collections.Concurrent;
using MpEventRelay.Observability;
using MpEventRelay.Outbox;
using MpEventRelay.Storage;

namespace MpEventRelay.UnitTests.Outbox;

/// <summary>A store for the unit tier: items in a dictionary, and a switch that makes every call fail like a full disk.</summary>
internal sealed class MemoryOutboxStore(string name, TimeProvider time) : IOutboxStore
{
    public ConcurrentDictionary<string, (OutboxItem Item, bool Dead)> Items { get; } = new();

    public bool Failing { get; set; }

    /// <summary>Each write (one call of <see cref="AddAsync"/>), with its items.</summary>
    public event Action<IReadOnlyList<OutboxItem>>? Added;

    public string Name => name;

    public StoreGuard Guard { get; } = new(name, () => TimeSpan.FromMilliseconds(500), time);

    public Task AddAsync(IReadOnlyList<OutboxItem> items, CancellationToken cancellationToken)
    {
        Fail();
        foreach (var item in items)
        {
            Items.TryAdd(item.Id, (item, false)); // an id already held stays as it is, as in the real stores
        }

        Added?.Invoke(items);

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<OutboxItem>> ClaimDueAsync(string lane, long nowMs, long leaseUntilMs, int max, CancellationToken cancellationToken)
    {
        Fail();
        var due = Items.Values.Where(v => !v.Dead && v.Item.TargetKey == lane && v.Item.NextAttemptAtMs <= nowMs).Select(v => v.Item).OrderBy(i => i.NextAttemptAtMs).Take(max).ToList();
        foreach (var item in due)
        {
            Items[item.Id] = (item with { NextAttemptAtMs = leaseUntilMs }, false);
        }

        return Task.FromResult<IReadOnlyList<OutboxItem>>(due);
    }

    public Task RenewLeasesAsync(IReadOnlyList<OutboxItem> items, long leaseUntilMs, CancellationToken cancellationToken)
    {
        Fail();
        foreach (var item in items)
        {
            if (Items.TryGetValue(item.Id, out var held) && !held.Dead && held.Item.NextAttemptAtMs < leaseUntilMs)
            {
                Items[item.Id] = (held.Item with { NextAttemptAtMs = leaseUntilMs }, false);
            }
        }

        return Task.CompletedTask;
    }

    public Task RescheduleAsync(OutboxItem item, CancellationToken cancellationToken)
    {
        Fail();
        Items[item.Id] = (item, false);
        return Task.CompletedTask;
    }

    public Task CompleteAsync(OutboxItem item, CancellationToken cancellationToken)
    {
        Fail();
        Items.TryRemove(item.Id, out _);
        return Task.CompletedTask;
    }

    public Task<int> DeadLetterAsync(OutboxItem item, int maxDeadPerLane, CancellationToken cancellationToken)
    {
        Fail();
        Items[item.Id] = (item, true);
        var excess = Items.Values.Where(v => v.Dead && v.Item.TargetKey == item.TargetKey).OrderByDescending(v => v.Item.CreatedAtMs).ThenByDescending(v => v.Item.Id, StringComparer.Ordinal).Skip(maxDeadPerLane).ToList();
        foreach (var (old, _) in excess)
        {
            Items.TryRemove(old.Id, out _);
        }

        return Task.FromResult(excess.Count);
    }

    public Task<IReadOnlyList<OutboxItem>> DeadLettersAsync(DeadLetterRange range, int max, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<OutboxItem>>(Items.Values.Where(v => v.Dead).Select(v => v.Item)
            .Where(i => range.Matches(i.Account, i.Target) && i.CreatedAtMs >= range.SinceMs && i.CreatedAtMs <= range.UntilMs && range.IsAfterCursor(i.CreatedAtMs, i.Id))
            .OrderBy(i => i.CreatedAtMs).ThenBy(i => i.Id, StringComparer.Ordinal).Take(max).ToList());

    public Task<OutboxItem?> FindDeadLetterAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(Items.TryGetValue(id, out var v) && v.Dead ? v.Item : null);

    public Task<bool> ReplayAsync(OutboxItem deadLetter, long nowMs, long expiresAtMs, CancellationToken cancellationToken)
    {
        if (!Items.TryGetValue(deadLetter.Id, out var v) || !v.Dead)
        {
            return Task.FromResult(false);
        }

        Items[deadLetter.Id] = (v.Item with { Attempts = 0, NextAttemptAtMs = nowMs, ExpiresAtMs = expiresAtMs, LastError = null }, false);
        return Task.FromResult(true);
    }

    public Task<OutboxStats> StatsAsync(CancellationToken cancellationToken) =>
        Task.FromResult(OutboxStats.Sum(Lanes().Values));

    public Task<IReadOnlyDictionary<string, OutboxStats>> LaneStatsAsync(CancellationToken cancellationToken) =>
        Task.FromResult(Lanes());

    private IReadOnlyDictionary<string, OutboxStats> Lanes() =>
        Items.Values.GroupBy(v => v.Item.TargetKey).ToDictionary(
            g => g.Key,
            g => new OutboxStats(g.Count(v => !v.Dead), g.Where(v => !v.Dead).Select(v => (long?)v.Item.CreatedAtMs).Min(), g.Count(v => v.Dead)));

    /// <summary>How many calls that read or change items were made.</summary>
    public int Calls => _calls;

    private int _calls;

    private void Fail()
    {
        Interlocked.Increment(ref _calls);
        if (Failing)
        {
            throw new IOException("disk full");
        }
    }
}
