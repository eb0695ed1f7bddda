using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MpEventRelay.Tests.Infrastructure;

/// <summary>
/// A redis-server of the test's own, so the test can hang it (SIGSTOP: it keeps accepting connections and never
/// answers, the way a stuck Redis behaves) and let it go on (SIGCONT). Redis cannot report a port it chose, so the
/// port is picked free and the start retried on a collision.
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
            var port = RedisServer.FreePort();
            var process = Process.Start(new ProcessStartInfo("redis-server", $"--port {port} --bind 127.0.0.1 --save \"\" --appendonly no")
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            })!;
            process.OutputDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            if (WaitUntilListening(process, port))
            {
                return new OwnRedisServer(process, port);
            }

            process.Kill();
            process.Dispose();
        }

        throw new InvalidOperationException("redis-server did not start (is it installed? apt-get install -y redis-server)");
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

    private static bool WaitUntilListening(Process process, int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        return false;
    }
}
