using MpEventRelay.IntegrationTests.Infrastructure;

namespace MpEventRelay.IntegrationTests.ApiGateway;

/// <summary>
/// The gateway's limits, in the fast tier (the relay in-process, its management on the push port, WireMock as WeChat's
/// API): a client's rate, WeChat's quota errors, and the force refresh WeChat allows 20 times a day. No other
/// in-process relay uses the gateway, so its series here are this relay's alone (read summed: the exporter also lists
/// other in-process relays' gauges, seen once as a duplicate series).
/// </summary>
public sealed class GatewayLimitsTests : IAsyncLifetime
{
    private const string UserInfo = "/cgi-bin/user/info";
    private readonly TargetStub _idaas = new();
    private readonly TargetStub _bot = new();
    private readonly WeChatApiStub _wechat = new WeChatApiStub().Api(UserInfo, "GET");
    private RelayServer _relay = null!;

    public async Task InitializeAsync() =>
        _relay = await RelayServer.StartAsync(RelayConfig.ModeTwo(_idaas, _bot).WeChatApi(_wechat).ApiGateway(botPermitsPerMinute: 5).ToJson());

    public async Task DisposeAsync()
    {
        await _relay.DisposeAsync();
        _idaas.Dispose();
        _bot.Dispose();
        _wechat.Dispose();
    }

    [Fact]
    public async Task A_client_past_its_calls_a_minute_gets_45011_and_WeChat_never_sees_the_call()
    {
        var bot = new SdkLikeClient(_relay.Http, _relay.BaseAddress, Keys.AppId, Keys.BotClientSecret);

        var codes = new List<int>();
        for (var i = 0; i < 7; i++)
        {
            codes.Add(await bot.ErrorCodeOfAsync(HttpMethod.Get, $"{UserInfo}?openid=o{i}"));
        }

        Assert.Equal([0, 0, 0, 0, 0, 45011, 45011], codes);
        Assert.Equal(5, _wechat.Calls(UserInfo).Count);
        var qr = new SdkLikeClient(_relay.Http, _relay.BaseAddress, Keys.AppId, Keys.QrClientSecret);
        Assert.Equal(48001, await qr.ErrorCodeOfAsync(HttpMethod.Get, $"{UserInfo}?openid=o1")); // its own limit: none; its own list
    }

    [Fact]
    public async Task WeChat_quota_errors_pass_through_unchanged_and_are_counted_apart()
    {
        _wechat.AnswerApisWith(_ => (45009, TimeSpan.Zero));
        var bot = new SdkLikeClient(_relay.Http, _relay.BaseAddress, Keys.AppId, Keys.BotClientSecret);

        Assert.Equal(45009, await bot.ErrorCodeOfAsync(HttpMethod.Get, $"{UserInfo}?openid=o1"));

        var metrics = PrometheusText.ParseSummed(await _relay.Http.GetStringAsync("/metrics"));
        Assert.Equal(1, metrics.Sum("mprelay_gateway_quota_errors_total", ("client", "bot"), ("api", UserInfo), ("code", "45009")));
        Assert.Single(_wechat.Calls(UserInfo));
    }

    [Fact]
    public async Task A_dead_token_that_normal_mode_hands_back_is_force_refreshed_once_then_not_within_30_s()
    {
        // Normal mode keeps answering the token WeChat refuses (replaced by someone's force refresh); a force refresh
        // gets a live one, which WeChat refuses in turn for the second round.
        var current = "dead"; // as WeChat does: normal mode hands out the current token, a force refresh replaces it
        _wechat.AnswerTokensWith((n, force) => force ? current = $"forced-{n}" : current);
        _wechat.AnswerApisWith(call => (call.AccessToken.StartsWith("forced-", StringComparison.Ordinal) && call.Number == 2 ? 0 : 40001, TimeSpan.Zero));
        var bot = new SdkLikeClient(_relay.Http, _relay.BaseAddress, Keys.AppId, Keys.BotClientSecret);

        Assert.Equal(0, await bot.ErrorCodeOfAsync(HttpMethod.Get, $"{UserInfo}?openid=o1"));
        Assert.Equal([false, false, true], _wechat.TokenRequests.Select(r => r.GetProperty("force_refresh").GetBoolean()));
        Assert.Equal(["dead", "forced-3"], _wechat.Calls(UserInfo).Select(c => c.AccessToken));

        // forced-3 now refused too, and normal mode hands it back: no second force refresh within 30 s.
        Assert.Equal(40001, await bot.ErrorCodeOfAsync(HttpMethod.Get, $"{UserInfo}?openid=o2"));
        Assert.Single(_wechat.TokenRequests, r => r.GetProperty("force_refresh").GetBoolean());
        var metrics = PrometheusText.ParseSummed(await _relay.Http.GetStringAsync("/metrics"));
        Assert.Equal(1, metrics.Sum("mprelay_token_force_refreshes_total", ("outcome", "done")));
        Assert.Equal(1, metrics.Sum("mprelay_token_force_refreshes_total", ("outcome", "too-soon")));
    }
}
