using System.Collections.Concurrent;
using MpEventRelay.Outbox;
using MpEventRelay.Storage;

namespace MpEventRelay.UnitTests.Outbox;

/// <summary>A store for the unit tier: items in a dictionary, and a switch that makes every call fail like a full disk.</summary>
internal sealed class MemoryOutboxStore(string name, TimeProvider time) : IOutboxStore
{
    public ConcurrentDictionary<string, (OutboxItem Item, bool Dead)> Items { get; } = new();

    public bool Failing { get; set; }

    public string Name => name;

    public StoreGuard Guard { get; } = new(name, () => TimeSpan.FromMilliseconds(500), time);

    public Task AddAsync(IReadOnlyList<OutboxItem> items, CancellationToken cancellationToken)
    {
        Fail();
        foreach (var item in items)
        {
            Items[item.Id] = (item, false);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<OutboxItem>> ClaimDueAsync(long nowMs, long leaseUntilMs, int max, CancellationToken cancellationToken)
    {
        Fail();
        var due = Items.Values.Where(v => !v.Dead && v.Item.NextAttemptAtMs <= nowMs).Select(v => v.Item).OrderBy(i => i.NextAttemptAtMs).Take(max).ToList();
        foreach (var item in due)
        {
            Items[item.Id] = (item with { NextAttemptAtMs = leaseUntilMs }, false);
        }

        return Task.FromResult<IReadOnlyList<OutboxItem>>(due);
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

    public Task DeadLetterAsync(OutboxItem item, CancellationToken cancellationToken)
    {
        Fail();
        Items[item.Id] = (item, true);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<OutboxItem>> ListDeadLettersAsync(int max, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<OutboxItem>>(Items.Values.Where(v => v.Dead).Select(v => v.Item).Take(max).ToList());

    public Task<bool> ReplayAsync(string id, long nowMs, long expiresAtMs, CancellationToken cancellationToken) => Task.FromResult(false);

    public Task<OutboxStats> StatsAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new OutboxStats(Items.Values.Count(v => !v.Dead), null, Items.Values.Count(v => v.Dead)));

    public Task<IReadOnlyDictionary<string, long>> PendingByTargetAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, long>>(Items.Values.Where(v => !v.Dead).GroupBy(v => v.Item.TargetKey).ToDictionary(g => g.Key, g => (long)g.Count()));

    private void Fail()
    {
        if (Failing)
        {
            throw new IOException("disk full");
        }
    }
}
