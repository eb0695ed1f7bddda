using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace MpEventRelay.IntegrationTests.Infrastructure;

/// <summary>
/// The relay as a separate OS process (<c>dotnet MpEventRelay.dll</c>), as an operator runs it: configured by files in
/// its working directory and by environment variables, listening on port 0 and reporting the ports it got, so a test
/// can kill it with SIGKILL (<c>kill -9</c>) and start it again on the same data.
/// </summary>
internal sealed partial class RelayProcess : IDisposable
{
    private static readonly string BuildOutput = AppContext.BaseDirectory;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private RelayProcess(Process process)
    {
        _process = process;
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The management listener, or the push listener when the management endpoints share it.</summary>
    public Uri ManagementAddress { get; private set; } = null!;

    /// <summary>Everything the process wrote so far (stdout and stderr).</summary>
    public string Output => string.Join('\n', _output);

    public bool HasExited => _process.HasExited;

    /// <summary>The process id (of <c>dotnet</c> running the relay).</summary>
    public int Id => _process.Id;

    public Uri Url(string path) => new(BaseAddress, path);

    /// <summary>
    /// Runs the build output's relay in <paramref name="workingDirectory"/>, with <paramref name="configurationJson"/> as
    /// its appsettings.json and, unless <paramref name="environment"/> says otherwise, a management listener on a free
    /// loopback port (as the container has one), where <see cref="ManagementAddress"/> reaches metrics and admin.
    /// </summary>
    public static async Task<RelayProcess> StartAsync(string workingDirectory, string configurationJson, IReadOnlyDictionary<string, string>? environment = null)
    {
        Directory.CreateDirectory(workingDirectory);
        await File.WriteAllTextAsync(Path.Combine(workingDirectory, "appsettings.json"), configurationJson);
        var variables = new Dictionary<string, string>(environment ?? new Dictionary<string, string>());
        variables.TryAdd("Relay__Management__Url", "http://127.0.0.1:0");
        var relay = Launch(BuildOutput, workingDirectory, variables);
        await relay.WaitUntilListeningAsync();
        return relay;
    }

    /// <summary>A fresh directory under the temp folder for one relay's files (its configuration, outbox, trail).</summary>
    public static string NewWorkDirectory() => Path.Combine(Path.GetTempPath(), "mprelay-tests", Guid.NewGuid().ToString("N"));

    /// <summary>
    /// One replica of several sharing <paramref name="redis"/> under <paramref name="prefix"/> (storage from the
    /// environment, as an operator sets it), with its own working directory and fall-back SQLite file.
    /// </summary>
    public static Task<RelayProcess> StartReplicaAsync(RelayConfig config, string redis, string prefix, IReadOnlyDictionary<string, string>? environment = null)
    {
        var workDir = NewWorkDirectory();
        var variables = new Dictionary<string, string>(environment ?? new Dictionary<string, string>())
        {
            ["Relay__Storage__Redis"] = redis,
            ["Relay__Storage__RedisKeyPrefix"] = prefix,
        };
        return StartAsync(workDir, config.SqlitePath(Path.Combine(workDir, "outbox.db")).ToJson(), variables);
    }

    /// <summary>Runs the relay found in <paramref name="binaryDirectory"/> from that directory (as the container does), configured by <paramref name="environment"/>.</summary>
    public static async Task<RelayProcess> StartAsync(string binaryDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var relay = Launch(binaryDirectory, binaryDirectory, environment);
        await relay.WaitUntilListeningAsync();
        return relay;
    }

    /// <summary>Runs the relay and expects it to refuse to start: returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunUntilExitAsync(string binaryDirectory, IReadOnlyDictionary<string, string> environment)
    {
        using var relay = Launch(binaryDirectory, binaryDirectory, environment);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await relay._process.WaitForExitAsync(timeout.Token);
        relay._process.WaitForExit(); // drains the redirected output
        return (relay._process.ExitCode, relay.Output);
    }

    /// <summary>SIGKILL: no shutdown hooks, no draining, nothing flushed by the relay.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            KillHard();
        }

        _process.Dispose();
    }

    private static RelayProcess Launch(string binaryDirectory, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet", $"\"{Path.Combine(binaryDirectory, "MpEventRelay.dll")}\"")
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // Nothing inherited decides what runs: only what the test sets.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("Relay__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ReverseProxy__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase) || k.StartsWith("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var relay = new RelayProcess(new Process { StartInfo = start });
        relay._process.OutputDataReceived += (_, e) => relay.Capture(e.Data);
        relay._process.ErrorDataReceived += (_, e) => relay.Capture(e.Data);
        relay._process.Start();
        relay._process.BeginOutputReadLine();
        relay._process.BeginErrorReadLine();
        return relay;
    }

    private void Capture(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    private async Task WaitUntilListeningAsync()
    {
        var listening = await Eventually.TrueAsync(() => _process.HasExited || (PushLine().IsMatch(Output) && ManagementLine().IsMatch(Output)), TimeSpan.FromSeconds(60));
        if (_process.HasExited || !listening)
        {
            throw new InvalidOperationException($"The relay did not start (exited: {_process.HasExited}). Output:\n{Output}");
        }

        BaseAddress = new Uri(PushLine().Match(Output).Groups["address"].Value);
        var management = ManagementLine().Match(Output).Groups["port"];
        ManagementAddress = management.Success ? new Uri($"http://127.0.0.1:{management.Value}") : BaseAddress;

        // As a load balancer would: pushes start once /health/ready says 200 (stores open and warm).
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        if (!await Eventually.TrueAsync(() => !_process.HasExited && http.GetAsync(new Uri(ManagementAddress, "/health/ready")).GetAwaiter().GetResult().IsSuccessStatusCode, TimeSpan.FromSeconds(60)))
        {
            throw new InvalidOperationException($"The relay did not become ready. Output:\n{Output}");
        }
    }

    [GeneratedRegex(@"Push listener: (?<address>http://[^\s]+)")]
    private static partial Regex PushLine();

    [GeneratedRegex(@"Management listener: (port (?<port>\d+)|the push port)")]
    private static partial Regex ManagementLine();
}
