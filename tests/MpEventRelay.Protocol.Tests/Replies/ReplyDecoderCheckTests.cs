using System.Text;
using MpEventRelay.Protocol.Crypto;
using MpEventRelay.Protocol.Errors;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Protocol.Replies;

namespace MpEventRelay.Protocol.Tests.Replies;

/// <summary>Each check a passive reply must pass, one element at a time, with the reason it gives.</summary>
public sealed class ReplyDecoderCheckTests
{
    private static readonly WeChatKeys Bot = new("botToken", new WeChatCryptor(Vectors.V2.AppId, Vectors.V4.Key));
    private static readonly WeChatKeys PlainBot = new("botToken", null);

    [Theory]
    [InlineData("<xml><FromUserName>g</FromUserName><CreateTime>1</CreateTime><MsgType>image</MsgType></xml>")]
    [InlineData("<xml><ToUserName>o</ToUserName><CreateTime>1</CreateTime><MsgType>image</MsgType></xml>")]
    [InlineData("<xml><ToUserName>o</ToUserName><FromUserName>g</FromUserName><CreateTime>1</CreateTime></xml>")]
    public void ToUserName_FromUserName_and_MsgType_are_each_required(string xml)
    {
        AssertRefused(ProtocolError.MissingElement, "needs ToUserName, FromUserName and MsgType", xml);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("-1")]
    [InlineData("")]
    public void CreateTime_must_be_a_non_negative_integer(string createTime)
    {
        AssertRefused(ProtocolError.MissingElement, "integer CreateTime", $"<xml><ToUserName>o</ToUserName><FromUserName>g</FromUserName><CreateTime>{createTime}</CreateTime><MsgType>image</MsgType></xml>");
    }

    [Fact]
    public void A_CreateTime_of_zero_is_an_integer()
    {
        var reply = ReplyDecoder.Decode(Encoding.UTF8.GetBytes("<xml><ToUserName>o</ToUserName><FromUserName>g</FromUserName><CreateTime>0</CreateTime><MsgType>image</MsgType></xml>"), Bot);

        Assert.Equal("0", reply!.Fields.CreateTime);
    }

    [Fact]
    public void A_text_reply_needs_content()
    {
        AssertRefused(ProtocolError.MissingElement, "non-empty Content", "<xml><ToUserName>o</ToUserName><FromUserName>g</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType></xml>");
    }

    [Theory]
    [InlineData(99_999_999_999L, "99999999999")]
    [InlineData(100_000_000_000L, "100000000")]
    [InlineData(1_714_112_446_123L, "1714112446")]
    public void Millisecond_timestamps_are_rewritten_in_seconds_and_the_rest_of_the_reply_is_kept(long createTime, string expected)
    {
        var xml = $"<xml><ToUserName>o</ToUserName><FromUserName>g</FromUserName><CreateTime>{createTime}</CreateTime><MsgType>text</MsgType><Content>hi</Content></xml>";

        var reply = ReplyDecoder.Decode(Encoding.UTF8.GetBytes(xml), Bot)!;

        Assert.Equal(expected, reply.Fields.CreateTime);
        Assert.Equal($"<xml><ToUserName>o</ToUserName><FromUserName>g</FromUserName><CreateTime>{expected}</CreateTime><MsgType>text</MsgType><Content>hi</Content></xml>", Encoding.UTF8.GetString(reply.Xml));
    }

    [Fact]
    public void A_millisecond_CreateTime_with_attributes_cannot_be_rewritten_and_says_so()
    {
        AssertRefused(ProtocolError.MissingElement, "not a simple element", "<xml><ToUserName>o</ToUserName><FromUserName>g</FromUserName><CreateTime unit=\"ms\">1714112446123</CreateTime><MsgType>image</MsgType></xml>");
    }

    [Fact]
    public void A_millisecond_CreateTime_in_cdata_is_rewritten_whole()
    {
        var reply = ReplyDecoder.Decode(Encoding.UTF8.GetBytes("<xml><ToUserName>o</ToUserName><FromUserName>g</FromUserName><CreateTime><![CDATA[1714112446123]]></CreateTime><MsgType>image</MsgType></xml>"), Bot)!;

        Assert.Contains("<CreateTime>1714112446</CreateTime>", Encoding.UTF8.GetString(reply.Xml), StringComparison.Ordinal);
    }

    [Fact]
    public void An_encrypted_reply_to_a_target_without_a_key_is_refused_with_the_reason()
    {
        var push = PushMessage.Parse(Vectors.Utf8(Vectors.V5.Message));
        var envelope = ReplyWriter.Encrypted(ReplyWriter.Text(push, "hi", 1714112446), Bot, "1714112446", "1", AesKeySlot.Current);

        var error = Assert.Throws<ProtocolException>(() => ReplyDecoder.Decode(envelope, PlainBot));

        Assert.Equal(ProtocolError.BadKey, error.Error);
        Assert.Contains("no EncodingAESKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_encrypted_reply_with_a_wrong_signature_is_refused_with_the_reason()
    {
        var push = PushMessage.Parse(Vectors.Utf8(Vectors.V5.Message));
        var envelope = Encoding.UTF8.GetString(ReplyWriter.Encrypted(ReplyWriter.Text(push, "hi", 1714112446), Bot, "1714112446", "1", AesKeySlot.Current));

        var error = Assert.Throws<ProtocolException>(() => ReplyDecoder.Decode(Encoding.UTF8.GetBytes(envelope.Replace("<Nonce><![CDATA[1]]></Nonce>", "<Nonce><![CDATA[2]]></Nonce>", StringComparison.Ordinal).Replace("<Nonce>1</Nonce>", "<Nonce>2</Nonce>", StringComparison.Ordinal)), Bot));

        Assert.Equal(ProtocolError.BadSignature, error.Error);
        Assert.Contains("MsgSignature", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_encrypted_success_is_no_reply()
    {
        var envelope = ReplyWriter.Encrypted("success"u8.ToArray(), Bot, "1714112446", "1", AesKeySlot.Current);

        Assert.Null(ReplyDecoder.Decode(envelope, Bot));
    }

    private static void AssertRefused(ProtocolError expected, string reason, string xml)
    {
        var error = Assert.Throws<ProtocolException>(() => ReplyDecoder.Decode(Encoding.UTF8.GetBytes(xml), Bot));
        Assert.Equal(expected, error.Error);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
