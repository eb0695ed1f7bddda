using System.Text;
using MpEventRelay.Protocol.Crypto;
using MpEventRelay.Protocol.Errors;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Protocol.Signing;

namespace MpEventRelay.Protocol.Tests.Messages;

/// <summary>Every refusal names what is wrong (the relay sends it as the one-line answer), and the edges of what is accepted.</summary>
public sealed class RefusalReasonTests
{
    private static readonly PushDecoder Decoder = new("token1", new WeChatCryptor("wx1234567890abcdef", Vectors.V2.Key));

    [Theory]
    [InlineData("<xml><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType></xml>", "ToUserName is missing")]
    [InlineData("<xml><ToUserName>g</ToUserName><CreateTime>1</CreateTime><MsgType>text</MsgType></xml>", "FromUserName is missing")]
    [InlineData("<xml><ToUserName>g</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime></xml>", "MsgType is missing")]
    [InlineData("<xml><ToUserName>g</ToUserName><FromUserName>o</FromUserName><MsgType>text</MsgType></xml>", "CreateTime is missing or not an integer")]
    [InlineData("<xml><ToUserName>g</ToUserName><FromUserName>o</FromUserName><CreateTime>-1</CreateTime><MsgType>text</MsgType></xml>", "CreateTime is missing or not an integer")]
    public void A_message_names_the_element_it_lacks(string xml, string reason)
    {
        var error = Assert.Throws<ProtocolException>(() => PushMessage.Parse(Encoding.UTF8.GetBytes(xml)));

        Assert.Equal(ProtocolError.MissingElement, error.Error);
        Assert.Equal(reason + ".", error.Message);
    }

    [Fact]
    public void A_CreateTime_of_zero_is_an_integer()
    {
        Assert.Equal(0, PushMessage.Parse("<xml><ToUserName>g</ToUserName><FromUserName>o</FromUserName><CreateTime>0</CreateTime><MsgType>text</MsgType></xml>"u8.ToArray()).CreateTime);
    }

    [Fact]
    public void The_decoder_says_which_signature_failed_and_why()
    {
        const string plain = "<xml><ToUserName>g</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType></xml>";
        var plainQuery = new PushQuery { Signature = new string('0', 40), Timestamp = "1", Nonce = "2" };
        var noEncrypt = new PushQuery { Signature = WeChatSignature.Compute("token1", "1", "2"), Timestamp = "1", Nonce = "2", EncryptType = "aes", MsgSignature = new string('0', 40) };
        var badMsgSignature = new PushQuery { Timestamp = "1", Nonce = "2", EncryptType = "aes", MsgSignature = new string('0', 40) };

        Assert.Equal("signature does not match the Token.", Refusal(plainQuery, plain));
        Assert.Equal("encrypt_type=aes but the body has no Encrypt.", Refusal(noEncrypt, plain));
        Assert.Equal("msg_signature does not match the Token and Encrypt.", Refusal(badMsgSignature, "<xml><Encrypt>abc</Encrypt></xml>"));
    }

    [Fact]
    public void An_encrypted_push_to_a_receiver_without_a_key_says_so()
    {
        var query = new PushQuery { Timestamp = "1", Nonce = "2", EncryptType = "aes", MsgSignature = WeChatSignature.Compute("token1", "1", "2", "abc") };

        var error = Assert.Throws<ProtocolException>(() => new PushDecoder("token1", null).Decode(query, "<xml><Encrypt>abc</Encrypt></xml>"u8.ToArray()));

        Assert.Equal(ProtocolError.BadKey, error.Error);
        Assert.Contains("no EncodingAESKey", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789ABCDEF", false)]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH", false)]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789ABCDEF=", false)]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", true)]
    public void An_EncodingAESKey_is_43_letters_and_digits(string? key, bool valid)
    {
        Assert.Equal(valid, EncodingAesKey.IsValid(key));
        if (!valid && key is not null)
        {
            var error = Assert.Throws<ArgumentException>(() => EncodingAesKey.Decode(key));
            Assert.Contains("43 characters", error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0123456789abcdef0123456789abcdef0123456")]
    [InlineData("0123456789abcdef0123456789abcdef012345678")]
    [InlineData("zz23456789abcdef0123456789abcdef01234567")]
    public void A_signature_that_is_not_40_hex_digits_never_matches(string? signature)
    {
        Assert.False(WeChatSignature.Verify(signature, "token1", "1", "2"));
    }

    [Fact]
    public void A_query_string_is_read_with_or_without_its_question_mark()
    {
        var query = PushQuery.Parse("?signature=s&timestamp=1&nonce=2&openid=o&encrypt_type=aes&msg_signature=m&echostr=e");

        Assert.Equal(("s", "1", "2", "o", "aes", "m", "e"), (query.Signature, query.Timestamp, query.Nonce, query.OpenId, query.EncryptType, query.MsgSignature, query.EchoStr));
        Assert.Equal("s", PushQuery.Parse("signature=s").Signature);
    }

    private static string Refusal(PushQuery query, string body) =>
        Assert.Throws<ProtocolException>(() => Decoder.Decode(query, Encoding.UTF8.GetBytes(body))).Message;
}
