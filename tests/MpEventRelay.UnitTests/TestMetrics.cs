using Microsoft.Extensions.DependencyInjection;
using MpEventRelay.Observability;

namespace MpEventRelay.UnitTests;

/// <summary>The relay's real metrics on a private meter factory: unit tests exercise the code that records them.</summary>
internal static class TestMetrics
{
    public static RelayMetrics Create(TimeProvider time)
    {
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        return new RelayMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), services, time);
    }
}
