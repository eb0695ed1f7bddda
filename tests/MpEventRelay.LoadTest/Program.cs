using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MpEventRelay.LoadTest;

// The end-to-end load run: dotnet run -c Release --project tests/MpEventRelay.LoadTest [-- --seconds 10 --rate 1000 --connections 32 --soak 1000000 --dedup-capacity 100000 --trail 0]
// Starts a target, the relay and a bare YARP pass-through as separate processes on loopback, drives each with the
// same kind of pre-generated, validly signed, encrypted pushes, and prints the figures side by side.
switch (args.FirstOrDefault())
{
    case "target":
        await TargetServer.RunAsync(int.Parse(args[1], CultureInfo.InvariantCulture));
        return 0;
    case "proxy":
        await BareProxy.RunAsync(int.Parse(args[1], CultureInfo.InvariantCulture), args[2]);
        return 0;
}

var seconds = Option("--seconds", 10);
var rate = Option("--rate", 1000);
var connections = Option("--connections", 32);
var soak = Option("--soak", 0);
var dedupCapacity = Option("--dedup-capacity", 100_000);
var trail = Option("--trail", 1) != 0; // --trail 0: the message trail off, to measure its cost
var harness = typeof(TargetServer).Assembly.Location;
var relayDll = Path.Combine(AppContext.BaseDirectory, "MpEventRelay.dll");
var work = Path.Combine(Path.GetTempPath(), "mprelay-load", Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(work);

int targetPort = FreePort(), proxyPort = FreePort(), relayPort = FreePort();
var targetBase = $"http://127.0.0.1:{targetPort}";
await File.WriteAllTextAsync(Path.Combine(work, "appsettings.json"), Workload.RelayConfiguration(targetBase, Path.Combine(work, "outbox.db"), dedupCapacity, trail));

using var target = ChildProcess.Start("target", harness, $"target {targetPort}");
using var proxy = ChildProcess.Start("yarp", harness, $"proxy {proxyPort} {targetBase}/wx");
using var relay = ChildProcess.Start("relay", relayDll, $"--urls http://127.0.0.1:{relayPort}", work);
var relayUrl = new Uri($"http://127.0.0.1:{relayPort}");
var proxyUrl = new Uri($"http://127.0.0.1:{proxyPort}");
await relay.WaitUntilAnsweringAsync(new Uri(relayUrl, "/health/live"));
await target.WaitUntilAnsweringAsync(new Uri($"{targetBase}/health"));
await proxy.WaitUntilAnsweringAsync(new Uri(proxyUrl, "/health"));

Console.WriteLine($"trail {(trail ? "on" : "off")}; tracing off");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; loopback; {connections} connections; {seconds} s per full-speed phase; {rate}/s fixed rate for {seconds} s");
var runId = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)[^6..];
var fullSpeedCap = 60_000 * seconds / 10;
var needed = (2 * 3000) + (2 * fullSpeedCap) + (2 * rate * seconds) + soak;
Console.WriteLine($"generating {needed:N0} distinct signed, encrypted pushes…");
var workload = Workload.Generate(needed, runId);
var slices = new Slicer(workload.Requests);

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = TimeSpan.FromMinutes(10) }) { Timeout = TimeSpan.FromSeconds(10) };
var load = new LoadGenerator(http);

await load.RunClosedAsync("warm-up", proxyUrl, slices.Take(3000), connections, TimeSpan.FromSeconds(30));
await load.RunClosedAsync("warm-up", relayUrl, slices.Take(3000), connections, TimeSpan.FromSeconds(30));
var rssBefore = relay.RssBytes();

Console.WriteLine($"pids: relay {relay.Id}, yarp {proxy.Id}, target {target.Id}");
var results = new List<LoadResult>
{
    await Phase(proxy, () => load.RunClosedAsync("baseline YARP, full speed", proxyUrl, slices.Take(fullSpeedCap), connections, TimeSpan.FromSeconds(seconds))),
    await Phase(relay, () => load.RunClosedAsync("relay, full speed", relayUrl, slices.Take(fullSpeedCap), connections, TimeSpan.FromSeconds(seconds))),
    await Phase(proxy, () => load.RunFixedRateAsync($"baseline YARP, {rate}/s", proxyUrl, slices.Take(rate * seconds), rate, TimeSpan.FromSeconds(seconds))),
    await Phase(relay, () => load.RunFixedRateAsync($"relay, {rate}/s", relayUrl, slices.Take(rate * seconds), rate, TimeSpan.FromSeconds(seconds))),
};
var rssSeries = new List<string>();
if (soak > 0)
{
    // RSS every 5 s during the soak: flat once the dedup cache has reached its capacity, or growing.
    using var sampling = new CancellationTokenSource();
    var sampler = Task.Run(async () =>
    {
        while (!sampling.IsCancellationRequested)
        {
            rssSeries.Add($"{relay.RssBytes() / 1048576.0:0}");
            await Task.Delay(TimeSpan.FromSeconds(5), sampling.Token).ContinueWith(_ => { });
        }
    });
    results.Add(await Phase(relay, () => load.RunClosedAsync($"relay, soak of {soak:N0}", relayUrl, slices.Take(soak), connections, TimeSpan.FromHours(1))));
    await sampling.CancelAsync();
    await sampler;
}

var rssAfter = relay.RssBytes();
Console.WriteLine();
Console.WriteLine(LoadResult.Header);
results.ForEach(r => Console.WriteLine(r.Row()));
Console.WriteLine();
Console.WriteLine($"throughput relay / baseline: {results[1].Throughput / results[0].Throughput:0.00}×");
Console.WriteLine($"p99 at {rate}/s: relay {results[3].Percentile(99):0.00} ms, baseline {results[2].Percentile(99):0.00} ms, added {results[3].Percentile(99) - results[2].Percentile(99):0.00} ms");
Console.WriteLine($"relay RSS: {rssBefore / 1048576.0:0} MB after warm-up, {rssAfter / 1048576.0:0} MB at the end ({results.Where(r => r.Name.StartsWith("relay", StringComparison.Ordinal)).Sum(r => r.Count) + 3000:N0} pushes)");
if (rssSeries.Count > 0)
{
    Console.WriteLine($"relay RSS during the soak, MB every 5 s: {string.Join(' ', rssSeries)}");
}

var failed = results.Sum(r => r.Errors);
Directory.Delete(work, recursive: true);
return failed == 0 ? 0 : 1;

// Phases are announced (so a profiler can be attached for exactly one) and the server's CPU time is measured.
static async Task<LoadResult> Phase(ChildProcess server, Func<Task<LoadResult>> run)
{
    Console.WriteLine($"phase on {server.Name} (pid {server.Id}) starts");
    var cpu = server.CpuTime();
    var result = await run();
    return result with { ServerCpu = server.CpuTime() - cpu };
}

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}
