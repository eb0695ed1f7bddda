namespace MpEventRelay.Trail;

/// <summary>One push's trail as the admin API shows it: what arrived, then every event in order.</summary>
internal sealed record TrailView(
    string Id,
    DateTimeOffset ArrivedAt,
    string Account,
    string Route,
    string Kind,
    string? MsgId,
    string OpenIdHash,
    IReadOnlyList<TrailEventView> Events);

/// <summary>One event of a trail: <c>wechat</c> (a try and its answer), <c>delivery</c> (an attempt), <c>late-reply</c>.</summary>
internal sealed record TrailEventView(
    DateTimeOffset At,
    string Kind,
    string? Target,
    string? Destination,
    int? Status,
    long? LatencyMs,
    string? Error,
    int? Attempt,
    string? Detail);
