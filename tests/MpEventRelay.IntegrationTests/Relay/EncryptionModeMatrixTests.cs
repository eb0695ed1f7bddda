using System.Text.Json.Nodes;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Protocol.Replies;
using MpEventRelay.Simulation;

namespace MpEventRelay.IntegrationTests.Relay;

/// <summary>Every inbound mode × every target setting: the target opens the push with its own keys, the reply comes back right.</summary>
public sealed class EncryptionModeMatrixTests
{
    public static TheoryData<EncryptionMode, string, EncryptionMode> Cases()
    {
        var data = new TheoryData<EncryptionMode, string, EncryptionMode>();
        foreach (var inbound in new[] { EncryptionMode.Plaintext, EncryptionMode.Compatible, EncryptionMode.Secure })
        {
            data.Add(inbound, "Plaintext", EncryptionMode.Plaintext);
            data.Add(inbound, "Compatible", EncryptionMode.Compatible);
            data.Add(inbound, "Secure", EncryptionMode.Secure);
            data.Add(inbound, "SameAsInbound", inbound);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Target_receives_its_mode_and_WeChat_gets_the_reply_in_its_own(EncryptionMode inbound, string targetSetting, EncryptionMode expected)
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        bot.AnswerWith(push =>
        {
            var opened = push.Open(Keys.Bot);
            var reply = ReplyWriter.Text(opened.Message, "mode " + opened.Mode, opened.Message.CreateTime);
            // A bot answers encrypted exactly when it was written to: like most SDKs, in the mode it received.
            return (200, opened.IsEncrypted ? ReplyWriter.Encrypted(reply, Keys.Bot, "1714112446", "77") : reply);
        });
        await using var relay = await RelayServer.StartAsync(RelayConfig.ModeTwo(idaas, bot, botEncryption: targetSetting).AllowPlaintext().ToJson());
        var message = Pushes.From().Text("matrix", Pushes.NewMsgId());

        var answer = await new WeChatPushClient(relay.Http, Keys.Account).PushAsync(relay.Url("/wechat/main"), message, inbound);

        var opened = Assert.Single(bot.Received).Open(Keys.Bot);
        Assert.Equal(expected, opened.Mode);
        Assert.Equal(message, opened.Message.Xml.ToArray());
        Assert.Null(answer.Problem);
        Assert.Equal("mode " + expected, answer.Reply!.Fields.Content);
        Assert.Equal(inbound != EncryptionMode.Plaintext, answer.WasEncrypted);
    }

    [Fact]
    public async Task A_target_sharing_the_accounts_keys_and_mode_receives_WeChats_body_byte_for_byte()
    {
        using var bot = new TargetStub();
        var targets = new JsonObject { ["bot"] = new JsonObject { ["Cluster"] = "bot", ["Token"] = Keys.AccountToken, ["EncodingAESKey"] = Keys.AccountKey } };
        var config = new RelayConfig().Cluster("bot", bot.Address)
            .Account("main", "/wechat/main", targets, new JsonArray(new JsonObject { ["Target"] = "bot" }));
        await using var relay = await RelayServer.StartAsync(config.ToJson());
        var push = PushWriter.Write(PushMessage.Parse(Pushes.From().Subscribe("same")), Keys.Account, EncryptionMode.Secure, WeChatClock.Timestamp(TimeProvider.System), "1234");

        await new WeChatPushClient(relay.Http, Keys.Account).SendAsync(relay.Url("/wechat/main"), push, encrypted: true);

        Assert.Equal(push.Body, Assert.Single(bot.Received).Body);
    }
}
