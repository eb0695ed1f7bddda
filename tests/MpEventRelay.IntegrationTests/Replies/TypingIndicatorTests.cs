using Microsoft.Extensions.DependencyInjection;
using MpEventRelay.Delivery;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Protocol.Replies;
using MpEventRelay.Simulation;

namespace MpEventRelay.IntegrationTests.Replies;

/// <summary>TypingAfter 0.3 s: a bot slower than that makes WeChat show "typing…"; a fast one does not.</summary>
public sealed class TypingIndicatorTests : ModeTwoRelayTests
{
    internal override RelayConfig Configure(RelayConfig config)
    {
        Bot.AnswerWith(push => (200, ReplyWriter.Text(push.Open(Keys.Bot).Message, "done", 1714112446)));
        return config.WeChatApi(Api, attemptTimeout: "00:00:04").Set("Deadline", "00:00:03").Route("everything-else", "TypingAfter", "00:00:00.3");
    }

    [Fact]
    public async Task A_slow_bot_shows_typing_once_and_a_fast_one_never()
    {
        await PushAsync(Pushes.From().Text("warm-up: the first push also opens the connections", Pushes.NewMsgId()));
        var fastUser = Pushes.NewOpenId();
        await PushAsync(Pushes.From(fastUser).Text("fast", Pushes.NewMsgId()));
        Bot.Delay(TimeSpan.FromSeconds(1));
        var slowUser = Pushes.NewOpenId();
        var answer = await PushAsync(Pushes.From(slowUser).Text("slow", Pushes.NewMsgId()));

        Assert.Equal("done", answer.Reply?.Fields.Content);
        Assert.True(await Eventually.TrueAsync(() => Relay.Services.GetRequiredService<BackgroundDeliveries>().Count == 0, TimeSpan.FromSeconds(10)));
        Assert.DoesNotContain(Api.Typing, call => call.Body.GetProperty("touser").GetString() == fastUser);
        var typing = Assert.Single(Api.Typing, call => call.Body.GetProperty("touser").GetString() == slowUser);
        Assert.Equal("Typing", typing.Body.GetProperty("command").GetString());
    }

    private Task<SimulatedReply> PushAsync(byte[] message) =>
        new WeChatPushClient(Relay.Http, Keys.Account).PushAsync(Relay.Url("/wechat/main"), message, EncryptionMode.Secure);
}
