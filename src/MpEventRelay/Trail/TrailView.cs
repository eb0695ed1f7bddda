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
    IReadOnlyList<TrailEventView> Events)
{
    /// <summary>Older events not returned (a push keeps at most <see cref="TrailSearch.MaxEventsPerPush"/> in an answer).</summary>
    public int EventsOmitted { get; init; }
}

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
    string? Detail)
{
    /// <summary>For WeChat tries answered alike and counted together: how many (null for a single try).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public int? Count { get; init; }

    /// <summary>For counted tries: when the last one arrived.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? LastAt { get; init; }
}
