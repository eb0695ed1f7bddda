namespace MpEventRelay.Admin;

/// <summary>A failed delivery a replay sends again (or, in a dry run, would send).</summary>
internal sealed record ReplayView(string Id, string TrailId, string Store, string Account, string Route, string Target, DateTimeOffset CreatedAt, string? LastError, bool Replayed);
