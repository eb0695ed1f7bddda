namespace MpEventRelay.Admin;

/// <summary>A dead letter as the admin API shows it: where it was going and why it failed; never the message.</summary>
internal sealed record DeadLetterView(string Id, string Store, string Account, string Route, string Target, int Attempts, DateTimeOffset CreatedAt, string? LastError);
