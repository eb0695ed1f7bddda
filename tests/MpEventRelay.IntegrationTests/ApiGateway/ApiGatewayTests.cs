using System.Net;
using MpEventRelay.IntegrationTests.Infrastructure;

namespace MpEventRelay.IntegrationTests.ApiGateway;

/// <summary>
/// WeChat's API through the relay, as the merchant's services use it: the relay's own process (management listener,
/// configuration from a file), WireMock as WeChat's API, SDK-shaped clients that know only the relay's address and
/// their client secret.
/// </summary>
public sealed class ApiGatewayTests : IDisposable
{
    private const string UserInfo = "/cgi-bin/user/info";
    private const string QrCode = "/cgi-bin/qrcode/create";
    private const string CustomSend = "/cgi-bin/message/custom/send";
    private readonly TargetStub _idaas = new();
    private readonly TargetStub _bot = new();
    private readonly WeChatApiStub _wechat = new WeChatApiStub().Api(UserInfo, "GET").Api(QrCode);
    private readonly HttpClient _http = new();

    public void Dispose()
    {
        _idaas.Dispose();
        _bot.Dispose();
        _wechat.Dispose();
        _http.Dispose();
    }

    [Fact]
    public async Task Two_clients_share_one_WeChat_token_and_each_calls_only_its_own_apis()
    {
        using var relay = await StartAsync(RelayConfig.ModeTwo(_idaas, _bot).WeChatApi(_wechat).ApiGateway());
        var bot = new SdkLikeClient(_http, relay.ManagementAddress, Keys.AppId, Keys.BotClientSecret);
        var qr = new SdkLikeClient(_http, relay.ManagementAddress, Keys.AppId, Keys.QrClientSecret, stableToken: true);

        var botToken = await bot.FetchTokenAsync();
        var qrToken = await qr.FetchTokenAsync();
        Assert.Equal(7200, botToken.GetProperty("expires_in").GetInt32());
        Assert.Equal(7200, qrToken.GetProperty("expires_in").GetInt32());
        Assert.NotEqual(bot.Token, qr.Token);
        Assert.Empty(_wechat.TokenRequests); // issuing a client's token never calls WeChat

        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => i % 2 == 0
            ? bot.CallAsync(HttpMethod.Get, $"{UserInfo}?openid=o{i}&lang=zh_CN")
            : qr.CallAsync(HttpMethod.Post, QrCode, new { expire_seconds = 300, action_name = "QR_STR_SCENE", action_info = new { scene = new { scene_str = $"login-{i}" } } })));
        foreach (var (response, json) in answers)
        {
            using (response)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("wechat", response.Headers.GetValues("X-Stub").Single()); // WeChat's answer, headers and all
                Assert.Equal(0, json.GetProperty("errcode").GetInt32());
            }
        }

        Assert.Single(_wechat.TokenRequests);
        var calls = _wechat.Calls(UserInfo).Concat(_wechat.Calls(QrCode)).ToArray();
        Assert.Equal(100, calls.Length);
        Assert.All(calls, call => Assert.Equal("token-1", call.AccessToken)); // the relay's token, never the client's
        Assert.Equal(50, _wechat.Calls(QrCode).Count);
        Assert.Contains(_wechat.Calls(UserInfo), call => call.Number == 1);

        // What no client may do: nothing of it reaches WeChat.
        var before = _wechat.Requests;
        Assert.Equal(48001, await bot.ErrorCodeOfAsync(HttpMethod.Post, QrCode, new { action_name = "QR_LIMIT_STR_SCENE" }));
        Assert.Equal(48001, await qr.ErrorCodeOfAsync(HttpMethod.Get, $"{UserInfo}?openid=o1"));
        Assert.Equal(48001, await bot.ErrorCodeOfAsync(HttpMethod.Post, "/cgi-bin/menu/create", new { button = Array.Empty<object>() }));
        var stranger = new SdkLikeClient(_http, relay.ManagementAddress, Keys.AppId, Keys.AppSecret);
        Assert.Equal(40125, (await stranger.FetchTokenAsync()).GetProperty("errcode").GetInt32()); // the real AppSecret is no client secret
        Assert.Equal(40013, (await new SdkLikeClient(_http, relay.ManagementAddress, "wxsomeoneelse", Keys.BotClientSecret).FetchTokenAsync()).GetProperty("errcode").GetInt32());
        Assert.Equal(40001, await Forged(bot.Token!).ErrorCodeOfAsync(HttpMethod.Get, $"{UserInfo}?openid=o1"));
        Assert.Equal(40001, await Forged("token-1").ErrorCodeOfAsync(HttpMethod.Get, $"{UserInfo}?openid=o1")); // WeChat's own token is refused too
        Assert.Equal(before, _wechat.Requests);

        // The push port, the one WeChat and the internet reach, has no gateway.
        using var onPushPort = await _http.GetAsync(relay.Url($"{UserInfo}?openid=o1&access_token={bot.Token}"));
        Assert.Equal(HttpStatusCode.NotFound, onPushPort.StatusCode);
        Assert.Equal(before, _wechat.Requests);

        var metrics = PrometheusText.Parse(await _http.GetStringAsync(new Uri(relay.ManagementAddress, "/metrics")));
        Assert.Equal(50, metrics.Sum("mprelay_gateway_calls_total", ("client", "bot"), ("api", UserInfo), ("code", "0"), ("by", "wechat")));
        Assert.Equal(2, metrics.Sum("mprelay_gateway_calls_total", ("client", "bot"), ("code", "48001"), ("by", "relay")));

        SdkLikeClient Forged(string token) =>
            new SdkLikeClient(_http, relay.ManagementAddress, Keys.AppId, "unused").WithToken(token[..^2] + (token[^1] == 'A' ? "BB" : "AA"));
    }

    [Fact]
    public async Task Twenty_calls_refused_for_the_token_make_one_refresh_and_each_is_made_once_more()
    {
        _wechat.AnswerApisWith(call => (call.AccessToken == "token-1" ? 40001 : 0, TimeSpan.Zero));
        _wechat.AnswerSendWith(call => call.AccessToken == "token-1" ? 40001 : 0);
        using var relay = await StartAsync(RelayConfig.ModeTwo(_idaas, _bot).WeChatApi(_wechat).ApiGateway());
        var bot = new SdkLikeClient(_http, relay.ManagementAddress, Keys.AppId, Keys.BotClientSecret);
        await bot.FetchTokenAsync();

        var codes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => bot.ErrorCodeOfAsync(HttpMethod.Get, $"{UserInfo}?openid=o{i}")));

        Assert.All(codes, code => Assert.Equal(0, code));
        Assert.Equal(2, _wechat.TokenRequests.Count); // the first token, and one refresh for all twenty
        Assert.Equal(20, _wechat.Calls(UserInfo).Count(call => call.AccessToken == "token-2"));
        Assert.Equal(20, _wechat.Calls(UserInfo).Count(call => call.AccessToken == "token-1"));

        // A message refused for its token was not sent: it is sent once more, with the new token, and once only.
        _wechat.AnswerSendWith(call => call.AccessToken == "token-2" ? 40001 : 0);
        Assert.Equal(0, await bot.ErrorCodeOfAsync(HttpMethod.Post, CustomSend, new { touser = "o1", msgtype = "text", text = new { content = "hello" } }));
        Assert.Equal(["token-2", "token-3"], _wechat.Sent.Select(call => call.AccessToken));
    }

    [Fact]
    public async Task A_call_WeChat_answers_too_late_is_not_made_again()
    {
        _wechat.DelaySendBy(TimeSpan.FromSeconds(3));
        var config = RelayConfig.ModeTwo(_idaas, _bot).WeChatApi(_wechat).ApiGateway();
        config.Set("WeChatApi", new System.Text.Json.Nodes.JsonObject { ["BaseAddress"] = _wechat.BaseAddress, ["CallTimeout"] = "00:00:01" });
        using var relay = await StartAsync(config);
        var bot = new SdkLikeClient(_http, relay.ManagementAddress, Keys.AppId, Keys.BotClientSecret);

        var (response, _) = await bot.CallAsync(HttpMethod.Post, CustomSend, new { touser = "o1", msgtype = "text", text = new { content = "maybe sent" } });

        using (response)
        {
            Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        }

        Assert.Single(_wechat.Sent); // it may have been carried out: never sent twice
    }

    [Fact]
    public async Task Two_replicas_on_Redis_share_one_token_and_each_accepts_the_others_client_tokens()
    {
        using var redis = OwnRedisServer.Start();
        var prefix = $"t{Guid.NewGuid():N}:";
        using var first = await RelayProcess.StartReplicaAsync(RelayConfig.ModeTwo(_idaas, _bot).WeChatApi(_wechat).ApiGateway(), redis.Configuration, prefix);
        using var second = await RelayProcess.StartReplicaAsync(RelayConfig.ModeTwo(_idaas, _bot).WeChatApi(_wechat).ApiGateway(), redis.Configuration, prefix);
        var viaFirst = new SdkLikeClient(_http, first.ManagementAddress, Keys.AppId, Keys.BotClientSecret);
        await viaFirst.FetchTokenAsync();
        var viaSecond = new SdkLikeClient(_http, second.ManagementAddress, Keys.AppId, "unused").WithToken(viaFirst.Token!);

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(0, await (i % 2 == 0 ? viaFirst : viaSecond).ErrorCodeOfAsync(HttpMethod.Get, $"{UserInfo}?openid=o{i}"));
        }

        Assert.Single(_wechat.TokenRequests);
        Assert.All(_wechat.Calls(UserInfo), call => Assert.Equal("token-1", call.AccessToken));
    }

    [Fact]
    public async Task Logs_at_Verbose_name_client_and_api_and_hold_no_token_or_secret()
    {
        _wechat.AnswerTokensWith((n, _) => $"REALwechatTOKEN{n}x");
        _wechat.AnswerApisWith(call => (call.AccessToken == "REALwechatTOKEN1x" ? 40001 : 0, TimeSpan.Zero));
        using var relay = await StartAsync(RelayConfig.ModeTwo(_idaas, _bot).WeChatApi(_wechat).ApiGateway(), new Dictionary<string, string>
        {
            ["Serilog__MinimumLevel__Default"] = "Verbose",
        });
        var bot = new SdkLikeClient(_http, relay.ManagementAddress, Keys.AppId, Keys.BotClientSecret);
        var qr = new SdkLikeClient(_http, relay.ManagementAddress, Keys.AppId, Keys.QrClientSecret, stableToken: true);
        Assert.Equal(0, await bot.ErrorCodeOfAsync(HttpMethod.Get, $"{UserInfo}?openid=o1"));
        Assert.Equal(0, await qr.ErrorCodeOfAsync(HttpMethod.Post, QrCode, new { action_name = "QR_STR_SCENE" }));
        Assert.Equal(48001, await qr.ErrorCodeOfAsync(HttpMethod.Get, $"{UserInfo}?openid=o1"));
        await new SdkLikeClient(_http, relay.ManagementAddress, Keys.AppId, Keys.BotClientSecret + "x").FetchTokenAsync();
        Assert.True(await Eventually.TrueAsync(() => relay.Output.Contains("refused qr GET /cgi-bin/user/info", StringComparison.Ordinal)), relay.Output);

        var output = relay.Output;
        Assert.Contains("API gateway: bot GET /cgi-bin/user/info → WeChat 0", output, StringComparison.Ordinal);
        Assert.Contains(" VRB] ", output, StringComparison.Ordinal); // the lowest level really was on
        foreach (var secret in new[] { "REALwechatTOKEN1x", "REALwechatTOKEN2x", Keys.AppSecret, Keys.BotClientSecret, Keys.QrClientSecret, bot.Token!, qr.Token! })
        {
            Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
        }
    }

    private static Task<RelayProcess> StartAsync(RelayConfig config, IReadOnlyDictionary<string, string>? environment = null) =>
        RelayProcess.StartAsync(RelayProcess.NewWorkDirectory(), config.ToJson(), environment);
}
