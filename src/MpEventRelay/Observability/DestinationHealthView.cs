using Yarp.ReverseProxy.Model;

namespace MpEventRelay.Observability;

/// <summary>How the relay reads YARP's health of a destination, for the metrics and the overview alike.</summary>
internal static class DestinationHealthView
{
    /// <summary>Unhealthy when either YARP check (active or passive) says so; unknown counts as healthy, as YARP treats it.</summary>
    public static bool IsUnhealthy(DestinationState destination) =>
        destination.Health.Active == DestinationHealth.Unhealthy || destination.Health.Passive == DestinationHealth.Unhealthy;
}
