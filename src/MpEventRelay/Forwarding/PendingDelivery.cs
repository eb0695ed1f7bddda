using MpEventRelay.Outbox;

namespace MpEventRelay.Forwarding;

/// <summary>
/// A replying target's delivery still in flight. When WeChat's deadline passes first, the request makes it durable
/// (an outbox record due after the delivery timeout) before answering <c>success</c>: a crash after that answer
/// cannot lose the message. Once the delivery ends, <see cref="Close"/> settles it.
/// </summary>
internal sealed class PendingDelivery(Func<Task<OutboxRecord?>> persist)
{
    private readonly Lock _lock = new();
    private Task<OutboxRecord?>? _persisted;
    private bool _closed;

    /// <summary>Records the delivery in the outbox, once; nothing to do when it has already ended.</summary>
    public Task EnsureDurableAsync()
    {
        lock (_lock)
        {
            return _closed ? Task.CompletedTask : _persisted ??= persist();
        }
    }

    /// <summary>Ends it; returns the outbox record made while it was in flight, if one was.</summary>
    public Task<OutboxRecord?> Close()
    {
        lock (_lock)
        {
            _closed = true;
            return _persisted ?? Task.FromResult<OutboxRecord?>(null);
        }
    }
}
