using MpEventRelay.Dedup;

namespace MpEventRelay.Outbox;

/// <summary>
/// A search of the dead letters: by account, target, route, trail id (the push's Idempotency-Key) and creation
/// time, a page of <see cref="Limit"/> at a time, continued from <see cref="Cursor"/> (a previous page's
/// <see cref="DeadLetterPage.NextCursor"/>).
/// </summary>
internal sealed record DeadLetterQuery
{
    public string? Account { get; init; }
    public string? Target { get; init; }
    public string? Route { get; init; }
    public string? TrailId { get; init; }
    public long SinceMs { get; init; } = long.MinValue;
    public long UntilMs { get; init; } = long.MaxValue;
    public string? Cursor { get; init; }
    public int Limit { get; init; } = 100;

    /// <summary>The filters the stores cannot apply from their indexes.</summary>
    public bool Matches(OutboxItem item) =>
        (Route is null || string.Equals(item.Route, Route, StringComparison.OrdinalIgnoreCase))
        && (TrailId is null || DedupKey.Header(item.DedupKey) == TrailId);
}
