using System.Collections.Concurrent;
using MpEventRelay.Configuration;
using MpEventRelay.Observability;

namespace MpEventRelay.Dedup;

/// <summary>
/// The embedded default: one process. Each message is remembered for its own window (at least
/// <see cref="DedupOptions.Expiry"/>, and as long as a replay of it would pass the clock-skew check), then dropped,
/// oldest first. <see cref="DedupOptions.Capacity"/> is a size the operator plans for, not a reason to forget: a
/// message still inside its window is never evicted (that would let a replay through); going over capacity is
/// counted and logged instead. Attempts in flight are never evicted either.
/// </summary>
internal sealed partial class InMemoryDedupStore(RelayMetrics metrics, TimeProvider time, ILogger<InMemoryDedupStore> logger) : IDedupStore
{
    private long _lastOverCapacityWarning = long.MinValue;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Entry> _arrivals = new();
    private readonly Lock _trimLock = new();

    // ConcurrentDictionary.Count takes every bucket lock: far too dear to ask on each push, so the store counts itself.
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public Task<RelayAnswer> RunOnceAsync(string key, Func<Task<RelayAnswer>> work, RelayOptions options, TimeSpan rememberFor)
    {
        var now = time.GetTimestamp();
        var expiry = options.Dedup.KeepFor(rememberFor);
        while (true)
        {
            if (_entries.TryGetValue(key, out var existing))
            {
                if (now < existing.ExpiresAt || !existing.Answer.IsCompleted)
                {
                    metrics.DedupHit();
                    return AsDuplicateAsync(existing.Answer, existing.Joined());
                }

                Remove(key, existing);
                continue;
            }

            var mine = new Entry(this, key, now + (long)(expiry.TotalSeconds * time.TimestampFrequency));
            if (_entries.TryAdd(key, mine))
            {
                Interlocked.Increment(ref _count);
                _arrivals.Enqueue(mine);
                Trim(now, options.Dedup.Capacity);
                mine.Start(work);
                return mine.Answer;
            }
        }
    }

    // A retry gets the first attempt's answer, counted as what it is: a duplicate, not a second delivery.
    private static async Task<RelayAnswer> AsDuplicateAsync(Task<RelayAnswer> first, int attempt)
    {
        var answer = await first.ConfigureAwait(false);
        return answer.RetryLater ? answer : answer with { Duplicate = true, Attempt = attempt };
    }

    // Entries leave in arrival order, one walk from the oldest: O(1) per push, no sorting. An entry with a longer
    // window than a later one holds the walk up a little; it never lets one leave early.
    private void Trim(long now, int capacity)
    {
        if (!_trimLock.TryEnter())
        {
            return;
        }

        try
        {
            while (_arrivals.TryPeek(out var oldest) && now >= oldest.ExpiresAt && oldest.Answer.IsCompleted)
            {
                _arrivals.TryDequeue(out _);
                oldest.Forget();
            }

            if (Count > capacity)
            {
                metrics.DedupOverCapacity();
                if (_lastOverCapacityWarning == long.MinValue || time.GetElapsedTime(_lastOverCapacityWarning, now) > TimeSpan.FromMinutes(1))
                {
                    _lastOverCapacityWarning = now;
                    LogOverCapacity(Count, capacity);
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
        // Only this entry: a later one under the same key (after this one expired) stays.
        if (_entries.TryRemove(new KeyValuePair<string, Entry>(key, entry)))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dedup remembers {Count} messages, over Relay:Dedup:Capacity {Capacity}: their replay windows have not ended, so none is forgotten early. Raise the capacity (memory: about 800 B each) or shorten Relay:ClockSkew")]
    private partial void LogOverCapacity(int count, int capacity);

    // The entry knows its store and key, so settling it needs no closure a push (the continuation gets it as state).
    private sealed class Entry(InMemoryDedupStore store, string key, long expiresAt)
    {
        // Continuations run on the thread that settles the delivery, as an await would: each request waiting on the
        // answer goes on to write it. Queueing them to the thread pool instead cost a work item (a wake-up) a push.
        private readonly TaskCompletionSource<RelayAnswer> _answer = new();

        public long ExpiresAt { get; } = expiresAt;

        private volatile Task<RelayAnswer>? _late;
        private int _attempts = 1;

        /// <summary>Counts one more attempt for this message and returns its number.</summary>
        public int Joined() => Interlocked.Increment(ref _attempts);

        public Task<RelayAnswer> Answer => _late ?? _answer.Task;

        /// <summary>Leaves the store (unless a newer entry has taken the key).</summary>
        public void Forget() => store.Remove(key, this);

        public void Start(Func<Task<RelayAnswer>> work)
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
                static (t, entry) => ((Entry)entry!).Settle(t),
                this,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, // a few field writes: not worth a thread-pool work item
                TaskScheduler.Default);
        }

        // Attempts joined so far get the answer; an answer that is not a promise (retry, or a work that threw) is
        // then forgotten, so WeChat's next retry runs the work again instead of receiving a remembered failure.
        private void Settle(Task<RelayAnswer> delivery)
        {
            var answer = delivery.IsCompletedSuccessfully ? delivery.Result : RelayAnswer.Retry($"the delivery failed unexpectedly ({delivery.Exception?.GetBaseException().GetType().Name})");
            if (answer.RetryLater)
            {
                Forget();
            }

            _answer.TrySetResult(answer);
            _ = answer.Late?.ContinueWith(
                static (late, entry) =>
                {
                    if (late.IsCompletedSuccessfully && late.Result is { } reply)
                    {
                        ((Entry)entry!)._late = Task.FromResult(reply);
                    }
                },
                this,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }
}
