using System.Collections.Concurrent;

namespace MpEventRelay.Delivery;

/// <summary>
/// Tracks deliveries that outlive the request (copies, a replier past the deadline), so a graceful shutdown waits
/// for them instead of dropping them, and so nothing they throw goes unobserved.
/// </summary>
internal sealed partial class BackgroundDeliveries(ILogger<BackgroundDeliveries> logger) : IHostedService
{
    private readonly ConcurrentDictionary<Task, byte> _pending = new();

    public int Count => _pending.Count;

    public void Track(Task delivery)
    {
        _pending.TryAdd(delivery, 0);
        _ = delivery.ContinueWith(
            t =>
            {
                _pending.TryRemove(t, out _);
                if (t.Exception is { } e)
                {
                    LogEscaped(e.GetBaseException());
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, // a removal (and rarely a log line): not worth a thread-pool work item
            TaskScheduler.Default);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var pending = _pending.Keys.ToArray();
        if (pending.Length == 0)
        {
            return;
        }

        LogWaiting(pending.Length);
        try
        {
            await Task.WhenAll(pending).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            LogGaveUp(_pending.Count);
        }
        catch (Exception)
        {
            // Logged by Track's continuation.
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A background delivery failed unexpectedly; its outbox record (if any) is retried after its lease")]
    private partial void LogEscaped(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutting down: waiting for {Count} delivery(ies) in flight")]
    private partial void LogWaiting(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutdown timeout reached with {Count} delivery(ies) still in flight; their outbox records are retried after restart")]
    private partial void LogGaveUp(int count);
}
