using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MpEventRelay.Dedup;
using MpEventRelay.Outbox;
using MpEventRelay.Storage;

namespace MpEventRelay.UnitTests.Outbox;

/// <summary>
/// Dead letters as a store query (the real SQLite store on a temporary file, beside the in-memory one): pages that
/// reach every dead letter, filters applied while paging, the per-target bound.
/// </summary>
public sealed class DeadLettersTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
    private readonly string _path = Path.Combine(Path.GetTempPath(), "mprelay-unit", Guid.NewGuid().ToString("N") + ".db");
    private readonly SqliteOutboxStore _sqlite;
    private readonly MemoryOutboxStore _memory;
    private readonly DeliveryOutbox _outbox;
    private readonly DeadLetters _deadLetters;

    public DeadLettersTests()
    {
        _sqlite = new SqliteOutboxStore(_path, new StoreGuard("sqlite", () => TimeSpan.FromSeconds(5), _time));
        _memory = new MemoryOutboxStore("memory", _time);
        _outbox = new DeliveryOutbox([_memory, _sqlite], TestMetrics.Create(_time), _time, NullLogger<DeliveryOutbox>.Instance);
        _deadLetters = new DeadLetters(_outbox);
    }

    [Fact]
    public async Task Pages_reach_all_1100_dead_letters_of_both_stores_once_each_in_creation_order()
    {
        // 299 a page: the first page ends in the memory store and the second in SQLite, each on the first of two
        // dead letters created in the same millisecond, so a cursor that skipped ties would lose one.
        await DeadAsync(_memory, 309, "bot");
        await DeadAsync(_sqlite, 791, "bot");

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await _deadLetters.QueryAsync(new DeadLetterQuery { Cursor = cursor, Limit = 299 }, CancellationToken.None);
            seen.AddRange(page.Records.Select(r => r.Item.Id));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(4, pages); // 299, 299, 299, 203: the last says nothing remains
        Assert.Equal(1_100, seen.Count);
        Assert.Equal(1_100, seen.Distinct().Count());
    }

    [Fact]
    public async Task The_newest_of_1100_is_found_by_its_trail_id_and_since_a_time()
    {
        var items = await DeadAsync(_sqlite, 1_100, "bot");
        var newest = items[^1];

        var byTrailId = await _deadLetters.AllAsync(new DeadLetterQuery { TrailId = DedupKey.Header(newest.DedupKey) }, CancellationToken.None);
        var sinceNewest = await _deadLetters.AllAsync(new DeadLetterQuery { Target = "bot", SinceMs = newest.CreatedAtMs }, CancellationToken.None);

        Assert.Equal(newest.Id, Assert.Single(byTrailId).Item.Id);
        Assert.Equal(items.Where(i => i.CreatedAtMs >= newest.CreatedAtMs).Select(i => i.Id), sinceNewest.Select(r => r.Item.Id)); // the newest shares its time with one other
    }

    [Fact]
    public async Task A_filtered_page_is_full_while_more_match_and_has_no_cursor_when_none_do()
    {
        await DeadAsync(_sqlite, 700, "bot", routeOf: i => i % 7 == 0 ? "login" : "other"); // 100 match, spread over two scan chunks

        var first = await _deadLetters.QueryAsync(new DeadLetterQuery { Route = "login", Limit = 60 }, CancellationToken.None);
        var second = await _deadLetters.QueryAsync(new DeadLetterQuery { Route = "login", Limit = 60, Cursor = first.NextCursor }, CancellationToken.None);

        Assert.Equal(60, first.Records.Count);
        Assert.NotNull(first.NextCursor);
        Assert.Equal(40, second.Records.Count);
        Assert.Null(second.NextCursor);
        Assert.All(first.Records.Concat(second.Records), r => Assert.Equal("login", r.Item.Route));
    }

    [Fact]
    public async Task A_target_keeps_at_most_MaxDeadPerTarget_dead_letters_dropping_the_oldest()
    {
        var items = Enumerable.Range(0, 12).Select(i => Item(i, "bot", "r")).ToList();
        await _sqlite.AddAsync(items, CancellationToken.None);
        var dropped = 0;
        foreach (var item in items)
        {
            dropped += await _sqlite.DeadLetterAsync(item, maxDeadPerLane: 10, CancellationToken.None);
        }

        var kept = await _sqlite.DeadLettersAsync(new DeadLetterRange(), 100, CancellationToken.None);
        Assert.Equal(2, dropped);
        Assert.Equal(items.Skip(2).Select(i => i.Id), kept.Select(i => i.Id));
    }

    public void Dispose()
    {
        _sqlite.Dispose();
        File.Delete(_path);
    }

    private async Task<List<OutboxItem>> DeadAsync(IOutboxStore store, int count, string target, Func<int, string>? routeOf = null)
    {
        var items = Enumerable.Range(0, count).Select(i => Item(i, target, routeOf?.Invoke(i) ?? "r")).ToList();
        await store.AddAsync(items, CancellationToken.None);
        foreach (var item in items)
        {
            await store.DeadLetterAsync(item, 100_000, CancellationToken.None);
        }

        return items;
    }

    // Creation times 1 ms apart, some equal (every tenth shares its predecessor's), so the cursor's tie-break on the id counts.
    private OutboxItem Item(int i, string target, string route) => OutboxItems.Due(_time, $"{_outboxSeq++:D6}-{Guid.NewGuid():N}", target) with
    {
        Route = route,
        CreatedAtMs = _time.GetUtcNow().ToUnixTimeMilliseconds() + i - (i % 10 == 9 ? 1 : 0),
    };

    private int _outboxSeq;
}
