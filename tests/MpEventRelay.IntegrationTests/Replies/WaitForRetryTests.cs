using Microsoft.Extensions.DependencyInjection;
using MpEventRelay.Delivery;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol.Replies;

namespace MpEventRelay.IntegrationTests.Replies;

/// <summary>
/// A route with WaitForRetry, WeChat's timing scaled down (3 s per attempt, deadline 1.5 s: the last attempt's answer
/// has 1.5 s of room on a loaded machine): the first attempts are held open for a slow bot, the last is answered in
/// time, and the customer-service API delivers what is later still.
/// </summary>
[Collection(TimingCollection.Name)] // WeChat's attempts are timed: run alone, not beside other classes' load
public sealed class WaitForRetryTests : ModeTwoRelayTests
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(3);
    internal override string LogLevel => "Information";

    internal override RelayConfig Configure(RelayConfig config)
    {
        Bot.AnswerWith(push => (200, ReplyWriter.Text(push.Open(Keys.Bot).Message, "慢慢想好了", 1714112446)));
        return config.WeChatApi(Api, attemptTimeout: "00:00:03").Set("Deadline", "00:00:01.5").Route("everything-else", "WaitForRetry", true);
    }

    [Fact]
    public async Task A_bot_slower_than_one_attempt_answers_WeChats_second_attempt_passively()
    {
        Bot.Delay(TimeSpan.FromSeconds(4)); // inside WeChat's second attempt (3–6 s)

        var (attempt, answer) = await new RetryingWeChat(Relay.Url("/wechat/main"), AttemptTimeout).PushAsync(Pushes.From().Text("slow question", Pushes.NewMsgId()));

        Assert.Equal(2, attempt);
        Assert.Equal("慢慢想好了", answer?.Reply?.Fields.Content);
        await SettledAsync();
        Assert.Empty(Api.Sent);
        Assert.Single(Bot.Received);
        // The logs say what happened: the first try held (not "WeChat gets success"), the second replied.
        Assert.Contains(Logs.Lines, l => l.Contains("is held open for its retry", StringComparison.Ordinal));
        Assert.DoesNotContain(Logs.Lines, l => l.Contains("WeChat gets success", StringComparison.Ordinal));
        Assert.Contains(Logs.Lines, l => l.Contains("/wechat/main", StringComparison.Ordinal) && l.Contains("outcome held", StringComparison.Ordinal));
        Assert.Contains(Logs.Lines, l => l.Contains("/wechat/main", StringComparison.Ordinal) && l.Contains("outcome replied", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bot_slower_than_every_attempt_gets_the_last_answered_in_time_and_its_reply_sent_by_the_API()
    {
        Bot.Delay(TimeSpan.FromSeconds(10)); // after WeChat's last attempt (6–9 s)

        var (attempt, answer) = await new RetryingWeChat(Relay.Url("/wechat/main"), AttemptTimeout).PushAsync(Pushes.From().Text("very slow question", Pushes.NewMsgId()));

        Assert.Equal(3, attempt);
        Assert.Null(answer?.Reply); // success, inside WeChat's last attempt
        await SettledAsync();
        var call = Assert.Single(Api.Sent);
        Assert.Equal("慢慢想好了", call.Body.GetProperty("text").GetProperty("content").GetString());
        Assert.Single(Bot.Received);
    }

    private async Task SettledAsync() =>
        Assert.True(await Eventually.TrueAsync(() => Relay.Services.GetRequiredService<BackgroundDeliveries>().Count == 0, TimeSpan.FromSeconds(25)), "background work did not end");
}
