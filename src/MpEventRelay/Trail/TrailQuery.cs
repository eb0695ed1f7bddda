namespace MpEventRelay.Trail;

/// <summary>What an operator looks for; every filter given must hold. OpenID hashes are computed from the OpenID given.</summary>
internal sealed record TrailQuery
{
    public IReadOnlyList<string> OpenIdHashes { get; init; } = [];
    public string? TrailId { get; init; }
    public string? MsgId { get; init; }
    public string? Account { get; init; }
    public string? Route { get; init; }
    public string? Target { get; init; }
    /// <summary><c>failed</c>: a delivery attempt failed; otherwise the outcome of one of WeChat's tries (<c>replied</c>, <c>deadline-missed</c>…).</summary>
    public string? Outcome { get; init; }
    public long? SinceMs { get; init; }
    public long? UntilMs { get; init; }
    public int Limit { get; init; } = 50;
}
