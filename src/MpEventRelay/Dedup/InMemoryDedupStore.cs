using System.Collections.Concurrent;
using MpEventRelay.Configuration;
using MpEventRelay.Model;

namespace MpEventRelay.Dedup;

/// <summary>
/// The embedded default: one process, bounded (<see cref="DedupOptions.Capacity"/>) and expiring
/// (<see cref="DedupOptions.Expiry"/>). Over capacity, expired entries go first, then the oldest finished ones;
/// attempts in flight are never evicted.
/// </summary>
internal sealed class InMemoryDedupStore(RelayModelProvider models, Observability.RelayMetrics metrics, TimeProvider time) : IDedupStore
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _trimLock = new();

    // ConcurrentDictionary.Count takes every bucket lock: far too dear to ask on each push, so the store counts itself.
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public Task<RelayAnswer> RunOnceAsync(string key, Func<Task<RelayAnswer>> work)
    {
        var now = time.GetTimestamp();
        var expiry = models.Current.Options.Dedup.Expiry;
        while (true)
        {
            if (_entries.TryGetValue(key, out var existing))
            {
                if (time.GetElapsedTime(existing.Started, now) < expiry || !existing.Answer.IsCompleted)
                {
                    metrics.DedupHit();
                    return existing.Answer;
                }

                Remove(key, existing);
                continue;
            }

            var mine = new Entry(now);
            if (_entries.TryAdd(key, mine))
            {
                Interlocked.Increment(ref _count);
                TrimIfFull(now, expiry);
                mine.Start(work);
                return mine.Answer;
            }
        }
    }

    private void TrimIfFull(long now, TimeSpan expiry)
    {
        var capacity = models.Current.Options.Dedup.Capacity;
        if (Count <= capacity || !_trimLock.TryEnter())
        {
            return;
        }

        try
        {
            foreach (var (key, entry) in _entries)
            {
                if (entry.Answer.IsCompleted && time.GetElapsedTime(entry.Started, now) >= expiry)
                {
                    Remove(key, entry);
                }
            }

            var excess = Count - (capacity * 9 / 10);
            if (excess > 0)
            {
                foreach (var (key, entry) in _entries.Where(e => e.Value.Answer.IsCompleted).OrderBy(e => e.Value.Started).Take(excess).ToList())
                {
                    Remove(key, entry);
                }
            }
        }
        finally
        {
            _trimLock.Exit();
        }
    }

    private void Remove(string key, Entry entry)
    {
        if (_entries.TryRemove(new KeyValuePair<string, Entry>(key, entry)))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    private sealed class Entry(long started)
    {
        private readonly TaskCompletionSource<RelayAnswer> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long Started { get; } = started;

        public Task<RelayAnswer> Answer => _answer.Task;

        public void Start(Func<Task<RelayAnswer>> work) =>
            _ = work().ContinueWith(
                t => _answer.TrySetResult(t.IsCompletedSuccessfully ? t.Result : RelayAnswer.Success("failed")),
                TaskScheduler.Default);
    }
}
