using Microsoft.Extensions.DependencyInjection;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Protocol.Replies;
using MpEventRelay.Simulation;
using MpEventRelay.Tests.Infrastructure;

namespace MpEventRelay.Tests.Replies;

/// <summary>The login route with Repliers ["idaas", "bot"]: WeChat gets the first usable reply in that order.</summary>
public sealed class OrderedRepliersTests : IAsyncLifetime
{
    private readonly TargetStub _idaas = new();
    private readonly TargetStub _bot = new();
    private RelayServer _relay = null!;

    public async Task InitializeAsync()
    {
        _bot.AnswerWith(push => (200, ReplyWriter.Text(push.Open(Keys.Bot).Message, "欢迎关注 👋", 1714112446)));
        _relay = await RelayServer.StartAsync(RelayConfig.ModeTwo(_idaas, _bot).LoginRepliedByIdaasThenBot().FastRetries().ToJson());
    }

    public async Task DisposeAsync()
    {
        await _relay.DisposeAsync();
        _idaas.Dispose();
        _bot.Dispose();
    }

    [Fact]
    public async Task The_IDaaS_answering_success_lets_the_bots_welcome_through()
    {
        var answer = await PushLoginAsync();

        Assert.Equal("欢迎关注 👋", answer.Reply?.Fields.Content);
        Assert.Single(_idaas.Received);
        Assert.Single(_bot.Received);
    }

    [Fact]
    public async Task A_reply_from_the_IDaaS_wins_over_the_bots_welcome()
    {
        _idaas.AnswerWith(push => (200, ReplyWriter.Text(push.Open(Keys.Idaas).Message, "登录成功", 1714112446)));

        var answer = await PushLoginAsync();

        Assert.Equal("登录成功", answer.Reply?.Fields.Content);
        Assert.Single(_idaas.Received);
        // The bot's copy is still on its way when the IDaaS's reply is chosen: it arrives, once.
        Assert.True(await Eventually.TrueAsync(() => _relay.Services.GetRequiredService<MpEventRelay.Delivery.BackgroundDeliveries>().Count == 0));
        Assert.Single(_bot.Received);
    }

    [Fact]
    public async Task With_the_IDaaS_down_the_bot_answers_and_the_IDaaS_gets_the_login_when_it_is_back()
    {
        _idaas.AnswerWith(_ => (503, "down"u8.ToArray()));

        var answer = await PushLoginAsync();

        Assert.Equal("欢迎关注 👋", answer.Reply?.Fields.Content);
        Assert.Single(_bot.Received);
        _idaas.AnswerWith(_ => (200, "success"u8.ToArray()));
        Assert.True(await Eventually.TrueAsync(() => _idaas.Accepted.Count == 1, TimeSpan.FromSeconds(10)), "the outbox delivers the login to the IDaaS");
        Assert.Single(_bot.Received);
    }

    [Fact]
    public async Task A_slow_IDaaS_is_waited_for_the_bots_reply_is_not_used_ahead_of_it()
    {
        _idaas.AnswerWith(push => (200, ReplyWriter.Text(push.Open(Keys.Idaas).Message, "登录成功", 1714112446)));
        _idaas.Delay(TimeSpan.FromMilliseconds(600));

        var answer = await PushLoginAsync();

        Assert.Equal("登录成功", answer.Reply?.Fields.Content);
    }

    private Task<SimulatedReply> PushLoginAsync() =>
        new WeChatPushClient(_relay.Http, Keys.Account).PushAsync(_relay.Url("/wechat/main"), Pushes.From().Subscribe("qrscene_login_1"), EncryptionMode.Secure);
}
