using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MpEventRelay.Tests.Infrastructure;

/// <summary>
/// A real Redis for the tests: the one named by MPRELAY_TEST_REDIS (host:port), or a redis-server started here on a
/// free loopback port. Without either, the tests that need Redis fail with that message; they are never skipped.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private readonly Process? _process;

    public RedisServer()
    {
        var given = Environment.GetEnvironmentVariable("MPRELAY_TEST_REDIS");
        if (!string.IsNullOrWhiteSpace(given))
        {
            Configuration = given;
            return;
        }

        var port = FreePort();
        try
        {
            _process = Process.Start(new ProcessStartInfo("redis-server", $"--port {port} --bind 127.0.0.1 --save \"\" --appendonly no")
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            });
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("These tests need Redis: install redis-server (apt-get install -y redis-server) or set MPRELAY_TEST_REDIS=host:port.", e);
        }

        Configuration = $"127.0.0.1:{port}";
        WaitUntilListening(port);
    }

    /// <summary>The StackExchange.Redis configuration string.</summary>
    public string Configuration { get; }

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }

        _process?.Dispose();
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void WaitUntilListening(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        throw new InvalidOperationException($"redis-server did not start listening on port {port}.");
    }
}
