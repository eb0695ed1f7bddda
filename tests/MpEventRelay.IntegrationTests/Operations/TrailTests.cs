using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Protocol.Replies;
using MpEventRelay.Simulation;
using MpEventRelay.Trail;

namespace MpEventRelay.IntegrationTests.Operations;

/// <summary>"What happened to this user's push?" — answered from the trail, found by OpenID, MsgId or outcome.</summary>
public sealed class TrailTests : IAsyncLifetime
{
    private const string AdminKey = "trail-test-admin-key-0123456789ab";
    private readonly TargetStub _idaas = new();
    private readonly TargetStub _bot = new();
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "mprelay-tests", "trail-" + Guid.NewGuid().ToString("N"));
    private RelayServer _relay = null!;

    public async Task InitializeAsync()
    {
        _bot.AnswerWith(push => (200, ReplyWriter.Text(push.Open(Keys.Bot).Message, "got it", 1714112446)));
        var config = RelayConfig.ModeTwo(_idaas, _bot).FastRetries(expiry: "00:00:01").AdminKey(AdminKey).SqlitePath(Path.Combine(_directory, "outbox.db"))
            .Set("Trail", new JsonObject { ["MaxPushes"] = 100 });
        _relay = await RelayServer.StartAsync(config.ToJson());
        _relay.Http.DefaultRequestHeaders.Add("X-Admin-Key", AdminKey);
    }

    public async Task DisposeAsync()
    {
        await _relay.DisposeAsync();
        _idaas.Dispose();
        _bot.Dispose();
    }

    [Fact]
    public async Task A_login_a_text_and_a_failing_target_leave_trails_found_by_OpenID_MsgId_and_outcome_and_the_store_holds_no_OpenID_or_content()
    {
        var user = Pushes.NewOpenId();
        const string content = "trail secret content 24680";
        var msgId = Pushes.NewMsgId();
        var wechat = new WeChatPushClient(_relay.Http, Keys.Account);
        await wechat.PushAsync(_relay.Url("/wechat/main"), Pushes.From(user).Subscribe("login_trail"), EncryptionMode.Secure);
        await wechat.PushAsync(_relay.Url("/wechat/main"), Pushes.From(user).Text(content, msgId), EncryptionMode.Secure);
        _bot.AnswerWith(_ => (503, "down"u8.ToArray()));
        await wechat.PushAsync(_relay.Url("/wechat/main"), Pushes.From(user).Click("FAILS"), EncryptionMode.Secure);

        // The writer stores off the request path: wait for the three pushes' trails.
        JsonElement[] trails = [];
        Assert.True(await Eventually.TrueAsync(() => (trails = Find($"openid={user}")).Length == 3));
        Assert.Equal(["event/CLICK", "text", "event/subscribe"], trails.Select(t => t.GetProperty("kind").GetString()));

        var login = trails[2];
        Assert.Equal("login", login.GetProperty("route").GetString());
        var loginEvents = login.GetProperty("events").EnumerateArray().ToList();
        Assert.Contains(loginEvents, e => e.GetProperty("kind").GetString() == "delivery" && e.GetProperty("target").GetString() == "idaas" && e.GetProperty("status").GetInt32() == 200);
        Assert.Contains(loginEvents, e => e.GetProperty("kind").GetString() == "delivery" && e.GetProperty("target").GetString() == "bot");
        Assert.Contains(loginEvents, e => e.GetProperty("kind").GetString() == "wechat" && e.GetProperty("status").GetInt32() == 200);

        var byMsgId = Assert.Single(Find($"msgid={msgId}"));
        Assert.Contains(byMsgId.GetProperty("events").EnumerateArray(), e => e.GetProperty("kind").GetString() == "wechat" && e.GetProperty("detail").GetString() == "replied+reply");

        var failed = Assert.Single(Find($"openid={user}&outcome=failed"));
        Assert.Equal("event/CLICK", failed.GetProperty("kind").GetString());
        Assert.Contains(failed.GetProperty("events").EnumerateArray(), e => e.GetProperty("kind").GetString() == "delivery" && e.GetProperty("status").GetInt32() == 503 && e.GetProperty("error").GetString()!.Contains("503"));

        // Nothing in the store reveals the user, the message or a secret.
        var trailFile = _relay.Services.GetRequiredService<SqliteTrailStore>().FilePath;
        Assert.Equal(Path.Combine(_directory, "outbox-trail.db"), trailFile);
        var stored = File.ReadAllBytes(trailFile).Concat(File.Exists(trailFile + "-wal") ? File.ReadAllBytes(trailFile + "-wal") : []).ToArray();
        var text = Encoding.UTF8.GetString(stored);
        foreach (var secret in new[] { user, content, "login_trail", "FAILS", "got it", Keys.AccountToken, Keys.AccountKey, Keys.BotToken, Keys.BotKey, Keys.IdaasToken, Keys.IdaasKey })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_size_limit_holds_under_a_bounded_load()
    {
        var wechat = new WeChatPushClient(_relay.Http, Keys.Account);
        await Task.WhenAll(Enumerable.Range(0, 150).Select(i => wechat.PushAsync(_relay.Url("/wechat/main"), Pushes.From().Text($"load {i}", Pushes.NewMsgId()), EncryptionMode.Secure)));
        var store = _relay.Services.GetRequiredService<SqliteTrailStore>();
        Assert.True(await Eventually.TrueAsync(() => store.CountAsync(CancellationToken.None).Result >= 150));

        await _relay.Services.GetRequiredService<TrailWriter>().PruneAsync(CancellationToken.None);

        Assert.Equal(100, await store.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Replay_by_id_and_since_a_time_with_a_dry_run_delivers_each_failed_delivery_once_when_the_target_is_back()
    {
        _bot.AnswerWith(_ => (503, "down"u8.ToArray()));
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var wechat = new WeChatPushClient(_relay.Http, Keys.Account);
        var messages = Enumerable.Range(0, 3).Select(i => Pushes.From().Text($"while down {i}", Pushes.NewMsgId())).ToList();
        foreach (var message in messages)
        {
            await wechat.PushAsync(_relay.Url("/wechat/main"), message, EncryptionMode.Secure);
        }

        // Expiry 1 s: the failed deliveries become dead letters.
        Assert.True(await Eventually.TrueAsync(() => _relay.Http.GetFromJsonAsync<JsonElement[]>("/admin/dead-letters").Result!.Length == 3, TimeSpan.FromSeconds(15)));
        var attemptsWhileDown = _bot.Received.Count;

        var dryRun = await Replay($"/admin/replay?target=bot&since={Uri.EscapeDataString(since.ToString("O"))}&dryRun=true");
        Assert.Equal(3, dryRun.GetProperty("count").GetInt32());
        Assert.All(dryRun.GetProperty("deliveries").EnumerateArray(), d => Assert.False(d.GetProperty("replayed").GetBoolean()));
        Assert.Equal(3, (await _relay.Http.GetFromJsonAsync<JsonElement[]>("/admin/dead-letters"))!.Length);

        _bot.AnswerWith(_ => (200, "success"u8.ToArray()));
        var oneId = dryRun.GetProperty("deliveries")[0].GetProperty("trailId").GetString()!;
        var one = await Replay($"/admin/trail/{oneId}/replay");
        Assert.Equal(1, one.GetProperty("count").GetInt32());
        var rest = await Replay($"/admin/replay?target=bot&since={Uri.EscapeDataString(since.ToString("O"))}");
        Assert.Equal(2, rest.GetProperty("count").GetInt32()); // the first is no longer a dead letter

        Assert.True(await Eventually.TrueAsync(() => DeliveryCount.Of(messages, _bot.Accepted, Keys.Bot).Delivered == 3));
        Assert.True(await Eventually.TrueAsync(() => _relay.Http.GetFromJsonAsync<JsonElement[]>("/admin/dead-letters").Result!.Length == 0));
        var counts = DeliveryCount.Of(messages, _bot.Accepted, Keys.Bot);
        Assert.Equal(0, counts.Duplicated);
        Assert.True(_bot.Received.Count - attemptsWhileDown == 3, "the dry run sent nothing; each replay sent once");
    }

    private JsonElement[] Find(string query) => _relay.Http.GetFromJsonAsync<JsonElement[]>("/admin/trail?" + query).GetAwaiter().GetResult()!;

    private async Task<JsonElement> Replay(string path)
    {
        using var response = await _relay.Http.PostAsync(path, null);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
