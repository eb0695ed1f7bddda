using Microsoft.Extensions.DependencyInjection;
using MpEventRelay.Observability;

namespace MpEventRelay.UnitTests;

/// <summary>The relay's real metrics on a private meter factory: unit tests exercise the code that records them.</summary>
internal static class TestMetrics
{
    public static RelayMetrics Create(TimeProvider time) => Create(time, out _);

    /// <param name="scope">The meter factory: what a <see cref="MeasurementRecorder"/> of this test listens to.</param>
    public static RelayMetrics Create(TimeProvider time, out object scope)
    {
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        scope = factory;
        return new RelayMetrics(factory, services, time);
    }
}
