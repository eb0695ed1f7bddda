using System.Collections.Concurrent;

namespace MpEventRelay.Replies;

/// <summary>This replica's claims, each kept for an hour (far past WeChat's last retry), swept as new ones come.</summary>
internal sealed class InMemoryReplyClaims(TimeProvider time) : IReplyClaims
{
    private static readonly TimeSpan KeepFor = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _claims = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Key, DateTimeOffset Until)> _order = new();

    public int Count => _claims.Count;

    public Task<bool> TryClaimAsync(string dedupKey)
    {
        var now = time.GetUtcNow();
        while (_order.TryPeek(out var oldest) && oldest.Until <= now && _order.TryDequeue(out oldest))
        {
            _claims.TryRemove(new KeyValuePair<string, DateTimeOffset>(oldest.Key, oldest.Until));
        }

        if (!_claims.TryAdd(dedupKey, now + KeepFor))
        {
            return Task.FromResult(false);
        }

        _order.Enqueue((dedupKey, now + KeepFor));
        return Task.FromResult(true);
    }
}
