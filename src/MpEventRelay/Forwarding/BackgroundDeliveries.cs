using System.Collections.Concurrent;

namespace MpEventRelay.Forwarding;

/// <summary>
/// Tracks deliveries that outlive the request (mirrors, non-replying targets, a replier past the deadline), so a
/// graceful shutdown waits for them instead of dropping them.
/// </summary>
internal sealed class BackgroundDeliveries(ILogger<BackgroundDeliveries> logger) : IHostedService
{
    private readonly ConcurrentDictionary<Task, byte> _pending = new();

    public void Track(Task delivery)
    {
        _pending.TryAdd(delivery, 0);
        _ = delivery.ContinueWith(t => _pending.TryRemove(t, out _), TaskScheduler.Default);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var pending = _pending.Keys.ToArray();
        if (pending.Length == 0)
        {
            return;
        }

        logger.LogInformation("Shutting down: waiting for {Count} delivery(ies) in flight", pending.Length);
        try
        {
            await Task.WhenAll(pending).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("Shutdown timeout reached with {Count} delivery(ies) still in flight", _pending.Count);
        }
    }
}
