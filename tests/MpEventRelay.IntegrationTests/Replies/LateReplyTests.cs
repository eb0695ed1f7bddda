using Microsoft.Extensions.DependencyInjection;
using MpEventRelay.Delivery;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Protocol.Replies;
using MpEventRelay.Simulation;
using Serilog.Core;

namespace MpEventRelay.IntegrationTests.Replies;

/// <summary>
/// A bot slower than the deadline (3 s against 2 s): WeChat gets success in time, and the reply reaches the user
/// once — by a WeChat retry if one comes, else by the customer-service API (WeChat's attempt timeout set to 4 s, so a retry has 2 s after the reply is ready).
/// A 2 s deadline leaves the store its production budget (0.5 s) for the record made at the deadline.
/// </summary>
public sealed class LateReplyTests : IAsyncLifetime
{
    private readonly TargetStub _idaas = new();
    private readonly TargetStub _bot = new();
    private readonly WeChatApiStub _api = new();
    private readonly CapturingSink _logs = new();
    private RelayServer _relay = null!;

    public async Task InitializeAsync()
    {
        _bot.AnswerWith(push => (200, ReplyWriter.Text(push.Open(Keys.Bot).Message, "想了一下：答案是 42 🤖", 1714112446)));
        _bot.Delay(TimeSpan.FromSeconds(3));
        var config = RelayConfig.ModeTwo(_idaas, _bot).WeChatApi(_api, attemptTimeout: "00:00:04").Set("Deadline", "00:00:02");
        _relay = await RelayServer.StartAsync(config.ToJson(), services => services.AddSingleton<ILogEventSink>(_logs), logLevel: "Information");
    }

    public async Task DisposeAsync()
    {
        await _relay.DisposeAsync();
        _idaas.Dispose();
        _bot.Dispose();
        _api.Dispose();
    }

    [Fact]
    public async Task A_reply_after_the_deadline_is_sent_once_by_the_customer_service_API()
    {
        var user = Pushes.NewOpenId();
        var answer = await PushAsync(Pushes.From(user).Text("问个问题", Pushes.NewMsgId()));
        Assert.Equal(200, answer.StatusCode);
        Assert.Null(answer.Reply); // success, in time

        await SettledAsync();
        var call = Assert.Single(_api.Sent);
        Assert.Equal("token-1", call.AccessToken);
        Assert.Equal(user, call.Body.GetProperty("touser").GetString());
        Assert.Equal("text", call.Body.GetProperty("msgtype").GetString());
        Assert.Equal("想了一下：答案是 42 🤖", call.Body.GetProperty("text").GetProperty("content").GetString());
        var token = Assert.Single(_api.TokenRequests);
        Assert.Equal(Keys.AppId, token.GetProperty("appid").GetString());
        Assert.Equal(Keys.AppSecret, token.GetProperty("secret").GetString());
        Assert.Equal("client_credential", token.GetProperty("grant_type").GetString());
        Assert.False(token.GetProperty("force_refresh").GetBoolean());
        Assert.DoesNotContain(_logs.Lines, line => line.Contains(Keys.AppSecret, StringComparison.Ordinal) || line.Contains("token-1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_WeChat_retry_after_the_reply_is_ready_takes_it_passively_and_the_API_sends_nothing()
    {
        var message = Pushes.From().Text("retry me", Pushes.NewMsgId());
        Assert.Null((await PushAsync(message)).Reply);
        Assert.True(await Eventually.TrueAsync(() => _bot.Accepted.Count == 1));

        var retry = await PushAsync(message);

        Assert.Equal("想了一下：答案是 42 🤖", retry.Reply?.Fields.Content);
        await SettledAsync();
        Assert.Empty(_api.Sent);
        Assert.Contains(_logs.Lines, line => line.Contains("taken by a WeChat retry", StringComparison.Ordinal));
        Assert.Single(_bot.Received);
    }

    [Fact]
    public async Task A_hundred_late_replies_use_one_access_token()
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => PushAsync(Pushes.From().Text($"q{i}", Pushes.NewMsgId()))));

        Assert.All(answers, a => Assert.Equal(200, a.StatusCode));
        await SettledAsync();
        Assert.Equal(100, _api.Sent.Count);
        Assert.Single(_api.TokenRequests);
        Assert.All(_api.Sent, call => Assert.Equal("token-1", call.AccessToken));
    }

    [Fact]
    public async Task A_refused_token_is_refreshed_once_and_the_message_sent_again()
    {
        _api.AnswerSendWith(call => call.AccessToken == "token-1" ? 40001 : 0);

        await PushAsync(Pushes.From().Text("after a token change", Pushes.NewMsgId()));

        await SettledAsync();
        Assert.Equal(["token-1", "token-2"], _api.Sent.Select(c => c.AccessToken));
        Assert.Equal(2, _api.TokenRequests.Count);
    }

    [Theory]
    [InlineData(45015, "48-hour window")]
    [InlineData(45047, "quota")]
    [InlineData(48001, "not authorised")]
    public async Task A_final_error_is_logged_with_its_meaning_and_not_retried(int code, string meaning)
    {
        _api.AnswerSendWith(_ => code);

        await PushAsync(Pushes.From().Text("nobody hears this", Pushes.NewMsgId()));

        await SettledAsync();
        Assert.Single(_api.Sent);
        Assert.Contains(_logs.Lines, line => line.Contains($"could not be sent: {code}", StringComparison.Ordinal) && line.Contains(meaning, StringComparison.Ordinal));
    }

    [Fact]
    public async Task WeChat_busy_is_retried_with_backoff_three_times_then_given_up()
    {
        _api.AnswerSendWith(_ => -1);

        await PushAsync(Pushes.From().Text("busy", Pushes.NewMsgId()));

        await SettledAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(4, _api.Sent.Count);
        Assert.Contains(_logs.Lines, line => line.Contains("could not be sent: -1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_fast_reply_never_touches_the_API()
    {
        _bot.Delay(TimeSpan.Zero);

        var answer = await PushAsync(Pushes.From().Text("quick", Pushes.NewMsgId()));

        Assert.Equal("想了一下：答案是 42 🤖", answer.Reply?.Fields.Content);
        await SettledAsync();
        Assert.Empty(_api.Sent);
        Assert.Empty(_api.TokenRequests);
    }

    private Task<SimulatedReply> PushAsync(byte[] message) =>
        new WeChatPushClient(_relay.Http, Keys.Account).PushAsync(_relay.Url("/wechat/main"), message, EncryptionMode.Secure);

    // Every delivery, late-reply decision and API call has ended: what the stand-in saw is final.
    private async Task SettledAsync(TimeSpan? within = null) =>
        Assert.True(await Eventually.TrueAsync(() => _relay.Services.GetRequiredService<BackgroundDeliveries>().Count == 0, within ?? TimeSpan.FromSeconds(15)), "background work did not end");
}
