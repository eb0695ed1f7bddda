using System.Text;
using MpEventRelay.Protocol.Crypto;
using MpEventRelay.Protocol.Errors;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Protocol.Replies;

namespace MpEventRelay.Protocol.Tests.Replies;

public sealed class ReplyDecoderTests
{
    private static readonly WeChatKeys Bot = new("botToken", new WeChatCryptor(Vectors.V2.AppId, Vectors.V4.Key));
    private static readonly PushMessage Push = PushMessage.Parse(Vectors.Utf8(Vectors.V5.Message));

    [Theory]
    [InlineData("")]
    [InlineData("   \r\n")]
    [InlineData("success")]
    [InlineData("SUCCESS\n")]
    public void Success_and_empty_mean_no_reply(string body)
    {
        Assert.Null(ReplyDecoder.Decode(Vectors.Utf8(body), Bot));
    }

    [Fact]
    public void Plain_reply_is_accepted_as_is()
    {
        var xml = ReplyWriter.Text(Push, "欢迎 😀", 1714112446);

        var reply = ReplyDecoder.Decode(xml, Bot);

        Assert.NotNull(reply);
        Assert.Equal(xml, reply.Xml);
        Assert.Equal("oyORnuP8q7ou2gfYjqLzSIWZf0rs", reply.ToUserName);
    }

    [Fact]
    public void Encrypted_reply_is_verified_and_decrypted_with_the_targets_keys()
    {
        var xml = ReplyWriter.Text(Push, "hi", 1714112446);
        var envelope = ReplyWriter.Encrypted(xml, Bot, "1714112446", "999");

        var reply = ReplyDecoder.Decode(envelope, Bot);

        Assert.Equal(xml, reply!.Xml);
    }

    [Fact]
    public void Encrypted_reply_with_a_millisecond_TimeStamp_is_verified_over_the_text_as_written()
    {
        var xml = ReplyWriter.Text(Push, "hi", 1714112446);
        var envelope = ReplyWriter.Encrypted(xml, Bot, "1714112446123", "999");

        Assert.Equal(xml, ReplyDecoder.Decode(envelope, Bot)!.Xml);
    }

    [Fact]
    public void V1_reply_envelope_signature_is_checked()
    {
        var keys = new WeChatKeys(Vectors.V1.Token, new WeChatCryptor(Vectors.V1.AppId, Vectors.V1.Key));
        var envelope = ReplyWriter.Envelope(Vectors.V1.ReplyEncrypt, "1b9339964ed2e271e7c7b6ff2b0ef902fc94dea1", "1713424427", "415670741");
        var forged = ReplyWriter.Envelope(Vectors.V1.ReplyEncrypt, "1b9339964ed2e271e7c7b6ff2b0ef902fc94dea1", "1713424428", "415670741");

        // The documented reply is JSON inside: authentic, but not a passive reply WeChat accepts.
        Assert.Equal(ProtocolError.NotXml, Assert.Throws<ProtocolException>(() => ReplyDecoder.Decode(envelope, keys)).Error);
        Assert.Equal(ProtocolError.BadSignature, Assert.Throws<ProtocolException>(() => ReplyDecoder.Decode(forged, keys)).Error);
    }

    [Fact]
    public void Reply_signed_with_another_token_is_refused()
    {
        var envelope = ReplyWriter.Encrypted(ReplyWriter.Text(Push, "hi", 1), Bot with { Token = "wrong" }, "1", "2");

        Assert.Equal(ProtocolError.BadSignature, Assert.Throws<ProtocolException>(() => ReplyDecoder.Decode(envelope, Bot)).Error);
    }

    [Fact]
    public void Millisecond_CreateTime_is_rewritten_in_seconds()
    {
        var xml = ReplyWriter.Text(Push, "hi", 1714112446123);

        var reply = ReplyDecoder.Decode(xml, Bot)!;

        Assert.Contains("<CreateTime>1714112446</CreateTime>", Encoding.UTF8.GetString(reply.Xml), StringComparison.Ordinal);
        Assert.Equal("1714112446", reply.Fields.CreateTime);
    }

    [Theory]
    [InlineData("{\"msgtype\":\"text\"}", ProtocolError.NotXml)]
    [InlineData("<html><body>500</body></html>", ProtocolError.NotXml)]
    [InlineData("<xml><ToUserName>o</ToUserName><FromUserName>g</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content></Content></xml>", ProtocolError.MissingElement)]
    [InlineData("<xml><ToUserName>o</ToUserName><FromUserName>g</FromUserName><MsgType>text</MsgType><Content>x</Content></xml>", ProtocolError.MissingElement)]
    public void Unusable_replies_are_refused(string body, ProtocolError expected)
    {
        Assert.Equal(expected, Assert.Throws<ProtocolException>(() => ReplyDecoder.Decode(Vectors.Utf8(body), Bot)).Error);
    }
}
