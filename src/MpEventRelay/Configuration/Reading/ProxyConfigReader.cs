using Yarp.ReverseProxy.Configuration;

namespace MpEventRelay.Configuration.Reading;

/// <summary>
/// Reads the <c>ReverseProxy</c> section with YARP's own configuration reader (the one <c>LoadFromConfig</c> uses),
/// on a frozen copy, so the relay validates and applies exactly what YARP would have read.
/// </summary>
internal static class ProxyConfigReader
{
    public const string SectionName = "ReverseProxy";

    /// <summary>The routes and clusters as YARP reads them; empty (with an error) when YARP cannot read the section.</summary>
    public static (IReadOnlyList<RouteConfig> Routes, IReadOnlyList<ClusterConfig> Clusters) Read(IConfiguration frozen, ConfigurationErrors errors)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddReverseProxy().LoadFromConfig(frozen.GetSection(SectionName));
        using var provider = services.BuildServiceProvider();
        try
        {
            var config = provider.GetRequiredService<IProxyConfigProvider>().GetConfig();
            return (config.Routes.ToArray(), config.Clusters.ToArray());
        }
        catch (Exception e) // YARP throws plain exceptions for some shapes (e.g. a RouteId field)
        {
            var detail = e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message;
            errors.Add(SectionName, $"YARP cannot read it: {detail}", "correct the value's type (durations like 00:00:10, numbers without quotes, enum names as documented by YARP).");
            return ([], []);
        }
    }
}
