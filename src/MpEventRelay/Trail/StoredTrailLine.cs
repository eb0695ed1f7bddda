namespace MpEventRelay.Trail;

/// <summary>A line of the trail (<see cref="TrailLine"/>) read back whole, for the trails a search returns.</summary>
internal sealed record StoredTrailLine(
    string Id, long At, string Kind, string? Account, string? Route, string? Type, string? MsgId, string? OpenId,
    string? Target, string? Destination, int? Status, long? LatencyMs, string? Error, int? Attempt, string? Detail, int? Count = null, long? LastAt = null)
{
    public TrailEventView ToView() => new(DateTimeOffset.FromUnixTimeMilliseconds(At), Kind, Target, Destination, Status, LatencyMs, Error, Attempt, Detail)
    {
        Count = Count,
        LastAt = LastAt is { } last ? DateTimeOffset.FromUnixTimeMilliseconds(last) : null,
    };
}
