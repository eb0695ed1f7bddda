namespace MpEventRelay.Forwarding;

/// <summary>
/// Marks the relay's own deliveries, so the resilience handler retries only them: requests YARP proxies for
/// ordinary routes stream their bodies and must not be replayed.
/// </summary>
internal static class RelayRequestMarker
{
    public static readonly HttpRequestOptionsKey<bool> Key = new("MpEventRelay.Delivery");

    public static void Mark(HttpRequestMessage request) => request.Options.Set(Key, true);

    public static bool IsMarked(HttpRequestMessage request) => request.Options.TryGetValue(Key, out var marked) && marked;
}
