using System.Text.Json.Nodes;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol.Crypto;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Protocol.Replies;
using MpEventRelay.Simulation;

namespace MpEventRelay.IntegrationTests.Relay;

/// <summary>During a key rotation WeChat may still encrypt with the previous EncodingAESKey.</summary>
public sealed class KeyRotationTests
{
    [Fact]
    public async Task A_push_under_the_previous_key_is_accepted_and_answered_under_that_key()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        bot.AnswerWith(push => (200, ReplyWriter.Text(push.Open(Keys.Bot).Message, "rotated", 1714112446)));
        var config = RelayConfig.ModeTwo(idaas, bot);
        var json = JsonNode.Parse(config.ToJson())!;
        var account = json["Relay"]!["Accounts"]!["main"]!;
        account["PreviousEncodingAESKey"] = Keys.AccountKey;
        account["EncodingAESKey"] = Keys.IdaasKey; // the new key
        await using var relay = await RelayServer.StartAsync(json.ToJsonString());
        var stillOld = new WeChatPushClient(relay.Http, Keys.Account); // WeChat, still on the old key
        var alreadyNew = new WeChatPushClient(relay.Http, new WeChatKeys(Keys.AccountToken, new WeChatCryptor(Keys.AppId, Keys.IdaasKey)));

        var old = await stillOld.PushAsync(relay.Url("/wechat/main"), Pushes.From().Text("old key", Pushes.NewMsgId()), EncryptionMode.Secure);
        var fresh = await alreadyNew.PushAsync(relay.Url("/wechat/main"), Pushes.From().Text("new key", Pushes.NewMsgId()), EncryptionMode.Secure);

        Assert.Null(old.Problem); // decrypted by the client holding only the old key: the reply used the old key
        Assert.Equal("rotated", old.Reply?.Fields.Content);
        Assert.Null(fresh.Problem);
        Assert.Equal("rotated", fresh.Reply?.Fields.Content);
        Assert.Equal(2, bot.Received.Count);
    }
}
