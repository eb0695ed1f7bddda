using System.Diagnostics;

namespace MpEventRelay.IntegrationTests.Infrastructure;

/// <summary>
/// A real three-master Redis Cluster on loopback (no replicas), started by the tests as an operator would:
/// three <c>redis-server --cluster-enabled yes</c> and <c>redis-cli --cluster create</c>. Ready once every node
/// has logged that its cluster state is ok.
/// </summary>
public sealed class RedisCluster : IDisposable
{
    private readonly List<OwnRedisServer> _nodes = [];
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "mprelay-tests", "cluster-" + Guid.NewGuid().ToString("N"));

    public RedisCluster()
    {
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var directory = Path.Combine(_directory, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Directory.CreateDirectory(directory);
                _nodes.Add(OwnRedisServer.Start("--cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000 --save \"\" --appendonly yes --appendfsync always", directory, clusterBus: true));
            }

            var create = RedisCli($"--cluster create {string.Join(' ', _nodes.Select(n => n.Configuration))} --cluster-replicas 0 --cluster-yes");
            if (create.ExitCode != 0)
            {
                throw new InvalidOperationException("redis-cli --cluster create failed: " + create.Output);
            }

            // Each node logs the moment its view of the cluster becomes whole.
            if (!Eventually.TrueAsync(() => _nodes.All(n => n.Output.Contains("Cluster state changed: ok", StringComparison.Ordinal)), TimeSpan.FromSeconds(30)).GetAwaiter().GetResult())
            {
                throw new InvalidOperationException("the Redis Cluster did not reach cluster_state:ok in 30 s: " + string.Join("\n", _nodes.Select(n => n.Output)));
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Every node, as a StackExchange.Redis configuration string (the client discovers the slots).</summary>
    public string Configuration => string.Join(',', _nodes.Select(n => n.Configuration));

    public IReadOnlyList<int> Ports => _nodes.Select(n => n.Port).ToList();

    public void Dispose()
    {
        foreach (var node in _nodes)
        {
            node.Dispose();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static (int ExitCode, string Output) RedisCli(string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo("redis-cli", arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error.Result);
    }
}
