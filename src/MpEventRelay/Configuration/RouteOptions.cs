namespace MpEventRelay.Configuration;

/// <summary>
/// One route: what it matches, the targets whose answers WeChat may get (in order), and the targets that get copies.
/// </summary>
public sealed record RouteOptions
{
    /// <summary>A name for logs and metrics, e.g. <c>login</c>.</summary>
    public string? Name { get; init; }

    /// <summary>What the push must look like; empty matches everything (a catch-all).</summary>
    public RouteMatchOptions Match { get; init; } = new();

    /// <summary>The target that receives the push; its answer is WeChat's reply when <see cref="Reply"/> is true.</summary>
    public string? Target { get; init; }

    /// <summary>Whether WeChat gets <see cref="Target"/>'s answer (default) or an immediate <c>success</c>.</summary>
    public bool Reply { get; init; } = true;

    /// <summary>
    /// Instead of <see cref="Target"/>: several targets whose answers WeChat may get, in order. Each receives the push
    /// once, at the same time; WeChat gets the first usable, non-empty passive reply in this order — a later one only
    /// when every earlier one answered empty or <c>success</c>, failed, or was refused. E.g. <c>["idaas", "bot"]</c>:
    /// the IDaaS's reply if it has one, else the bot's welcome.
    /// </summary>
    public List<string> Repliers { get; init; } = [];

    /// <summary>Targets that receive a copy; their answers are ignored and they never delay the reply.</summary>
    public List<string> Mirror { get; init; } = [];

    /// <summary>
    /// Opt-in: leave WeChat's first attempts unanswered while the repliers work, so a slow replier has up to about
    /// 15 s (WeChat's three attempts) for a passive reply; the last attempt is always answered in time. See the README
    /// for the trade-off.
    /// </summary>
    public bool WaitForRetry { get; init; }

    /// <summary>
    /// Opt-in, with the account's AppSecret: when no reply is ready after this long, WeChat shows the user "typing…"
    /// (customer-service API) until the reply comes. E.g. <c>00:00:02</c>.
    /// </summary>
    public TimeSpan? TypingAfter { get; init; }
}
