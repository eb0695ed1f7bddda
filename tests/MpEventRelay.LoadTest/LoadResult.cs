namespace MpEventRelay.LoadTest;

/// <summary>One phase's measurements: count, errors, elapsed time and every latency.</summary>
internal sealed record LoadResult(string Name, int Count, int Errors, TimeSpan Elapsed, double[] LatenciesMs)
{
    /// <summary>CPU time the server process spent during the phase (user + system).</summary>
    public TimeSpan ServerCpu { get; init; }

    /// <summary>Several rounds of one server's phase as one result: counts, time, CPU and latencies added up.</summary>
    public static LoadResult Combine(string name, IReadOnlyList<LoadResult> rounds) =>
        new(name, rounds.Sum(r => r.Count), rounds.Sum(r => r.Errors), TimeSpan.FromTicks(rounds.Sum(r => r.Elapsed.Ticks)), rounds.SelectMany(r => r.LatenciesMs).ToArray())
        {
            ServerCpu = TimeSpan.FromTicks(rounds.Sum(r => r.ServerCpu.Ticks)),
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
        $"| {Name,-34} | {Throughput,9:0} | {Percentile(50),7:0.00} | {Percentile(99),7:0.00} | {Percentile(99.9),8:0.00} | {ServerCpuMicrosecondsPerRequest,10:0} | {Errors,6} | {Count,8} |";

    public const string Header = "| phase                              |   req/s   |  p50 ms |  p99 ms | p99.9 ms | server CPU µs/req | errors | requests |\n|------------------------------------|----------:|--------:|--------:|---------:|-----------:|-------:|---------:|";
}
