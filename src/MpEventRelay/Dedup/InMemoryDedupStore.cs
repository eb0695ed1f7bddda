using System.Collections.Concurrent;
using MpEventRelay.Configuration;

namespace MpEventRelay.Dedup;

/// <summary>
/// The embedded default: one process, bounded (<see cref="DedupOptions.Capacity"/>) and expiring
/// (<see cref="DedupOptions.Expiry"/>). Expired entries, and over capacity the oldest finished ones, are dropped;
/// attempts in flight are never evicted. Capacity should cover WeChat's retry window (about 15 s) at peak rate.
/// </summary>
internal sealed class InMemoryDedupStore(Observability.RelayMetrics metrics, TimeProvider time) : IDedupStore
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Key, Entry Entry)> _arrivals = new();
    private readonly Lock _trimLock = new();

    // ConcurrentDictionary.Count takes every bucket lock: far too dear to ask on each push, so the store counts itself.
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public Task<RelayAnswer> RunOnceAsync(string key, Func<Task<RelayAnswer>> work, RelayOptions options)
    {
        var now = time.GetTimestamp();
        var expiry = options.Dedup.Expiry;
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
                _arrivals.Enqueue((key, mine));
                TrimIfFull(now, expiry, options.Dedup.Capacity);
                mine.Start(work, () => Remove(key, mine));
                return mine.Answer;
            }
        }
    }

    // Entries leave in arrival order, so expiry and eviction are one walk from the oldest: O(1) per push, no sorting.
    private void TrimIfFull(long now, TimeSpan expiry, int capacity)
    {
        if (!_trimLock.TryEnter())
        {
            return;
        }

        try
        {
            while (_arrivals.TryPeek(out var oldest))
            {
                var expired = time.GetElapsedTime(oldest.Entry.Started, now) >= expiry;
                if ((!expired && Count <= capacity) || !oldest.Entry.Answer.IsCompleted)
                {
                    return; // nothing due, or the oldest is still in flight: never evicted
                }

                _arrivals.TryDequeue(out _);
                Remove(oldest.Key, oldest.Entry);
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

        private volatile Task<RelayAnswer>? _late;

        public Task<RelayAnswer> Answer => _late ?? _answer.Task;

        // Attempts joined so far get the answer; an answer that is not a promise (retry, or a work that threw) is
        // then forgotten, so WeChat's next retry runs the work again instead of receiving a remembered failure.
        public void Start(Func<Task<RelayAnswer>> work, Action forget)
        {
            Task<RelayAnswer> running;
            try
            {
                running = work();
            }
            catch (Exception e)
            {
                running = Task.FromException<RelayAnswer>(e);
            }

            _ = running.ContinueWith(
                t =>
                {
                    var answer = t.IsCompletedSuccessfully ? t.Result : RelayAnswer.Retry($"the delivery failed unexpectedly ({t.Exception?.GetBaseException().GetType().Name})");
                    if (answer.RetryLater)
                    {
                        forget();
                    }

                    _answer.TrySetResult(answer);
                    _ = answer.Late?.ContinueWith(
                        late =>
                        {
                            if (late.IsCompletedSuccessfully && late.Result is { } reply)
                            {
                                _late = Task.FromResult(reply);
                            }
                        },
                        TaskScheduler.Default);
                },
                TaskScheduler.Default);
        }
    }
}
