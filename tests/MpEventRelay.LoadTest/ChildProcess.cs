using System.Diagnostics;

namespace MpEventRelay.LoadTest;

/// <summary>A server of the load run in its own process, so the load generator does not share its CPU budget accounting, GC or thread pool.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public int Id => _process.Id;

    /// <summary>Where the server reports its runtime's counters (<see cref="RuntimeCounters"/>), if it does.</summary>
    public Uri? CountersUrl { get; set; }

    public static ChildProcess Start(string name, string dll, string arguments, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo("dotnet", $"\"{dll}\" {arguments}")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line && line.Contains("ERR", StringComparison.Ordinal)) { Console.Error.WriteLine($"[{name}] {line}"); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) { Console.Error.WriteLine($"[{name}] {line}"); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ChildProcess(process, name);
    }

    /// <summary>User + system CPU time used so far, from /proc (Linux).</summary>
    public TimeSpan CpuTime() => StatCpuTime($"/proc/{_process.Id}/stat");

    /// <summary>User + system CPU time used so far by the process's threads named <paramref name="threadName"/>, from /proc (Linux).</summary>
    public TimeSpan ThreadCpuTime(string threadName)
    {
        var total = TimeSpan.Zero;
        foreach (var task in Directory.EnumerateDirectories($"/proc/{_process.Id}/task"))
        {
            if (File.ReadAllText(Path.Combine(task, "comm")).Trim() == threadName)
            {
                total += StatCpuTime(Path.Combine(task, "stat"));
            }
        }

        return total;
    }

    // utime + stime from a /proc stat file (a process's or a thread's), in USER_HZ ticks.
    private static TimeSpan StatCpuTime(string statPath)
    {
        var stat = File.ReadAllText(statPath);
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    /// <summary>Resident set size, from /proc (Linux).</summary>
    public long RssBytes()
    {
        var status = File.ReadAllLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(status.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>
    /// Waits (at most 5 s) until the process uses under 5 % of a core over a quarter of a second: a relay still
    /// flushing its trail or collecting garbage after its phase would otherwise take CPU from the next server's phase.
    /// </summary>
    public async Task WaitUntilIdleAsync()
    {
        var window = TimeSpan.FromMilliseconds(250);
        for (var i = 0; i < 20; i++)
        {
            var before = CpuTime();
            await Task.Delay(window); // the measuring window, not a wait for an outcome
            if (CpuTime() - before < window * 0.05)
            {
                return;
            }
        }
    }

    public async Task WaitUntilAnsweringAsync(Uri url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 300; i++)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode}");
            }

            try
            {
                if ((await http.GetAsync(url)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{Name} did not answer {url} within 30 s");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
    }
}
