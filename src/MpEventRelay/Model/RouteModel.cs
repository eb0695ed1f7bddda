using MpEventRelay.Routing;

namespace MpEventRelay.Model;

/// <summary>A route as the relay runs it.</summary>
internal sealed class RouteModel
{
    public required string Name { get; init; }
    public required RouteMatcher Match { get; init; }
    public required TargetModel Target { get; init; }
    public required bool Reply { get; init; }
    public required IReadOnlyList<TargetModel> Mirrors { get; init; }
}
