using Microsoft.Extensions.DependencyInjection;
using MpEventRelay.Delivery;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Protocol.Replies;
using MpEventRelay.Simulation;

namespace MpEventRelay.IntegrationTests.Replies;

/// <summary>
/// A bot slower than the deadline (3 s against 2 s): WeChat gets success in time, and the reply reaches the user
/// once — by a WeChat retry if one comes, else by the customer-service API (WeChat's attempt timeout set to 4 s, so a retry has 2 s after the reply is ready).
/// A 2 s deadline leaves the store its production budget (0.5 s) for the record made at the deadline.
/// </summary>
public sealed class LateReplyTests : ModeTwoRelayTests
{
    internal override string LogLevel => "Information";

    internal override RelayConfig Configure(RelayConfig config)
    {
        Bot.AnswerWith(push => (200, ReplyWriter.Text(push.Open(Keys.Bot).Message, "想了一下：答案是 42 🤖", 1714112446)));
        Bot.Delay(TimeSpan.FromSeconds(3));
        return config.WeChatApi(Api, attemptTimeout: "00:00:04").Set("Deadline", "00:00:02");
    }

    [Fact]
    public async Task A_reply_after_the_deadline_is_sent_once_by_the_customer_service_API()
    {
        var user = Pushes.NewOpenId();
        var answer = await PushAsync(Pushes.From(user).Text("问个问题", Pushes.NewMsgId()));
        Assert.Equal(200, answer.StatusCode);
        Assert.Null(answer.Reply); // success, in time

        await SettledAsync();
        var call = Assert.Single(Api.Sent);
        Assert.Equal("token-1", call.AccessToken);
        Assert.Equal(user, call.Body.GetProperty("touser").GetString());
        Assert.Equal("text", call.Body.GetProperty("msgtype").GetString());
        Assert.Equal("想了一下：答案是 42 🤖", call.Body.GetProperty("text").GetProperty("content").GetString());
        var token = Assert.Single(Api.TokenRequests);
        Assert.Equal(Keys.AppId, token.GetProperty("appid").GetString());
        Assert.Equal(Keys.AppSecret, token.GetProperty("secret").GetString());
        Assert.Equal("client_credential", token.GetProperty("grant_type").GetString());
        Assert.False(token.GetProperty("force_refresh").GetBoolean());
        Assert.DoesNotContain(Logs.Lines, line => line.Contains(Keys.AppSecret, StringComparison.Ordinal) || line.Contains("token-1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_WeChat_retry_after_the_reply_is_ready_takes_it_passively_and_the_API_sends_nothing()
    {
        var message = Pushes.From().Text("retry me", Pushes.NewMsgId());
        Assert.Null((await PushAsync(message)).Reply);
        Assert.True(await Eventually.TrueAsync(() => Bot.Accepted.Count == 1));

        var retry = await PushAsync(message);

        Assert.Equal("想了一下：答案是 42 🤖", retry.Reply?.Fields.Content);
        await SettledAsync();
        Assert.Empty(Api.Sent);
        Assert.Contains(Logs.Lines, line => line.Contains("taken by a WeChat retry", StringComparison.Ordinal));
        Assert.Single(Bot.Received);
    }

    [Fact]
    public async Task A_hundred_late_replies_use_one_access_token()
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => PushAsync(Pushes.From().Text($"q{i}", Pushes.NewMsgId()))));

        Assert.All(answers, a => Assert.Equal(200, a.StatusCode));
        await SettledAsync();
        Assert.Equal(100, Api.Sent.Count);
        Assert.Single(Api.TokenRequests);
        Assert.All(Api.Sent, call => Assert.Equal("token-1", call.AccessToken));
    }

    [Fact]
    public async Task A_refused_token_is_refreshed_once_and_the_message_sent_again()
    {
        Api.AnswerSendWith(call => call.AccessToken == "token-1" ? 40001 : 0);

        await PushAsync(Pushes.From().Text("after a token change", Pushes.NewMsgId()));

        await SettledAsync();
        Assert.Equal(["token-1", "token-2"], Api.Sent.Select(c => c.AccessToken));
        Assert.Equal(2, Api.TokenRequests.Count);
    }

    [Theory]
    [InlineData(45015, "48-hour window")]
    [InlineData(45047, "quota")]
    [InlineData(48001, "not authorised")]
    public async Task A_final_error_is_logged_with_its_meaning_and_not_retried(int code, string meaning)
    {
        Api.AnswerSendWith(_ => code);

        await PushAsync(Pushes.From().Text("nobody hears this", Pushes.NewMsgId()));

        await SettledAsync();
        Assert.Single(Api.Sent);
        Assert.Contains(Logs.Lines, line => line.Contains($"could not be sent: {code}", StringComparison.Ordinal) && line.Contains(meaning, StringComparison.Ordinal));
    }

    [Fact]
    public async Task WeChat_busy_is_retried_with_backoff_three_times_then_given_up()
    {
        Api.AnswerSendWith(_ => -1);

        await PushAsync(Pushes.From().Text("busy", Pushes.NewMsgId()));

        await SettledAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(4, Api.Sent.Count);
        Assert.Contains(Logs.Lines, line => line.Contains("could not be sent: -1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_fast_reply_never_touches_the_API()
    {
        Bot.Delay(TimeSpan.Zero);

        var answer = await PushAsync(Pushes.From().Text("quick", Pushes.NewMsgId()));

        Assert.Equal("想了一下：答案是 42 🤖", answer.Reply?.Fields.Content);
        await SettledAsync();
        Assert.Empty(Api.Sent);
        Assert.Empty(Api.TokenRequests);
    }

    private Task<SimulatedReply> PushAsync(byte[] message) =>
        new WeChatPushClient(Relay.Http, Keys.Account).PushAsync(Relay.Url("/wechat/main"), message, EncryptionMode.Secure);

    // Every delivery, late-reply decision and API call has ended: what the stand-in saw is final.
    private async Task SettledAsync(TimeSpan? within = null) =>
        Assert.True(await Eventually.TrueAsync(() => Relay.Services.GetRequiredService<BackgroundDeliveries>().Count == 0, within ?? TimeSpan.FromSeconds(15)), "background work did not end");
}
