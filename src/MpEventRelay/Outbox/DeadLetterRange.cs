namespace MpEventRelay.Outbox;

/// <summary>
/// Which dead letters a store returns: those of one account and/or target (null: any), created in
/// [<see cref="SinceMs"/>, <see cref="UntilMs"/>], after the cursor (<see cref="AfterCreatedAtMs"/>,
/// <see cref="AfterId"/>) when one is given. Dead letters are ordered by creation time, then id.
/// </summary>
internal sealed record DeadLetterRange
{
    public string? Account { get; init; }
    public string? Target { get; init; }
    public long SinceMs { get; init; } = long.MinValue;
    public long UntilMs { get; init; } = long.MaxValue;
    public long? AfterCreatedAtMs { get; init; }
    public string? AfterId { get; init; }

    public bool Matches(string account, string target) =>
        (Account is null || Account == account) && (Target is null || Target == target);

    /// <summary>True when the item comes after the cursor (always, without one).</summary>
    public bool IsAfterCursor(long createdAtMs, string id) =>
        AfterCreatedAtMs is not { } at || createdAtMs > at || (createdAtMs == at && string.CompareOrdinal(id, AfterId) > 0);
}
