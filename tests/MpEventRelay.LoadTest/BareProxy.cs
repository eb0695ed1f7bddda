using Yarp.ReverseProxy.Configuration;

namespace MpEventRelay.LoadTest;

/// <summary>The baseline: a bare YARP pass-through of the same bytes to the same target (no verification, no crypto, no routing).</summary>
internal static class BareProxy
{
    public static async Task RunAsync(int port, string destination)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddReverseProxy().LoadFromMemory(
            [new RouteConfig { RouteId = "all", ClusterId = "target", Match = new RouteMatch { Path = "/{**catch-all}" } }],
            [new ClusterConfig { ClusterId = "target", Destinations = new Dictionary<string, DestinationConfig> { ["d"] = new() { Address = destination } } }]);
        var app = builder.Build();
        // What the harness compares with the relay's System.Runtime meter: bytes allocated, thread-pool work items done.
        app.MapGet("/stats", () => $"{GC.GetTotalAllocatedBytes()} {ThreadPool.CompletedWorkItemCount}");
        app.MapReverseProxy();
        await app.RunAsync();
    }
}
