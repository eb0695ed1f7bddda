using MpEventRelay.Configuration.Loading;
using MpEventRelay.Observability;

namespace MpEventRelay.Trail;

/// <summary>
/// Stores what <see cref="TrailRecorder"/> takes, gathered for 100 ms into batches of up to 2,000 events per transaction, and prunes the trail
/// to its retention and size every minute. A store failure costs those events (counted), never the relay.
/// </summary>
internal sealed partial class TrailWriter(
    TrailRecorder recorder,
    ITrailStore store,
    RelayModelProvider models,
    RelayMetrics metrics,
    TimeProvider time,
    ILogger<TrailWriter> logger) : BackgroundService
{
    private const int BatchSize = 2000;
    private static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(1);
    private readonly OpenIdHashing _hashing = new();
    private long _written;

    /// <summary>Events stored so far.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>The writer's thread: named, so its CPU time can be read on its own (<c>/proc/{pid}/task/*/comm</c>).</summary>
    public const string ThreadName = "mprelay-trail";

    // A thread of its own, as the SQLite outbox has: the store's work is synchronous (SQLite, the disk) and would
    // otherwise hold a pool thread the requests need.
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            try
            {
                Run(stoppingToken);
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        { IsBackground = true, Name = ThreadName }.Start();
        return done.Task;
    }

    private void Run(CancellationToken stoppingToken)
    {
        var batch = new List<TrailEvent>(BatchSize);
        var lastPrune = time.GetTimestamp();
        try
        {
            var behind = false;
            while (recorder.Reader.WaitToReadAsync(stoppingToken).AsTask().GetAwaiter().GetResult())
            {
                // Gather a moment (bigger transactions, a push's deliveries and WeChat's answer in one row) — unless the
                // last batch was full: the events are waiting already, and a pause would only let them pile up.
                if (!behind)
                {
                    Task.Delay(BatchWindow, time, stoppingToken).GetAwaiter().GetResult();
                }

                while (batch.Count < BatchSize && recorder.Reader.TryRead(out var next))
                {
                    batch.Add(recorder.Take(next));
                }

                behind = batch.Count == BatchSize;
                Write(batch, stoppingToken);
                batch.Clear();
                if (time.GetElapsedTime(lastPrune) >= PruneEvery)
                {
                    lastPrune = time.GetTimestamp();
                    PruneAsync(stoppingToken).GetAwaiter().GetResult();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is still queued is written below.
        }

        while (recorder.Reader.TryRead(out var rest))
        {
            batch.Add(recorder.Take(rest));
        }

        Write(batch, CancellationToken.None);
    }

    /// <summary>Applies the retention and the size limit now (also run every minute).</summary>
    public async Task PruneAsync(CancellationToken cancellationToken)
    {
        var options = models.Current.Options.Trail;
        var now = time.GetUtcNow();
        try
        {
            var removed = await store.PruneAsync((now - options.Retention).ToUnixTimeMilliseconds(), options.MaxPushes, options.MaxBytes, cancellationToken).ConfigureAwait(false);
            if (removed > 0)
            {
                LogPruned(removed);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed("prune", e.Message);
        }
    }

    private void Write(List<TrailEvent> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            _hashing.Hash(batch);
            // Rows of at most 1 % of the size limit: pruning keeps the trail within 1 % of it.
            var rowPushes = Math.Clamp(models.Current.Options.Trail.MaxPushes / 100, 1, SqliteTrailStore.RowEvents);
            store.AddAsync(batch, rowPushes, cancellationToken).GetAwaiter().GetResult();
            Interlocked.Add(ref _written, batch.Count);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            metrics.TrailDropped(batch.Count);
            LogFailed("store", e.Message);
        }
    }

    public override void Dispose()
    {
        _hashing.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Trail: {Count} push(es) past the retention or size limit removed")]
    private partial void LogPruned(long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Trail: could not {Operation} ({Reason}); those events are lost, deliveries are not affected")]
    private partial void LogFailed(string operation, string reason);
}
