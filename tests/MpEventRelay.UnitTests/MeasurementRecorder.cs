using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace MpEventRelay.UnitTests;

/// <summary>Listens to the relay's meter and sums each counter, so a test can check what was counted.</summary>
internal sealed class MeasurementRecorder : IDisposable
{
    private readonly MeterListener _listener = new();

    public MeasurementRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == Observability.RelayMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => Totals.AddOrUpdate(instrument.Name, value, (_, n) => n + value));
        _listener.Start();
    }

    public ConcurrentDictionary<string, long> Totals { get; } = new();

    public long Total(string instrument) => Totals.GetValueOrDefault(instrument);

    public void Dispose() => _listener.Dispose();
}
