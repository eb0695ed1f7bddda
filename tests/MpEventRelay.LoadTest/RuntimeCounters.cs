using System.Globalization;

namespace MpEventRelay.LoadTest;

/// <summary>What a server's runtime has counted so far: bytes allocated and thread-pool work items completed.</summary>
internal sealed record RuntimeCounters(long AllocatedBytes, long WorkItems)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>
    /// Reads them from a relay's <c>/metrics</c> (the System.Runtime meter) or the baseline's <c>/stats</c>; null when
    /// the server does not say (a relay build from before the meter was exported).
    /// </summary>
    public static async Task<RuntimeCounters?> ReadAsync(Uri? url)
    {
        if (url is null)
        {
            return null;
        }

        var text = await Http.GetStringAsync(url);
        if (url.AbsolutePath == "/stats")
        {
            var parts = text.Split(' ');
            return new RuntimeCounters(long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture));
        }

        var lines = text.Split('\n');
        return Value(lines, "dotnet_gc_heap_total_allocated") is { } allocated && Value(lines, "dotnet_thread_pool_work_item_count") is { } items
            ? new RuntimeCounters(allocated, items)
            : null;
    }

    // "name{labels} value [timestamp]" in Prometheus' text format.
    private static long? Value(string[] lines, string prefix) =>
        lines.Where(line => line.StartsWith(prefix, StringComparison.Ordinal))
            .Select(line => (long?)double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture))
            .FirstOrDefault();
}
