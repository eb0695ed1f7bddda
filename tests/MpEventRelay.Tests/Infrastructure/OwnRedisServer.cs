using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MpEventRelay.Tests.Infrastructure;

/// <summary>
/// A redis-server of the test's own, so the test can hang it (SIGSTOP: it keeps accepting connections and never
/// answers, the way a stuck Redis behaves) and let it go on (SIGCONT). Redis cannot bind port 0 and report it, so a
/// free port is picked and the start retried if another process took it first: Redis says "Ready to accept
/// connections" only once it holds the port, and exits when it cannot bind; the process keeps the port for its life.
/// </summary>
internal sealed class OwnRedisServer : IDisposable
{
    private readonly Process _process;

    private OwnRedisServer(Process process, int port)
    {
        _process = process;
        Configuration = $"127.0.0.1:{port}";
    }

    public string Configuration { get; }

    public static OwnRedisServer Start()
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var port = UnusedPort();
            Process process;
            try
            {
                process = Process.Start(new ProcessStartInfo("redis-server", $"--port {port} --bind 127.0.0.1 --save \"\" --appendonly no")
                {
                    RedirectStandardOutput = true,
                    UseShellExecute = false,
                })!;
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new InvalidOperationException("These tests need Redis: install redis-server (apt-get install -y redis-server) or set MPRELAY_TEST_REDIS=host:port.", e);
            }

            if (WaitUntilReady(process))
            {
                return new OwnRedisServer(process, port);
            }

            if (!process.HasExited)
            {
                process.Kill();
            }

            process.Dispose();
        }

        throw new InvalidOperationException("redis-server did not start on any of five ports.");
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

    // Redis's own log line, printed after it bound the port; end of output means it exited (port taken).
    private static bool WaitUntilReady(Process process)
    {
        var ready = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is null)
            {
                ready.TrySetResult(false);
            }
            else if (line.Data.Contains("Ready to accept connections", StringComparison.Ordinal))
            {
                ready.TrySetResult(true);
            }
        };
        process.BeginOutputReadLine();
        return ready.Task.Wait(TimeSpan.FromSeconds(10)) && ready.Task.Result;
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
