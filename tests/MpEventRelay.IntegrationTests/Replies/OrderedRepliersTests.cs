using Microsoft.Extensions.DependencyInjection;
using MpEventRelay.Delivery;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Protocol.Replies;
using MpEventRelay.Simulation;

namespace MpEventRelay.IntegrationTests.Replies;

/// <summary>The login route with Repliers ["idaas", "bot"]: WeChat gets the first usable reply in that order.</summary>
public sealed class OrderedRepliersTests : ModeTwoRelayTests
{
    internal override RelayConfig Configure(RelayConfig config)
    {
        Bot.AnswerWith(push => (200, ReplyWriter.Text(push.Open(Keys.Bot).Message, "欢迎关注 👋", 1714112446)));
        return config.LoginRepliedByIdaasThenBot().FastRetries();
    }

    [Fact]
    public async Task The_IDaaS_answering_success_lets_the_bots_welcome_through()
    {
        var answer = await PushLoginAsync();

        Assert.Equal("欢迎关注 👋", answer.Reply?.Fields.Content);
        Assert.Single(Idaas.Received);
        Assert.Single(Bot.Received);
    }

    [Fact]
    public async Task A_reply_from_the_IDaaS_wins_over_the_bots_welcome()
    {
        Idaas.AnswerWith(push => (200, ReplyWriter.Text(push.Open(Keys.Idaas).Message, "登录成功", 1714112446)));

        var answer = await PushLoginAsync();

        Assert.Equal("登录成功", answer.Reply?.Fields.Content);
        Assert.Single(Idaas.Received);
        // The bot's copy is still on its way when the IDaaS's reply is chosen: it arrives, once.
        Assert.True(await Eventually.TrueAsync(() => Relay.Services.GetRequiredService<BackgroundDeliveries>().Count == 0));
        Assert.Single(Bot.Received);
    }

    [Fact]
    public async Task With_the_IDaaS_down_the_bot_answers_and_the_IDaaS_gets_the_login_when_it_is_back()
    {
        Idaas.AnswerWith(_ => (503, "down"u8.ToArray()));

        var answer = await PushLoginAsync();

        Assert.Equal("欢迎关注 👋", answer.Reply?.Fields.Content);
        Assert.Single(Bot.Received);
        Idaas.AnswerWith(_ => (200, "success"u8.ToArray()));
        Assert.True(await Eventually.TrueAsync(() => Idaas.Accepted.Count == 1, TimeSpan.FromSeconds(10)), "the outbox delivers the login to the IDaaS");
        Assert.Single(Bot.Received);
    }

    [Fact]
    public async Task A_slow_IDaaS_is_waited_for_the_bots_reply_is_not_used_ahead_of_it()
    {
        Idaas.AnswerWith(push => (200, ReplyWriter.Text(push.Open(Keys.Idaas).Message, "登录成功", 1714112446)));
        Idaas.Delay(TimeSpan.FromMilliseconds(600));

        var answer = await PushLoginAsync();

        Assert.Equal("登录成功", answer.Reply?.Fields.Content);
    }

    private Task<SimulatedReply> PushLoginAsync() =>
        new WeChatPushClient(Relay.Http, Keys.Account).PushAsync(Relay.Url("/wechat/main"), Pushes.From().Subscribe("qrscene_login_1"), EncryptionMode.Secure);
}
