using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace MpEventRelay.LoadTest;

/// <summary>
/// What a running .NET process allocates, by type: the runtime's allocation ticks (one about every 100 KB, with the
/// type that crossed it) over an event pipe, summed for a while. Attach it to a relay's phase:
/// <c>dotnet run -c Release --project tests/MpEventRelay.LoadTest -- allocations PID SECONDS</c>.
/// </summary>
internal static class AllocationSampler
{
    public static void Run(int pid, TimeSpan duration, int top = 40)
    {
        var providers = new[] { new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Verbose, (long)ClrTraceEventParser.Keywords.GC) };
        using var session = new DiagnosticsClient(pid).StartEventPipeSession(providers, requestRundown: false);
        var byType = new Dictionary<string, long>(StringComparer.Ordinal);
        long total = 0;
        using var source = new EventPipeEventSource(session.EventStream);
        source.Clr.GCAllocationTick += e =>
        {
            var type = e.TypeName ?? "?";
            byType[type] = byType.GetValueOrDefault(type) + e.AllocationAmount64;
            total += e.AllocationAmount64;
        };
        using var stop = new Timer(_ => session.Stop(), null, duration, Timeout.InfiniteTimeSpan);
        source.Process();

        Console.WriteLine($"sampled {total / 1048576.0:0.0} MB in {duration.TotalSeconds:0} s");
        foreach (var (type, bytes) in byType.OrderByDescending(t => t.Value).Take(top))
        {
            Console.WriteLine($"{100.0 * bytes / total,5:0.0} %  {bytes / 1048576.0,7:0.0} MB  {type}");
        }
    }
}
