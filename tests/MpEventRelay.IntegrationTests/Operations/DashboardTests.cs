using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Text.RegularExpressions;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.TestKit;

namespace MpEventRelay.IntegrationTests.Operations;

/// <summary>The Grafana dashboard and the alert rules in samples/observability name only series the relay exports.</summary>
public sealed class DashboardTests
{
    [Fact]
    public async Task Every_series_the_dashboard_and_the_alerts_use_is_one_the_relay_exports()
    {
        var exported = new HashSet<string>(StringComparer.Ordinal);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == "MpEventRelay")
                {
                    exported.UnionWith(PrometheusNames(instrument));
                }
            },
        };
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        await using var relay = await RelayServer.StartAsync(RelayConfig.ModeTwo(idaas, bot).ToJson());
        listener.Start(); // reports every instrument already created, the relay's included

        var folder = Path.Combine(RepositoryFiles.Root(), "samples", "observability");
        var dashboard = File.ReadAllText(Path.Combine(folder, "grafana-dashboard.json"));
        JsonDocument.Parse(dashboard).Dispose(); // valid JSON
        var rules = File.ReadAllText(Path.Combine(folder, "prometheus-alerts.yml"));
        var used = Regex.Matches(dashboard + rules, "mprelay_[a-z_]+").Select(m => m.Value).ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(used);
        Assert.All(used, name => Assert.True(exported.Contains(name), $"{name} is not exported by the relay"));
    }

    // The OpenTelemetry Prometheus exporter's naming: dots become underscores, the unit "s" adds _seconds, counters
    // end in _total, histograms expose _bucket, _sum and _count.
    private static IEnumerable<string> PrometheusNames(Instrument instrument)
    {
        var name = instrument.Name.Replace('.', '_') + (instrument.Unit == "s" ? "_seconds" : "");
        var type = instrument.GetType().GetGenericTypeDefinition();
        if (type == typeof(Counter<>))
        {
            return [name + "_total"];
        }

        return type == typeof(Histogram<>) ? [name + "_bucket", name + "_sum", name + "_count"] : [name];
    }
}
