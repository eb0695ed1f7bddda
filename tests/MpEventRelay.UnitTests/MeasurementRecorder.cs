using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace MpEventRelay.UnitTests;

/// <summary>
/// Listens to one test's relay meter and sums each counter, so a test can check what was counted. Only that meter:
/// meter listeners are process-wide, and other tests' relays count in parallel (seen: 79 over-capacity counts that
/// were not this test's).
/// </summary>
internal sealed class MeasurementRecorder : IDisposable
{
    private readonly MeterListener _listener = new();

    /// <param name="scope">The meter factory the test's <see cref="Observability.RelayMetrics"/> was made with (<see cref="TestMetrics.Create(TimeProvider, out object)"/>).</param>
    public MeasurementRecorder(object scope)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == Observability.RelayMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, scope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            Totals.AddOrUpdate(instrument.Name, value, (_, n) => n + value);
            var series = $"{instrument.Name}{{{string.Join(",", tags.ToArray().OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}"))}}}";
            Series.AddOrUpdate(series, value, (_, n) => n + value);
        });
        _listener.Start();
    }

    public ConcurrentDictionary<string, long> Totals { get; } = new();

    /// <summary>Sums by instrument and tags, as <c>mprelay.late.replies{code=0,via=api}</c> (tags in name order).</summary>
    public ConcurrentDictionary<string, long> Series { get; } = new();

    public long Total(string instrument) => Totals.GetValueOrDefault(instrument);

    public long Of(string series) => Series.GetValueOrDefault(series);

    public void Dispose() => _listener.Dispose();
}
