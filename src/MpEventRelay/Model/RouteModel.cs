using MpEventRelay.Routing;

namespace MpEventRelay.Model;

/// <summary>A route as the relay runs it.</summary>
internal sealed class RouteModel
{
    public required string Name { get; init; }
    public required RouteMatcher Match { get; init; }

    /// <summary>The targets whose answers WeChat may get, in order of preference; empty when WeChat gets <c>success</c> at once.</summary>
    public required IReadOnlyList<TargetModel> Repliers { get; init; }

    /// <summary>The targets that get a copy (mirrors, and a target whose answer is not wanted); never delay the reply.</summary>
    public required IReadOnlyList<TargetModel> Copies { get; init; }

    /// <summary>Leave WeChat's first attempts unanswered while a replier works (see <see cref="Configuration.RouteOptions.WaitForRetry"/>).</summary>
    public bool WaitForRetry { get; init; }

    /// <summary>Show "typing…" once no reply is ready after this long; null when off.</summary>
    public TimeSpan? TypingAfter { get; init; }

    /// <summary>The route's targets for a log line, repliers first: <c>idaas,bot</c>.</summary>
    public string TargetNames => _targetNames ??= string.Join(",", Repliers.Concat(Copies).Select(t => t.Name).Distinct());

    private string? _targetNames;
}
