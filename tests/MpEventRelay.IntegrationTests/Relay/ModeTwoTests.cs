using System.Text;
using MpEventRelay.Delivery;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol;
using MpEventRelay.Protocol.Errors;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Protocol.Replies;
using MpEventRelay.Simulation;

namespace MpEventRelay.IntegrationTests.Relay;

/// <summary>Mode Two end to end: WeChat → relay → IDaaS and bot on real ports, and the reply back.</summary>
public sealed class ModeTwoTests : IAsyncLifetime
{
    private readonly TargetStub _idaas = new("/api/v1/callback/wechatmpqr/idp-1");
    private readonly TargetStub _bot = new();
    private RelayServer _relay = null!;
    private WeChatPushClient _wechat = null!;

    public async Task InitializeAsync()
    {
        _relay = await RelayServer.StartAsync(RelayConfig.ModeTwo(_idaas, _bot).AllowPlaintext().ToJson()); // one test pushes plaintext
        _wechat = new WeChatPushClient(_relay.Http, Keys.Account);
    }

    public async Task DisposeAsync()
    {
        await _relay.DisposeAsync();
        _idaas.Dispose();
        _bot.Dispose();
    }

    [Fact]
    public async Task Follow_via_QR_reaches_the_IDaaS_resigned_and_reencrypted_with_its_own_keys()
    {
        var message = Pushes.From().Subscribe(scene: "login_8f3a");

        var answer = await _wechat.PushAsync(_relay.Url("/wechat/main"), message, EncryptionMode.Secure);

        Assert.Equal(200, answer.StatusCode);
        Assert.Equal("success", Encoding.UTF8.GetString(answer.Body));
        var received = Assert.Single(_idaas.Received);
        var opened = received.Open(Keys.Idaas); // verifies msg_signature with the IDaaS Token, decrypts with its key
        Assert.Equal(EncryptionMode.Secure, opened.Mode);
        Assert.Equal(message, opened.Message.Xml.ToArray());
        Assert.Equal(opened.Message.FromUserName, received.Query.OpenId);
        Assert.True(received.Headers.ContainsKey(TargetSender.IdempotencyHeader));
        Assert.Throws<ProtocolException>(() => received.Open(Keys.Account));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WeChat_s_answer_announces_its_length_rather_than_coming_in_chunks(bool withReply)
    {
        if (withReply)
        {
            _bot.AnswerWith(push => (200, ReplyWriter.Text(push.Open(Keys.Bot).Message, "a passive reply", 1714112446)));
        }

        var push = PushWriter.Write(PushMessage.Parse(Pushes.From().Text("length?", Pushes.NewMsgId())), Keys.Account, EncryptionMode.Secure, WeChatClock.Timestamp(TimeProvider.System), WeChatClock.Nonce());
        using var content = new ByteArrayContent(push.Body);
        using var response = await _relay.Http.PostAsync(new UriBuilder(_relay.Url("/wechat/main")) { Query = push.QueryString }.Uri, content);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(200, (int)response.StatusCode);
        Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        Assert.Equal(withReply, !"success"u8.SequenceEqual(body));
    }

    [Fact]
    public async Task Scan_reaches_the_IDaaS_and_a_mirror_copy_reaches_the_bot()
    {
        var message = Pushes.From().Scan("login_8f3a");

        await _wechat.PushAsync(_relay.Url("/wechat/main"), message, EncryptionMode.Secure);

        Assert.Equal(message, Assert.Single(_idaas.Received).Open(Keys.Idaas).Message.Xml.ToArray());
        Assert.True(await Eventually.TrueAsync(() => _bot.Received.Count == 1));
        Assert.Equal(message, _bot.Received[0].Open(Keys.Bot).Message.Xml.ToArray());
    }

    [Fact]
    public async Task Text_reaches_only_the_bot_and_its_encrypted_reply_reaches_WeChat_encrypted_with_the_account_keys()
    {
        _bot.AnswerWith(push =>
        {
            var opened = push.Open(Keys.Bot);
            var reply = ReplyWriter.Text(opened.Message, "你好 😀 <&> " + opened.Message.Content, opened.Message.CreateTime + 1);
            return (200, ReplyWriter.Encrypted(reply, Keys.Bot, push.Query.Timestamp!, push.Query.Nonce!));
        });
        var openId = Pushes.NewOpenId();

        var answer = await _wechat.PushAsync(_relay.Url("/wechat/main"), Pushes.From(openId).Text("hello ]]> world", Pushes.NewMsgId()), EncryptionMode.Secure);

        Assert.Null(answer.Problem);
        Assert.True(answer.WasEncrypted);
        Assert.Equal("你好 😀 <&> hello ]]> world", answer.Reply!.Fields.Content);
        Assert.Equal(openId, answer.Reply.ToUserName);
        Assert.Single(_bot.Received);
        Assert.Empty(_idaas.Received);
    }

    [Fact]
    public async Task Plaintext_push_gets_the_bots_plain_reply_as_plain_xml()
    {
        _bot.AnswerWith(push => (200, ReplyWriter.Text(push.Open(Keys.Bot).Message, "menu!", 1714112446)));

        var answer = await _wechat.PushAsync(_relay.Url("/wechat/main"), Pushes.From().Click("MENU_1"), EncryptionMode.Plaintext);

        Assert.False(answer.WasEncrypted);
        Assert.Equal("menu!", answer.Reply!.Fields.Content);
        Assert.Equal(EncryptionMode.Plaintext, Assert.Single(_bot.Received).Open(Keys.Bot).Mode);
    }

    [Fact]
    public async Task A_bot_answering_in_milliseconds_has_its_CreateTime_put_in_seconds()
    {
        _bot.AnswerWith(push => (200, ReplyWriter.Text(push.Open(Keys.Bot).Message, "ms bot", 1714112446789)));

        var answer = await _wechat.PushAsync(_relay.Url("/wechat/main"), Pushes.From().Text("hi", Pushes.NewMsgId()), EncryptionMode.Compatible);

        Assert.Equal("1714112446", answer.Reply!.Fields.CreateTime);
    }

    [Theory]
    [InlineData(500, "oops")]
    [InlineData(200, "<html><body>Welcome to nginx</body></html>")]
    [InlineData(200, "{\"errcode\":0}")]
    [InlineData(200, "\u0001\u0002garbage")]
    [InlineData(200, "<xml><ToUserName>someone-else</ToUserName><FromUserName>gh</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>x</Content></xml>")]
    public async Task Unusable_answers_become_success(int status, string body)
    {
        _bot.AnswerWith(_ => (status, Encoding.UTF8.GetBytes(body)));

        var answer = await _wechat.PushAsync(_relay.Url("/wechat/main"), Pushes.From().Text("hi", Pushes.NewMsgId()), EncryptionMode.Secure);

        Assert.Equal(200, answer.StatusCode);
        Assert.Equal("success", Encoding.UTF8.GetString(answer.Body));
    }

    [Fact]
    public async Task A_reply_signed_with_another_token_becomes_success()
    {
        var wrongKeys = Keys.Bot with { Token = "notTheBotToken" };
        _bot.AnswerWith(push => (200, ReplyWriter.Encrypted(ReplyWriter.Text(push.Open(Keys.Bot).Message, "forged", 1), wrongKeys, "1", "2")));

        var answer = await _wechat.PushAsync(_relay.Url("/wechat/main"), Pushes.From().Text("hi", Pushes.NewMsgId()), EncryptionMode.Secure);

        Assert.Equal("success", Encoding.UTF8.GetString(answer.Body));
    }

    [Fact]
    public async Task Url_verification_answers_echostr_verbatim()
    {
        Assert.True(await _wechat.VerifyUrlAsync(_relay.Url("/wechat/main")));
        Assert.False(await new WeChatPushClient(_relay.Http, Keys.Bot).VerifyUrlAsync(_relay.Url("/wechat/main")));
    }

    [Fact]
    public async Task Same_message_sent_three_times_reaches_the_target_once_and_every_try_gets_the_same_answer()
    {
        var count = 0;
        _bot.AnswerWith(push => (200, ReplyWriter.Text(push.Open(Keys.Bot).Message, $"answer {Interlocked.Increment(ref count)}", 1714112446)));
        var message = Pushes.From().Text("once", Pushes.NewMsgId());

        var answers = new List<SimulatedReply>();
        for (var i = 0; i < 3; i++)
        {
            // WeChat's retries carry their own timestamp and nonce: only the message identifies them.
            answers.Add(await _wechat.PushAsync(_relay.Url("/wechat/main"), message, EncryptionMode.Secure));
        }

        Assert.Single(_bot.Received);
        Assert.All(answers, a => Assert.Equal("answer 1", a.Reply!.Fields.Content));
    }

    [Fact]
    public async Task Overlapping_retries_join_the_attempt_in_flight()
    {
        _idaas.AnswerWith(_ => (200, "success"u8.ToArray()));
        _idaas.Delay(TimeSpan.FromMilliseconds(600));
        var message = Pushes.From().Subscribe("overlap");

        var tries = Enumerable.Range(0, 3).Select(_ => _wechat.PushAsync(_relay.Url("/wechat/main"), message, EncryptionMode.Secure));
        var answers = await Task.WhenAll(tries);

        Assert.All(answers, a => Assert.Equal(200, a.StatusCode));
        Assert.Single(_idaas.Received);
    }
}
