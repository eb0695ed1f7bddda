namespace MpEventRelay.LoadTest;

/// <summary>One phase's measurements: count, errors, elapsed time and every latency.</summary>
internal sealed record LoadResult(string Name, int Count, int Errors, TimeSpan Elapsed, double[] LatenciesMs)
{
    /// <summary>CPU time the server process spent during the phase (user + system).</summary>
    public TimeSpan ServerCpu { get; init; }

    /// <summary>What the server's runtime counted during the phase, when it says (see <see cref="RuntimeCounters"/>).</summary>
    public RuntimeCounters? ServerRuntime { get; init; }

    /// <summary>Several rounds of one server's phase as one result: counts, time, CPU and latencies added up.</summary>
    public static LoadResult Combine(string name, IReadOnlyList<LoadResult> rounds) =>
        new(name, rounds.Sum(r => r.Count), rounds.Sum(r => r.Errors), TimeSpan.FromTicks(rounds.Sum(r => r.Elapsed.Ticks)), rounds.SelectMany(r => r.LatenciesMs).ToArray())
        {
            ServerCpu = TimeSpan.FromTicks(rounds.Sum(r => r.ServerCpu.Ticks)),
            ServerRuntime = rounds.All(r => r.ServerRuntime is not null)
                ? new RuntimeCounters(rounds.Sum(r => r.ServerRuntime!.AllocatedBytes), rounds.Sum(r => r.ServerRuntime!.WorkItems))
                : null,
        };

    public double ServerCpuMicrosecondsPerRequest => Count == 0 ? 0 : ServerCpu.TotalMicroseconds / Count;

    public double Throughput => Count / Elapsed.TotalSeconds;

    public double Percentile(double p)
    {
        if (LatenciesMs.Length == 0)
        {
            return double.NaN;
        }

        var sorted = LatenciesMs.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)];
    }

    public string Row() =>
        $"| {Name,-34} | {Throughput,9:0} | {Percentile(50),7:0.00} | {Percentile(99),7:0.00} | {Percentile(99.9),8:0.00} | {ServerCpuMicrosecondsPerRequest,10:0} | {PerRequest(ServerRuntime?.AllocatedBytes / 1024.0),6} | {PerRequest(ServerRuntime?.WorkItems),14} | {Errors,6} | {Count,8} |";

    public const string Header = "| phase                              |   req/s   |  p50 ms |  p99 ms | p99.9 ms | server CPU µs/req | KB/req | pool items/req | errors | requests |\n|------------------------------------|----------:|--------:|--------:|---------:|-----------:|-------:|---------------:|-------:|---------:|";

    private string PerRequest(double? total) => total is null || Count == 0 ? "–" : (total.Value / Count).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
}
