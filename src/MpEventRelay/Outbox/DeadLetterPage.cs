namespace MpEventRelay.Outbox;

/// <summary>One page of a <see cref="DeadLetterQuery"/>; <see cref="NextCursor"/> is null when no more dead letters match.</summary>
internal sealed record DeadLetterPage(IReadOnlyList<OutboxRecord> Records, string? NextCursor);
