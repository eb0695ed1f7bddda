using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace MpEventRelay.Health;

/// <summary><c>/health/live</c>: the process answers. <c>/health/ready</c>: it can serve pushes (checks tagged "ready").</summary>
internal static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    public static IEndpointRouteBuilder MapRelayHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        return endpoints;
    }
}
