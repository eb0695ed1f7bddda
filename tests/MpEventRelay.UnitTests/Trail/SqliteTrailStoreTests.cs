using MpEventRelay.Trail;
using static MpEventRelay.TestKit.TrailEvents;

namespace MpEventRelay.UnitTests.Trail;

public sealed class SqliteTrailStoreTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "mprelay-unit", Guid.NewGuid().ToString("N"));
    private readonly SqliteTrailStore _store;

    public SqliteTrailStoreTests() => _store = new SqliteTrailStore(Path.Combine(_directory, "outbox.db"));

    public void Dispose()
    {
        _store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_push_is_found_by_each_filter_with_its_events_in_order()
    {
        await _store.AddAsync(
        [
            DeliveryOf("t1", 1_000, "bot", error: null),
            TryOf("t1", 1_010, "main", "everything-else", "text", "m-1", "h-alice", "replied"),
            TryOf("t2", 2_000, "main", "login", "event/subscribe", null, "h-bob", "delivered"),
            DeliveryOf("t2", 2_005, "idaas", error: "d0 answered 503"),
        ], CancellationToken.None);

        Assert.Equal(["t1"], await Ids(new TrailQuery { OpenIdHashes = ["h-alice"] }));
        Assert.Equal(["t1"], await Ids(new TrailQuery { MsgId = "m-1" }));
        Assert.Equal(["t2"], await Ids(new TrailQuery { Route = "login" }));
        Assert.Equal(["t2"], await Ids(new TrailQuery { Target = "idaas" }));
        Assert.Equal(["t2"], await Ids(new TrailQuery { Outcome = "failed" }));
        Assert.Equal(["t1"], await Ids(new TrailQuery { Outcome = "replied" }));
        Assert.Equal(["t2"], await Ids(new TrailQuery { SinceMs = 1_500 }));
        Assert.Equal(["t1"], await Ids(new TrailQuery { UntilMs = 1_500 }));
        Assert.Equal(["t2", "t1"], await Ids(new TrailQuery { Account = "main" }));
        Assert.Empty(await Ids(new TrailQuery { OpenIdHashes = ["h-carol"] }));

        var t1 = Assert.Single(await _store.FindAsync(new TrailQuery { TrailId = "t1" }, CancellationToken.None));
        Assert.Equal(["delivery", "wechat"], t1.Events.Select(e => e.Kind));
        Assert.Equal("replied", t1.Events[1].Detail);
        Assert.Equal("bot", t1.Events[0].Target);
    }

    [Fact]
    public async Task Pruning_removes_pushes_past_the_retention_and_beyond_the_size_limit()
    {
        for (var i = 0; i < 10; i++)
        {
            await _store.AddAsync([TryOf($"t{i}", 1_000 * i, "main", "r", "text", null, "h", "replied"), DeliveryOf($"t{i}", 1_000 * i + 1, "bot", null)], CancellationToken.None);
        }

        var removed = await _store.PruneAsync(cutoffMs: 3_000, maxPushes: 5, maxBytes: long.MaxValue, CancellationToken.None);

        Assert.Equal(5, removed); // t0-t2 past the retention, t3-t4 beyond the size
        Assert.Equal(["t9", "t8", "t7", "t6", "t5"], await Ids(new TrailQuery()));
        Assert.Equal(5, await _store.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task The_size_limit_is_a_bound_a_batch_of_several_pushes_goes_whole()
    {
        for (var batch = 0; batch < 3; batch++)
        {
            await _store.AddAsync([TryOf($"a{batch}", 1_000 * batch, "main", "r", "text", null, "h", "replied"), TryOf($"b{batch}", 1_000 * batch + 1, "main", "r", "text", null, "h", "replied")], CancellationToken.None);
        }

        Assert.Equal(4, await _store.PruneAsync(cutoffMs: 0, maxPushes: 3, maxBytes: long.MaxValue, CancellationToken.None));
        Assert.Equal(["b2", "a2"], await Ids(new TrailQuery()));
        Assert.Equal(2, await _store.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Rows_of_one_push_let_the_size_limit_keep_exactly_its_number()
    {
        var events = Enumerable.Range(0, 10).SelectMany(i => new[] { DeliveryOf($"t{i}", 1_000 * i, "bot", null), TryOf($"t{i}", 1_000 * i + 1, "main", "r", "text", null, "h", "replied") }).ToList();
        await _store.AddAsync(events, rowPushes: 1, CancellationToken.None);

        Assert.Equal(3, await _store.PruneAsync(cutoffMs: 0, maxPushes: 7, maxBytes: long.MaxValue, CancellationToken.None));
        Assert.Equal(["t9", "t8", "t7", "t6", "t5", "t4", "t3"], await Ids(new TrailQuery()));
        Assert.All(await _store.FindAsync(new TrailQuery(), CancellationToken.None), t => Assert.Equal(["delivery", "wechat"], t.Events.Select(e => e.Kind)));
    }

    [Fact]
    public async Task The_count_survives_reopening_the_file()
    {
        await _store.AddAsync([TryOf("a", 1_000, "main", "r", "text", null, "h", "replied"), TryOf("a", 6_000, "main", "r", "text", null, "h", "replied"), TryOf("b", 2_000, "main", "r", "text", null, "h", "replied")], CancellationToken.None);

        using var reopened = new SqliteTrailStore(Path.Combine(_directory, "outbox.db"));

        Assert.Equal(2, await reopened.CountAsync(CancellationToken.None));
        Assert.Equal(["b", "a"], (await reopened.FindAsync(new TrailQuery(), CancellationToken.None)).Select(t => t.Id));
    }

    [Fact]
    public async Task A_search_with_a_limit_returns_the_newest_pushes_whole_their_earlier_and_later_events_in_other_batches_included()
    {
        // Batches a minute apart; each push's delivery is stored a batch before WeChat's answer (the answer waited for
        // it), and push 0 is retried by the outbox four batches later.
        const long minute = 60_000;
        for (var i = 0; i < 6; i++)
        {
            var events = new List<TrailEvent> { DeliveryOf($"p{i}", minute * i + 59_000, "bot", i == 0 ? "d0 answered 503" : null) };
            if (i > 0)
            {
                events.Add(TryOf($"p{i - 1}", minute * i, "main", "r", "text", $"m-{i - 1}", "h", i - 1 == 0 ? "queued" : "replied"));
            }

            if (i == 4)
            {
                events.Add(DeliveryOf("p0", minute * i + 1, "bot", null) with { Detail = "outbox" });
            }

            await _store.AddAsync(events, CancellationToken.None);
        }

        var newest = await _store.FindAsync(new TrailQuery { Limit = 2 }, CancellationToken.None);
        Assert.Equal(["p4", "p3"], newest.Select(t => t.Id));
        Assert.All(newest, t => Assert.Equal(["delivery", "wechat"], t.Events.Select(e => e.Kind)));
        Assert.Equal(minute * 3 + 59_000, newest[1].ArrivedAt.ToUnixTimeMilliseconds());

        var failed = Assert.Single(await _store.FindAsync(new TrailQuery { Outcome = "failed", Limit = 1 }, CancellationToken.None));
        Assert.Equal("p0", failed.Id);
        Assert.Equal(["delivery", "wechat", "delivery"], failed.Events.Select(e => e.Kind));
        Assert.Equal(["request", null, "outbox"], failed.Events.Select(e => e.Kind == "wechat" ? null : e.Detail));
        Assert.Equal(("m-0", "queued"), (failed.MsgId, failed.Events[1].Detail));
        Assert.Equal(["p2"], await Ids(new TrailQuery { MsgId = "m-2" }));
        Assert.Equal(["p1"], await Ids(new TrailQuery { TrailId = "p1" }));
        Assert.Equal(["p4", "p3"], await Ids(new TrailQuery { SinceMs = minute * 4 }));
    }

    [Fact]
    public async Task WeChat_retries_in_a_later_batch_join_the_push_it_is_described_by_its_first_try()
    {
        await _store.AddAsync([TryOf("p", 1_000, "main", "r", "text", "m-1", "h", "deadline-missed")], CancellationToken.None);
        await _store.AddAsync([TryOf("p", 6_000, "main", "r", "text", "m-1", "h", "replied+reply") with { Attempt = 2 }], CancellationToken.None);

        var push = Assert.Single(await _store.FindAsync(new TrailQuery { Outcome = "replied" }, CancellationToken.None));
        Assert.Equal(1_000, push.ArrivedAt.ToUnixTimeMilliseconds());
        Assert.Equal(["deadline-missed", "replied+reply"], push.Events.Select(e => e.Detail));
        Assert.Equal(["p"], await Ids(new TrailQuery { Outcome = "deadline-missed", UntilMs = 1_000 }));
        Assert.Empty(await Ids(new TrailQuery { SinceMs = 2_000 }));
        Assert.Equal(2, await _store.CountAsync(CancellationToken.None)); // the size limit counts it in each batch it opened
    }

    [Fact]
    public async Task Pruning_keeps_what_is_inside_both_limits_and_removes_everything_past_the_retention()
    {
        await _store.AddAsync([TryOf("a", 1_000, "main", "r", "text", null, "h", "replied"), DeliveryOf("a", 1_001, "bot", null), TryOf("b", 2_000, "main", "r", "text", null, "h", "replied")], CancellationToken.None);

        Assert.Equal(0, await _store.PruneAsync(cutoffMs: 500, maxPushes: 2, maxBytes: long.MaxValue, CancellationToken.None));
        Assert.Equal(2, await _store.CountAsync(CancellationToken.None));
        Assert.Equal(2, await _store.PruneAsync(cutoffMs: 5_000, maxPushes: 2, maxBytes: long.MaxValue, CancellationToken.None));
        Assert.Equal(0, await _store.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Events_of_one_push_written_in_several_batches_join_one_trail_and_keep_their_order()
    {
        await _store.AddAsync([DeliveryOf("p", 1_000, "bot", "d0 answered 503")], CancellationToken.None); // before WeChat's answer is known
        await _store.AddAsync([TryOf("p", 1_100, "main", "everything-else", "text", "m-9", "h-p", "queued")], CancellationToken.None);
        await _store.AddAsync([DeliveryOf("p", 2_000, "bot", null)], CancellationToken.None);

        var push = Assert.Single(await _store.FindAsync(new TrailQuery { TrailId = "p" }, CancellationToken.None));
        Assert.Equal(("main", "everything-else", "text", "m-9", "h-p"), (push.Account, push.Route, push.Kind, push.MsgId, push.OpenIdHash));
        Assert.Equal(1_000, push.ArrivedAt.ToUnixTimeMilliseconds());
        Assert.Equal(["delivery", "wechat", "delivery"], push.Events.Select(e => e.Kind));
        Assert.Equal(["p"], await Ids(new TrailQuery { Outcome = "failed" }));
        Assert.Equal(["p"], await Ids(new TrailQuery { Outcome = "queued" }));
        Assert.Equal(["p"], await Ids(new TrailQuery { Target = "bot" }));
        Assert.Empty(await Ids(new TrailQuery { Target = "bo" }));
    }

    private async Task<List<string>> Ids(TrailQuery query) => (await _store.FindAsync(query, CancellationToken.None)).Select(t => t.Id).ToList();

    [Fact]
    public async Task The_byte_limit_removes_the_oldest_rows_however_few_pushes_they_hold()
    {
        for (var i = 0; i < 10; i++)
        {
            await _store.AddAsync([TryOf($"t{i}", 10_000 + (1_000 * i), "main", "r", "text", null, "h", "replied")], CancellationToken.None); // rows of one size
        }

        var perRow = await _store.BytesAsync(CancellationToken.None) / 10;

        Assert.Equal(7, await _store.PruneAsync(cutoffMs: 0, maxPushes: 1_000, maxBytes: perRow * 3, CancellationToken.None));
        Assert.Equal(["t9", "t8", "t7"], await Ids(new TrailQuery()));
        Assert.Equal(perRow * 3, await _store.BytesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_push_with_thousands_of_events_returns_its_first_try_and_the_newest_500()
    {
        var events = new List<TrailEvent> { TryOf("busy", 1_000, "main", "r", "text", "m-busy", "h", "replied") };
        events.AddRange(Enumerable.Range(1, 1_999).Select(i => DeliveryOf("busy", 1_000 + i, "bot", "d0 answered 503")));
        await _store.AddAsync(events, CancellationToken.None);

        var busy = Assert.Single(await _store.FindAsync(new TrailQuery { MsgId = "m-busy" }, CancellationToken.None));

        Assert.Equal(TrailSearch.MaxEventsPerPush + 1, busy.Events.Count);
        Assert.Equal(1_999 - TrailSearch.MaxEventsPerPush, busy.EventsOmitted);
        Assert.Equal("wechat", busy.Events[0].Kind);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(2_999), busy.Events[^1].At);
    }
}
