using Microsoft.Extensions.DependencyInjection;
using MpEventRelay.Delivery;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Protocol.Replies;
using MpEventRelay.Simulation;

namespace MpEventRelay.IntegrationTests.Replies;

/// <summary>TypingAfter 0.3 s: a bot slower than that makes WeChat show "typing…"; a fast one does not.</summary>
public sealed class TypingIndicatorTests : IAsyncLifetime
{
    private readonly TargetStub _idaas = new();
    private readonly TargetStub _bot = new();
    private readonly WeChatApiStub _api = new();
    private RelayServer _relay = null!;

    public async Task InitializeAsync()
    {
        _bot.AnswerWith(push => (200, ReplyWriter.Text(push.Open(Keys.Bot).Message, "done", 1714112446)));
        var config = RelayConfig.ModeTwo(_idaas, _bot).WeChatApi(_api, attemptTimeout: "00:00:04").Set("Deadline", "00:00:03")
            .Route("everything-else", "TypingAfter", "00:00:00.3");
        _relay = await RelayServer.StartAsync(config.ToJson());
    }

    public async Task DisposeAsync()
    {
        await _relay.DisposeAsync();
        _idaas.Dispose();
        _bot.Dispose();
        _api.Dispose();
    }

    [Fact]
    public async Task A_slow_bot_shows_typing_once_and_a_fast_one_never()
    {
        await PushAsync(Pushes.From().Text("warm-up: the first push also opens the connections", Pushes.NewMsgId()));
        var fastUser = Pushes.NewOpenId();
        await PushAsync(Pushes.From(fastUser).Text("fast", Pushes.NewMsgId()));
        _bot.Delay(TimeSpan.FromSeconds(1));
        var slowUser = Pushes.NewOpenId();
        var answer = await PushAsync(Pushes.From(slowUser).Text("slow", Pushes.NewMsgId()));

        Assert.Equal("done", answer.Reply?.Fields.Content);
        Assert.True(await Eventually.TrueAsync(() => _relay.Services.GetRequiredService<BackgroundDeliveries>().Count == 0, TimeSpan.FromSeconds(10)));
        Assert.DoesNotContain(_api.Typing, call => call.Body.GetProperty("touser").GetString() == fastUser);
        var typing = Assert.Single(_api.Typing, call => call.Body.GetProperty("touser").GetString() == slowUser);
        Assert.Equal("Typing", typing.Body.GetProperty("command").GetString());
    }

    private Task<SimulatedReply> PushAsync(byte[] message) =>
        new WeChatPushClient(_relay.Http, Keys.Account).PushAsync(_relay.Url("/wechat/main"), message, EncryptionMode.Secure);
}
