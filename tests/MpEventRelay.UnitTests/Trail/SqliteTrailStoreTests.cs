using MpEventRelay.Trail;

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
            Delivery("t1", 1_000, "bot", error: null),
            Try("t1", 1_010, "main", "everything-else", "text", "m-1", "h-alice", "replied"),
            Try("t2", 2_000, "main", "login", "event/subscribe", null, "h-bob", "delivered"),
            Delivery("t2", 2_005, "idaas", error: "d0 answered 503"),
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
        var events = Enumerable.Range(0, 10).SelectMany(i => new[] { Try($"t{i}", 1_000 * i, "main", "r", "text", null, "h", "replied"), Delivery($"t{i}", 1_000 * i + 1, "bot", null) }).ToList();
        await _store.AddAsync(events, CancellationToken.None);

        var removed = await _store.PruneAsync(cutoffMs: 3_000, maxPushes: 5, CancellationToken.None);

        Assert.Equal(5, removed);
        Assert.Equal(["t9", "t8", "t7", "t6", "t5"], await Ids(new TrailQuery()));
        Assert.Equal(5, await _store.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Pruning_keeps_what_is_inside_both_limits_and_removes_everything_past_the_retention()
    {
        await _store.AddAsync([Try("a", 1_000, "main", "r", "text", null, "h", "replied"), Delivery("a", 1_001, "bot", null), Try("b", 2_000, "main", "r", "text", null, "h", "replied")], CancellationToken.None);

        Assert.Equal(0, await _store.PruneAsync(cutoffMs: 500, maxPushes: 2, CancellationToken.None));
        Assert.Equal(2, await _store.CountAsync(CancellationToken.None));
        Assert.Equal(2, await _store.PruneAsync(cutoffMs: 5_000, maxPushes: 2, CancellationToken.None));
        Assert.Equal(0, await _store.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Events_of_one_push_written_in_several_batches_join_one_row_and_keep_their_order()
    {
        await _store.AddAsync([Delivery("p", 1_000, "bot", "d0 answered 503")], CancellationToken.None); // before WeChat's answer is known
        await _store.AddAsync([Try("p", 1_100, "main", "everything-else", "text", "m-9", "h-p", "queued")], CancellationToken.None);
        await _store.AddAsync([Delivery("p", 2_000, "bot", null)], CancellationToken.None);

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

    private static TrailEvent Try(string id, long at, string account, string route, string kind, string? msgId, string openIdHash, string outcome) =>
        new(id, at, TrailEventKind.WeChatTry) { Account = account, Route = route, MessageKind = kind, MsgId = msgId, OpenIdHash = openIdHash, Status = 200, Attempt = 1, Detail = outcome };

    private static TrailEvent Delivery(string id, long at, string target, string? error) =>
        new(id, at, TrailEventKind.Delivery) { Target = target, Destination = "d0", Status = error is null ? 200 : 503, LatencyMs = 3, Error = error, Detail = "request" };
}
