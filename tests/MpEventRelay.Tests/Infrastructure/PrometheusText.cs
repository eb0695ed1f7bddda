using System.Globalization;

namespace MpEventRelay.Tests.Infrastructure;

/// <summary>Reads <c>/metrics</c> as Prometheus does: "name{labels} value" per line.</summary>
internal static class PrometheusText
{
    /// <summary>Every series by name and labels as exposed, without the meter's scope label.</summary>
    public static Dictionary<string, double> Parse(string exposition) =>
        exposition.Split('\n')
            .Where(line => line.Length > 0 && line[0] != '#')
            .Select(line => line.Replace("otel_scope_name=\"MpEventRelay\",", "", StringComparison.Ordinal).Replace("{otel_scope_name=\"MpEventRelay\"}", "", StringComparison.Ordinal).Split(' '))
            .ToDictionary(parts => parts[0], parts => double.Parse(parts[1], CultureInfo.InvariantCulture));

    /// <summary>The relay's series now, from its management listener.</summary>
    public static async Task<Dictionary<string, double>> ScrapeAsync(HttpClient http, RelayProcess relay) =>
        Parse(await http.GetStringAsync(new Uri(relay.ManagementAddress, "/metrics")));
}
