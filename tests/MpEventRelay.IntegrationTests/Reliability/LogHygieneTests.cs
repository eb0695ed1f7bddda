using System.Text;
using Microsoft.Extensions.DependencyInjection;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Protocol.Replies;
using MpEventRelay.Simulation;
using Serilog.Core;

namespace MpEventRelay.IntegrationTests.Reliability;

/// <summary>Every log line of a busy run, at the most verbose level, is free of secrets, OpenIDs and message content.</summary>
public sealed class LogHygieneTests
{
    [Fact]
    public async Task Logs_never_contain_a_token_a_key_an_OpenID_or_message_content()
    {
        var sink = new CapturingSink();
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        var openId = Pushes.NewOpenId();
        const string content = "my secret order number 98765";
        bot.AnswerWith(push =>
        {
            var message = push.Open(Keys.Bot).Message;
            return message.Content == content
                ? (200, ReplyWriter.Text(message, "reply text 13579", 1714112446))
                : (200, "<xml><ToUserName>someone-else</ToUserName><FromUserName>g</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>x</Content></xml>"u8.ToArray());
        });
        var config = RelayConfig.ModeTwo(idaas, bot).FastRetries();
        await using (var relay = await RelayServer.StartAsync(config.ToJson(), services => services.AddSingleton<ILogEventSink>(sink), logLevel: "Verbose"))
        {
            var wechat = new WeChatPushClient(relay.Http, Keys.Account);
            // Retried on a non-2xx as WeChat would (a loaded machine may answer 503): its 200 writes the masked OpenID.
            var text = Pushes.From(openId).Text(content, Pushes.NewMsgId());
            var answered = 0;
            for (var attempt = 0; attempt < 3 && answered != 200; attempt++)
            {
                answered = (await wechat.PushAsync(relay.Url("/wechat/main"), text, EncryptionMode.Secure)).StatusCode;
            }

            Assert.Equal(200, answered);
            await wechat.PushAsync(relay.Url("/wechat/main"), Pushes.From(openId).Subscribe("login_scene_24680"), EncryptionMode.Compatible);
            await wechat.PushAsync(relay.Url("/wechat/main"), Pushes.From(openId).Click("MENU_KEY_11223"), EncryptionMode.Plaintext);
            await new WeChatPushClient(relay.Http, Keys.Bot).PushAsync(relay.Url("/wechat/main"), Pushes.From(openId).Text(content, 1), EncryptionMode.Secure);
            await relay.Http.PostAsync("/wechat/main?signature=x&openid=" + openId, new ByteArrayContent(Encoding.UTF8.GetBytes("<xml><Content>" + content + "</Content></xml>")));
            // The text and the login's mirror reach the bot (the plaintext click is refused: the account has a key).
            Assert.True(await Eventually.TrueAsync(() => bot.Received.Count >= 2), $"the bot received {bot.Received.Count}");
            // Request log lines are written after the answer has left: wait for the masked OpenID, bounded.
            Assert.True(await Eventually.TrueAsync(() => sink.Lines.Any(l => l.Contains(openId[..4] + "…" + openId[^4..], StringComparison.Ordinal))), "no request log line with the masked OpenID");
        }

        var lines = sink.Lines;
        Assert.NotEmpty(lines);
        string[] forbidden =
        [
            Keys.AccountToken, Keys.AccountKey, Keys.IdaasToken, Keys.IdaasKey, Keys.BotToken, Keys.BotKey,
            openId, content, "reply text 13579", "login_scene_24680", "MENU_KEY_11223",
        ];
        foreach (var secret in forbidden)
        {
            var leak = lines.FirstOrDefault(l => l.Contains(secret, StringComparison.Ordinal));
            Assert.True(leak is null, $"a log line contains '{secret}': {leak}");
        }
    }
}
