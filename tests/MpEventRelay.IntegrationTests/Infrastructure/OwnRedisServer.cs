using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MpEventRelay.IntegrationTests.Infrastructure;

/// <summary>
/// A redis-server of the test's own, so the test can hang it (SIGSTOP: it keeps accepting connections and never
/// answers, the way a stuck Redis behaves) and let it go on (SIGCONT). Redis cannot bind port 0 and report it, so a
/// free port is picked and the start retried if another process took it first: Redis says "Ready to accept
/// connections" only once it holds the port, and exits when it cannot bind; the process keeps the port for its life.
/// </summary>
internal sealed class OwnRedisServer : IDisposable
{
    private const string ServerReady = "Ready to accept connections";
    private readonly string _arguments;
    private readonly string? _directory;
    private readonly ConcurrentQueue<string> _output;
    private Process _process;

    private OwnRedisServer(Process process, ConcurrentQueue<string> output, int port, string arguments, string? directory)
    {
        _process = process;
        _output = output;
        _arguments = arguments;
        _directory = directory;
        Port = port;
        Configuration = $"127.0.0.1:{port}";
    }

    public int Port { get; }

    public string Configuration { get; }

    /// <summary>What the server logged so far.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>
    /// A redis-server with <paramref name="arguments"/> (default: no persistence) in <paramref name="directory"/>
    /// (its files: AOF, nodes.conf); <paramref name="clusterBus"/> picks a port whose cluster bus (port + 10000) is free too.
    /// </summary>
    public static OwnRedisServer Start(string arguments = "--save \"\" --appendonly no", string? directory = null, bool clusterBus = false)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var port = clusterBus ? UnusedClusterPort() : UnusedPort();
            var output = new ConcurrentQueue<string>();
            var full = $"--port {port} --bind 127.0.0.1 {arguments}";
            var process = LaunchRaw(full, directory);
            if (WaitUntilReady(process, output, ServerReady))
            {
                return new OwnRedisServer(process, output, port, full, directory);
            }

            if (!process.HasExited)
            {
                process.Kill();
            }

            process.Dispose();
        }

        throw new InvalidOperationException("redis-server did not start on any of five ports.");
    }

    /// <summary>
    /// A redis-sentinel monitoring <paramref name="primary"/> as <paramref name="serviceName"/>, quorum 1, with a
    /// primary seen down after one second; its configuration file (which Sentinel rewrites) in <paramref name="directory"/>.
    /// </summary>
    public static OwnRedisServer StartSentinel(OwnRedisServer primary, string serviceName, string directory)
    {
        var file = Path.Combine(directory, $"sentinel-{Guid.NewGuid():N}.conf");
        File.WriteAllText(file, $"""
            sentinel monitor {serviceName} 127.0.0.1 {primary.Port} 1
            sentinel down-after-milliseconds {serviceName} 1000
            sentinel failover-timeout {serviceName} 3000
            """);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var port = UnusedPort();
            var arguments = $"\"{file}\" --sentinel --port {port} --bind 127.0.0.1";
            var output = new ConcurrentQueue<string>();
            var process = LaunchRaw(arguments, directory);
            if (WaitUntilReady(process, output, "+monitor master"))
            {
                return new OwnRedisServer(process, output, port, arguments, directory);
            }

            if (!process.HasExited)
            {
                process.Kill();
            }

            process.Dispose();
        }

        throw new InvalidOperationException("redis-sentinel did not start on any of five ports.");
    }

    /// <summary>SIGKILL: no shutdown save, no AOF rewrite; what is on disk is what a crash leaves.</summary>
    public void KillHard()
    {
        Resume();
        _process.Kill();
        _process.WaitForExit(5000);
    }

    /// <summary>Starts a server (not a sentinel) again on the same port and files (after <see cref="KillHard"/>).</summary>
    public void Restart()
    {
        _process.Dispose();
        _process = LaunchRaw(_arguments, _directory);
        if (!WaitUntilReady(_process, _output, ServerReady))
        {
            throw new InvalidOperationException($"redis-server did not start again on port {Port}.");
        }
    }

    private static Process LaunchRaw(string arguments, string? directory)
    {
        try
        {
            return Process.Start(new ProcessStartInfo("redis-server", arguments)
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
                WorkingDirectory = directory ?? Environment.CurrentDirectory,
            })!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("These tests need Redis: install redis-server (apt-get install -y redis-server) or set MPRELAY_TEST_REDIS=host:port.", e);
        }
    }

    /// <summary>SIGSTOP: connections stay open, nothing is answered.</summary>
    public void Hang() => Signal("STOP");

    /// <summary>SIGCONT.</summary>
    public void Resume() => Signal("CONT");

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Resume();
            _process.Kill();
            _process.WaitForExit(5000);
        }

        _process.Dispose();
    }

    private void Signal(string name)
    {
        using var kill = Process.Start("kill", $"-{name} {_process.Id}");
        kill.WaitForExit();
    }

    // Redis's own log line, printed after it bound the port; end of output means it exited (port taken). The output
    // stays captured for the process's life.
    private static bool WaitUntilReady(Process process, ConcurrentQueue<string> output, string readyLine)
    {
        var ready = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is null)
            {
                ready.TrySetResult(false);
                return;
            }

            output.Enqueue(line.Data);
            if (line.Data.Contains(readyLine, StringComparison.Ordinal))
            {
                ready.TrySetResult(true);
            }
        };
        process.BeginOutputReadLine();
        return ready.Task.Wait(TimeSpan.FromSeconds(10)) && ready.Task.Result;
    }

    // Redis Cluster listens on port + 10000 as well: both must be free, below the ephemeral range's top.
    private static int UnusedClusterPort()
    {
        for (var i = 0; i < 100; i++)
        {
            var port = Random.Shared.Next(20_000, 29_000);
            if (Free(port) && Free(port + 10_000))
            {
                return port;
            }
        }

        throw new InvalidOperationException("no free port pair for a Redis Cluster node");
    }

    private static bool Free(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
