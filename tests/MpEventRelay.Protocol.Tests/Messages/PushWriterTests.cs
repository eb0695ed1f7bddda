using MpEventRelay.Protocol.Crypto;
using MpEventRelay.Protocol.Messages;

namespace MpEventRelay.Protocol.Tests.Messages;

public sealed class PushWriterTests
{
    private static readonly WeChatKeys Target = new("targetToken", new WeChatCryptor(Vectors.V5.AppId, Vectors.V4.Key));

    [Theory]
    [InlineData(EncryptionMode.Plaintext)]
    [InlineData(EncryptionMode.Compatible)]
    [InlineData(EncryptionMode.Secure)]
    public void A_written_push_opens_with_the_receivers_keys_to_the_identical_message(EncryptionMode mode)
    {
        var message = PushMessage.Parse(Vectors.Utf8(Vectors.V5.Message));

        var push = PushWriter.Write(message, Target, mode, "1714112999", "12345");
        var query = PushQuery.Parse(push.QueryString);
        var opened = new PushDecoder(Target.Token, Target.Cryptor).Decode(query, push.Body);

        Assert.Equal(mode, opened.Mode);
        Assert.Equal(message.Xml.ToArray(), opened.Message.Xml.ToArray());
        Assert.Equal("oyORnuP8q7ou2gfYjqLzSIWZf0rs", query.OpenId);
        Assert.Equal("1714112999", query.Timestamp);
        Assert.Equal(mode != EncryptionMode.Plaintext, query.SaysEncrypted);
    }

    [Fact]
    public void Compatible_body_keeps_the_plain_fields_beside_Encrypt()
    {
        var message = PushMessage.Parse(Vectors.Utf8(Vectors.V5.Message));

        var fields = WeChatXmlReader.Read(PushWriter.Write(message, Target, EncryptionMode.Compatible, "1", "2").Body);

        Assert.Equal("subscribe", fields.Event);
        Assert.NotNull(fields.Encrypt);
    }

    [Fact]
    public void Reusing_an_Encrypt_reproduces_WeChats_own_V5_push_under_a_new_signature()
    {
        var keys = new WeChatKeys(Vectors.V5.Token, new WeChatCryptor(Vectors.V5.AppId, Vectors.V5.Key));
        var message = PushMessage.Parse(Vectors.Utf8(Vectors.V5.Message));

        var push = PushWriter.Write(message, keys, EncryptionMode.Secure, Vectors.V5.Timestamp, Vectors.V5.Nonce, Vectors.V5.Encrypt);

        Assert.Equal(Vectors.Utf8(Vectors.V5.SecureBody), push.Body);
        Assert.Contains("msg_signature=" + Vectors.V5.MsgSignature, push.QueryString, StringComparison.Ordinal);
        Assert.Contains("signature=" + Vectors.V5.Signature, push.QueryString, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ToUserName_holding_the_CDATA_end_survives_the_secure_envelope()
    {
        var message = PushMessage.Parse(Vectors.Utf8("<xml><ToUserName><![CDATA[gh_a]]]]><![CDATA[>b]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType></xml>"));

        var push = PushWriter.Write(message, Target, EncryptionMode.Secure, "1", "2");

        Assert.Equal("gh_a]]>b", WeChatXmlReader.Read(push.Body).ToUserName);
        Assert.Equal(message.Xml.ToArray(), new PushDecoder(Target.Token, Target.Cryptor).Decode(PushQuery.Parse(push.QueryString), push.Body).Message.Xml.ToArray());
    }
}
