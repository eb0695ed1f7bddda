using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MpEventRelay.LoadTest;
using MpEventRelay.TestKit;

// The end-to-end load run: dotnet run -c Release --project tests/MpEventRelay.LoadTest [-- --seconds 10 --rate 1000 --connections 32 --rounds 3 --warm-up 15 --soak 1000000 --dedup-capacity 100000 --trail 0 --relay LABEL=trail-on|trail-off|path/to/MpEventRelay.dll …]
// Starts a target, a bare YARP pass-through and the relay(s) as separate processes on loopback, drives each with the
// same pre-generated, validly signed, encrypted pushes, and prints the figures side by side. The full-speed phases
// alternate between the servers for several rounds (YARP, each relay in a rotated order, YARP, …), so the machine's
// drift over a run falls on all of them alike; each relay's ratio is the mean of its per-round ratios to that round's
// YARP phase.
switch (args.FirstOrDefault())
{
    case "target":
        await TargetServer.RunAsync(int.Parse(args[1], CultureInfo.InvariantCulture));
        return 0;
    case "proxy":
        await BareProxy.RunAsync(int.Parse(args[1], CultureInfo.InvariantCulture), args[2]);
        return 0;
    case "allocations":
        AllocationSampler.Run(int.Parse(args[1], CultureInfo.InvariantCulture), TimeSpan.FromSeconds(int.Parse(args[2], CultureInfo.InvariantCulture)));
        return 0;
}

var seconds = Option("--seconds", 10);
var rate = Option("--rate", 1000);
var connections = Option("--connections", 32);
var rounds = Option("--rounds", 3);
var warmUpSeconds = Option("--warm-up", 15); // long enough for tiered JIT to finish: after 3,000 pushes (or 5 s), 10–14 % of the first phase's CPU was still the JIT (1,600 methods promoted during it); after 15 s, under 1 %
var soak = Option("--soak", 0);
var dedupCapacity = Option("--dedup-capacity", 100_000);
var trail = Option("--trail", 1) != 0; // --trail 0: the message trail off, to measure its cost
var harness = typeof(TargetServer).Assembly.Location;
var relaysUnderTest = RelayUnderTest.FromArguments(args, Path.Combine(AppContext.BaseDirectory, "MpEventRelay.dll"), trail);
var work = Path.Combine(Path.GetTempPath(), "mprelay-load", Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(work);

int targetPort = FreePort(), proxyPort = FreePort();
var targetBase = $"http://127.0.0.1:{targetPort}";
using var target = ChildProcess.Start("target", harness, $"target {targetPort}");
using var proxy = ChildProcess.Start("yarp", harness, $"proxy {proxyPort} {targetBase}/wx");
var proxyUrl = new Uri($"http://127.0.0.1:{proxyPort}");
var relays = new List<(RelayUnderTest Spec, ChildProcess Process, Uri Url, Uri Management)>();
foreach (var spec in relaysUnderTest)
{
    var relayPort = FreePort();
    var managementPort = FreePort(); // metrics on a management listener, as deployed (every build knows the setting)
    var directory = Directory.CreateDirectory(Path.Combine(work, relays.Count.ToString(CultureInfo.InvariantCulture))).FullName;
    await File.WriteAllTextAsync(Path.Combine(directory, "appsettings.json"), Workload.RelayConfiguration(targetBase, Path.Combine(directory, "outbox.db"), dedupCapacity, spec.Trail));
    relays.Add((spec, ChildProcess.Start(spec.Label, spec.Dll, $"--urls http://127.0.0.1:{relayPort} --Relay:Management:Url=http://127.0.0.1:{managementPort}", directory), new Uri($"http://127.0.0.1:{relayPort}"), new Uri($"http://127.0.0.1:{managementPort}")));
}

try
{
    foreach (var (_, process, _, management) in relays)
    {
        await process.WaitUntilAnsweringAsync(new Uri(management, "/health/live"));
    }

    await target.WaitUntilAnsweringAsync(new Uri($"{targetBase}/health"));
    await proxy.WaitUntilAnsweringAsync(new Uri(proxyUrl, "/health"));

    foreach (var (spec, _, _, _) in relays)
    {
        Console.WriteLine($"{spec.Label}: {spec.Dll}; trail {spec.Trail switch { true => "on", false => "off", null => "as that build's default" }}; tracing off; {ReadyToRunImage.Describe(spec.Dll)}");
    }

    // The baseline's code is this harness's and YARP's, next to it: compiled as the relay's is, or the ratio measures the JIT.
    var baselineCode = ReadyToRunImage.Describe(Path.Combine(AppContext.BaseDirectory, "Yarp.ReverseProxy.dll"));
    Console.WriteLine($"baseline YARP: {harness}; {baselineCode}");
    if (relays.Any(r => ReadyToRunImage.Describe(r.Spec.Dll) != baselineCode))
    {
        Console.WriteLine("note: a relay and the baseline are compiled differently (ReadyToRun against JIT): publish the harness as the README says");
    }

    Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; loopback; {connections} connections; {rounds} round(s) of {seconds} s full-speed phases; {rate}/s fixed rate for {seconds} s");
    var runId = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)[^6..];
    var fullSpeedCap = 60_000 * seconds / 10;

    // Each relay dedups on its own, so the servers of one round share that round's pushes; no relay sees one twice.
    const int warmUpCap = 40_000;
    var slices = new FreshPushes(runId);
    Console.WriteLine("generating distinct signed, encrypted pushes as each phase needs them…");

    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = TimeSpan.FromMinutes(10) }) { Timeout = TimeSpan.FromSeconds(10) };
    var load = new LoadGenerator(http);
    proxy.CountersUrl = new Uri(proxyUrl, "/stats");
    relays.ForEach(r => r.Process.CountersUrl = new Uri(r.Management, "/metrics"));
    var servers = new[] { (Name: "baseline YARP", Process: proxy, Url: proxyUrl) }.Concat(relays.Select(r => (Name: r.Spec.Label, r.Process, r.Url))).ToArray();

    var warmUp = slices.Take(warmUpCap);
    foreach (var server in servers)
    {
        await load.RunClosedAsync("warm-up", server.Url, warmUp, connections, TimeSpan.FromSeconds(warmUpSeconds));
    }

    var rssBefore = relays.Select(r => r.Process.RssBytes()).ToArray();
    Console.WriteLine($"pids: {string.Join(", ", servers.Select(s => $"{s.Name} {s.Process.Id}"))}, target {target.Id}");

    var fullSpeed = servers.Select(_ => new List<LoadResult>()).ToArray();
    for (var round = 0; round < rounds; round++)
    {
        // YARP first, then the relays in an order rotated each round: no relay always runs right after YARP or last,
        // so a place in the order cannot favour one.
        var pushes = slices.Take(fullSpeedCap);
        foreach (var s in new[] { 0 }.Concat(Enumerable.Range(0, relays.Count).Select(i => 1 + ((i + round) % relays.Count))))
        {
            var server = servers[s];
            fullSpeed[s].Add(await Phase(server.Process, servers, () => load.RunClosedAsync($"{server.Name}, full speed", server.Url, pushes, connections, TimeSpan.FromSeconds(seconds))));
        }
    }

    // The fixed-rate phases too, once per round, each round in an order rotated over every server (YARP included):
    // a p99 difference cannot come from always running first or last.
    var fixedRate = servers.Select(_ => new List<LoadResult>()).ToArray();
    for (var round = 0; round < rounds; round++)
    {
        var fixedRatePushes = slices.Take(rate * seconds);
        foreach (var s in Enumerable.Range(0, servers.Length).Select(i => (i + round) % servers.Length))
        {
            var server = servers[s];
            fixedRate[s].Add(await Phase(server.Process, servers, () => load.RunFixedRateAsync($"{server.Name}, {rate}/s", server.Url, fixedRatePushes, rate, TimeSpan.FromSeconds(seconds))));
        }
    }

    var results = fullSpeed.Concat(fixedRate).Select(r => LoadResult.Combine(r[0].Name, r)).ToList();
    var rssSeries = new List<string>();
    if (soak > 0)
    {
        // RSS every 5 s during the soak: flat once the dedup cache has reached its capacity, or growing.
        var soaked = relays[0];
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                rssSeries.Add($"{soaked.Process.RssBytes() / 1048576.0:0}");
                await Task.Delay(TimeSpan.FromSeconds(5), sampling.Token).ContinueWith(_ => { });
            }
        });
        results.Add(await Phase(soaked.Process, servers, () => load.RunClosedAsync($"{soaked.Spec.Label}, soak of {soak:N0}", soaked.Url, slices.Take(soak), connections, TimeSpan.FromHours(1))));
        await sampling.CancelAsync();
        await sampler;
    }

    Console.WriteLine();
    Console.WriteLine(LoadResult.Header);
    results.ForEach(r => Console.WriteLine(r.Row()));
    Console.WriteLine();
    for (var r = 0; r < relays.Count; r++)
    {
        var label = relays[r].Spec.Label;
        var ratios = fullSpeed[r + 1].Select((result, round) => result.Throughput / fullSpeed[0][round].Throughput).ToArray();
        Console.WriteLine($"throughput {label} / baseline: {ratios.Average():0.00}× (rounds: {string.Join(", ", ratios.Select(x => $"{x:0.00}×"))})");
        var added = fixedRate[r + 1].Select((result, round) => result.Percentile(99) - fixedRate[0][round].Percentile(99)).ToArray();
        Console.WriteLine($"p99 at {rate}/s: {label} {LoadResult.Combine(label, fixedRate[r + 1]).Percentile(99):0.00} ms, baseline {LoadResult.Combine("yarp", fixedRate[0]).Percentile(99):0.00} ms (all rounds' latencies); added {added.Average():0.00} ms (mean of rounds: {string.Join(", ", added.Select(x => $"{x:+0.00;-0.00}"))})");
        Console.WriteLine($"{label} RSS: {rssBefore[r] / 1048576.0:0} MB after warm-up, {relays[r].Process.RssBytes() / 1048576.0:0} MB at the end");
        var pushesSeen = warmUp.Count + (rounds * fullSpeedCap) + (rounds * rate * seconds) + (r == 0 ? soak : 0);
        var outboxThread = relays[r].Process.ThreadCpuTime("sqlite-outbox");
        Console.WriteLine($"{label} outbox thread (SQLite): {outboxThread.TotalSeconds:0.0} s CPU, {outboxThread.TotalMicroseconds / pushesSeen:0.0} µs a push");
        if (relays[r].Spec.Trail is not false)
        {
            // A trail that cannot keep up drops events (and counts them): a cost figure is only honest with none dropped.
            var metrics = await http.GetStringAsync(new Uri(relays[r].Management, "/metrics"));
            var dropped = metrics.Split('\n').FirstOrDefault(line => line.StartsWith("mprelay_trail_dropped", StringComparison.Ordinal))?.Split(' ')[^1] ?? "0";
            var writer = relays[r].Process.ThreadCpuTime("mprelay-trail");
            Console.WriteLine($"{label} trail events dropped: {dropped}; trail writer thread: {writer.TotalSeconds:0.0} s CPU, {writer.TotalMicroseconds / pushesSeen:0.0} µs a push");
        }
    }

    if (rssSeries.Count > 0)
    {
        Console.WriteLine($"{relays[0].Spec.Label} RSS during the soak, MB every 5 s: {string.Join(' ', rssSeries)}");
    }

    return results.Sum(r => r.Errors) == 0 ? 0 : 1;
}
finally
{
    relays.ForEach(r => r.Process.Dispose());
    Directory.Delete(work, recursive: true);
}

// Phases start once every server is idle, are announced (so a profiler can be attached for exactly one), and the
// server's CPU time is measured.
static async Task<LoadResult> Phase(ChildProcess server, IEnumerable<(string Name, ChildProcess Process, Uri Url)> all, Func<Task<LoadResult>> run)
{
    foreach (var other in all)
    {
        await other.Process.WaitUntilIdleAsync();
    }

    Console.WriteLine($"phase on {server.Name} (pid {server.Id}) starts");
    var counters = await RuntimeCounters.ReadAsync(server.CountersUrl);
    var cpu = server.CpuTime();
    var result = await run();
    var used = server.CpuTime() - cpu;
    var after = await RuntimeCounters.ReadAsync(server.CountersUrl);
    return result with
    {
        ServerCpu = used,
        ServerRuntime = counters is null || after is null ? null : new RuntimeCounters(after.AllocatedBytes - counters.AllocatedBytes, after.WorkItems - counters.WorkItems),
    };
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
