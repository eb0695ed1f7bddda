namespace MpEventRelay.Configuration;

/// <summary>One route: what it matches, the target whose answer WeChat gets, and the targets that get copies.</summary>
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

    /// <summary>Targets that receive a copy; their answers are ignored and they never delay the reply.</summary>
    public List<string> Mirror { get; init; } = [];
}
