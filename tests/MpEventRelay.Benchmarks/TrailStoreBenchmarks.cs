using BenchmarkDotNet.Attributes;
using MpEventRelay.Trail;

namespace MpEventRelay.Benchmarks;

/// <summary>
/// The trail writer's cost per push, off the request path but on the same cores: one batch of 1,000 pushes, each a
/// delivery and WeChat's answer (the usual pair), stored in one transaction.
/// </summary>
[MemoryDiagnoser]
public class TrailStoreBenchmarks
{
    private const int Pushes = 1000;
    private SqliteTrailStore _store = null!;
    private string _directory = null!;
    private long _next;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "mprelay-bench", Guid.NewGuid().ToString("N"));
        _store = new SqliteTrailStore(Path.Combine(_directory, "outbox.db"));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = Pushes)]
    public Task StorePush()
    {
        var events = new List<TrailEvent>(2 * Pushes);
        for (var i = 0; i < Pushes; i++)
        {
            var id = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(_next++)).AsSpan(0, 16)); // random, as real trail ids are
            var at = 1_800_000_000_000 + _next;
            events.Add(new TrailEvent(id, at, TrailEventKind.Delivery) { Target = "bot", Destination = "d0", Status = 200, LatencyMs = 3, Detail = "request" });
            events.Add(new TrailEvent(id, at + 1, TrailEventKind.WeChatTry)
            {
                Account = "main",
                Route = "everything-else",
                MessageKind = "text",
                MsgId = _next.ToString(),
                OpenIdHash = "0123456789abcdef0123456789abcdef",
                Status = 200,
                Attempt = 1,
                Detail = "replied+reply",
            });
        }

        return _store.AddAsync(events, CancellationToken.None);
    }
}
