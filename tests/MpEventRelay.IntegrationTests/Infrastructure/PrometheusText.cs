using System.Globalization;

namespace MpEventRelay.IntegrationTests.Infrastructure;

/// <summary>Reads <c>/metrics</c> as Prometheus does: "name{labels} value" per line.</summary>
internal static class PrometheusText
{
    /// <summary>Every series by name and labels as exposed, without the meter's scope label.</summary>
    public static Dictionary<string, double> Parse(string exposition) =>
        exposition.Split('\n')
            .Where(line => line.Length > 0 && line[0] != '#')
            .Select(line => line.Replace("otel_scope_name=\"MpEventRelay\",", "", StringComparison.Ordinal).Replace("{otel_scope_name=\"MpEventRelay\"}", "", StringComparison.Ordinal).Split(' '))
            .ToDictionary(parts => parts[0], parts => double.Parse(parts[1], CultureInfo.InvariantCulture));

    /// <summary>
    /// Every series, summed where one appears more than once: an in-process relay's exporter also sees the meters of
    /// other relays hosted in the same test process (meter listeners are process-wide), so series may repeat there.
    /// </summary>
    public static Dictionary<string, double> ParseSummed(string exposition) =>
        exposition.Split('\n')
            .Where(line => line.Length > 0 && line[0] != '#')
            .Select(line => line.Replace("otel_scope_name=\"MpEventRelay\",", "", StringComparison.Ordinal).Replace("{otel_scope_name=\"MpEventRelay\"}", "", StringComparison.Ordinal).Split(' '))
            .GroupBy(parts => parts[0])
            .ToDictionary(g => g.Key, g => g.Sum(parts => double.Parse(parts[1], CultureInfo.InvariantCulture)));

    /// <summary>
    /// <c>histogram_quantile(q, …)</c> as Prometheus computes it over one series' cumulative buckets (those whose name
    /// starts with <paramref name="series"/>, e.g. <c>mprelay_target_duration_seconds_bucket{result="delivered",target="bot",</c>):
    /// the bucket where the rank falls, interpolated linearly inside it.
    /// </summary>
    public static double HistogramQuantile(double q, Dictionary<string, double> metrics, string series)
    {
        var buckets = metrics.Where(m => m.Key.StartsWith(series, StringComparison.Ordinal))
            .Select(m => (Le: Le(m.Key), Count: m.Value)).OrderBy(b => b.Le).ToList();
        var total = buckets[^1].Count;
        var rank = q * total;
        var (lower, below) = (0.0, 0.0);
        foreach (var (le, count) in buckets)
        {
            if (count >= rank)
            {
                return double.IsPositiveInfinity(le) ? lower : lower + ((le - lower) * (rank - below) / (count - below));
            }

            (lower, below) = (le, count);
        }

        return double.NaN;
    }

    private static double Le(string key)
    {
        var start = key.IndexOf("le=\"", StringComparison.Ordinal) + 4;
        var value = key[start..key.IndexOf('"', start)];
        return value == "+Inf" ? double.PositiveInfinity : double.Parse(value, CultureInfo.InvariantCulture);
    }

    /// <summary>The sum of <paramref name="name"/>'s series that carry every one of <paramref name="labels"/>.</summary>
    public static double Sum(this Dictionary<string, double> metrics, string name, params (string Label, string Value)[] labels) =>
        metrics.Where(m => (m.Key == name || m.Key.StartsWith(name + "{", StringComparison.Ordinal))
                && labels.All(l => m.Key.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal)))
            .Sum(m => m.Value);

    /// <summary>The relay's series now, from its management listener.</summary>
    public static async Task<Dictionary<string, double>> ScrapeAsync(HttpClient http, RelayProcess relay) =>
        Parse(await http.GetStringAsync(new Uri(relay.ManagementAddress, "/metrics")));
}
