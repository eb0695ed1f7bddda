using Microsoft.Extensions.Time.Testing;
using MpEventRelay.Observability;
using MpEventRelay.Outbox;
using MpEventRelay.Storage;

namespace MpEventRelay.UnitTests.Outbox;

/// <summary>
/// What each lane holds, as the worker reads it once a cycle (the real SQLite store on a temporary file, and the
/// in-memory one the other unit tests use, so both agree): pending, the oldest pending creation time, dead letters.
/// </summary>
public sealed class LaneStatsTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
    private readonly string _path = Path.Combine(Path.GetTempPath(), "mprelay-unit", Guid.NewGuid().ToString("N") + ".db");
    private readonly SqliteOutboxStore _sqlite;

    public LaneStatsTests() =>
        _sqlite = new SqliteOutboxStore(_path, new StoreGuard("sqlite", () => TimeSpan.FromSeconds(5), _time));

    public static TheoryData<string> Stores => new() { "sqlite", "memory" };

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Each_lane_counts_its_own_pending_oldest_and_dead(string name)
    {
        var store = Store(name);
        var bot = Enumerable.Range(0, 3).Select(i => Item("b" + i, "bot", ageSeconds: 30 - i)).ToList();
        var idaas = Enumerable.Range(0, 2).Select(i => Item("i" + i, "idaas", ageSeconds: 5 - i)).ToList();
        await store.AddAsync([.. bot, .. idaas], CancellationToken.None);
        await store.DeadLetterAsync(idaas[0], 10, CancellationToken.None);

        var lanes = await store.LaneStatsAsync(CancellationToken.None);

        Assert.Equal(new OutboxStats(3, bot[0].CreatedAtMs, 0), lanes["main/bot"]);
        Assert.Equal(new OutboxStats(1, idaas[1].CreatedAtMs, 1), lanes["main/idaas"]); // the dead one is not the oldest pending
        Assert.Equal(new OutboxStats(4, bot[0].CreatedAtMs, 1), OutboxStats.Sum(lanes.Values));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task The_oldest_moves_on_when_it_is_delivered_and_a_lane_with_only_dead_letters_has_none(string name)
    {
        var store = Store(name);
        var bot = Enumerable.Range(0, 2).Select(i => Item("b" + i, "bot", ageSeconds: 20 - i)).ToList();
        var idaas = Item("i0", "idaas", ageSeconds: 40);
        await store.AddAsync([.. bot, idaas], CancellationToken.None);
        await store.CompleteAsync(bot[0], CancellationToken.None);
        await store.DeadLetterAsync(idaas, 10, CancellationToken.None);

        var lanes = await store.LaneStatsAsync(CancellationToken.None);

        Assert.Equal(new OutboxStats(1, bot[1].CreatedAtMs, 0), lanes["main/bot"]);
        Assert.Equal(new OutboxStats(0, null, 1), lanes["main/idaas"]);
    }

    public void Dispose()
    {
        _sqlite.Dispose();
        File.Delete(_path);
    }

    private IOutboxStore Store(string name) => name == "sqlite" ? _sqlite : new MemoryOutboxStore("memory", _time);

    private OutboxItem Item(string id, string target, int ageSeconds) => OutboxItems.Due(_time, id, target) with
    {
        CreatedAtMs = (_time.GetUtcNow() - TimeSpan.FromSeconds(ageSeconds)).ToUnixTimeMilliseconds(),
    };
}
