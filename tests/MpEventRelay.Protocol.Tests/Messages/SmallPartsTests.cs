using System.Text;
using MpEventRelay.Protocol.Crypto;
using MpEventRelay.Protocol.Errors;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Protocol.Replies;
using MpEventRelay.Protocol.Signing;

namespace MpEventRelay.Protocol.Tests.Messages;

/// <summary>The small parts the bigger tests pass through without pinning down.</summary>
public sealed class SmallPartsTests
{
    [Fact]
    public void The_memory_stream_reads_seeks_and_refuses_writes()
    {
        using var stream = new ReadOnlyMemoryStream("abcdef"u8.ToArray());
        var buffer = new byte[4];

        Assert.True(stream.CanRead);
        Assert.True(stream.CanSeek);
        Assert.False(stream.CanWrite);
        Assert.Equal(6, stream.Length);
        Assert.Equal(4, stream.Read(buffer, 0, 4));
        Assert.Equal(2, stream.Seek(-2, SeekOrigin.Current));
        Assert.Equal(5, stream.Seek(-1, SeekOrigin.End));
        Assert.Equal(1, stream.Seek(1, SeekOrigin.Begin));
        Assert.Equal(3, stream.Read(buffer, 1, 3));
        Assert.Equal("bcd", Encoding.ASCII.GetString(buffer, 1, 3));
        stream.Position = 100;
        Assert.Equal(6, stream.Position);
        Assert.Equal(0, stream.Read(buffer, 0, 4));
        Assert.Throws<NotSupportedException>(() => stream.Write(buffer, 0, 1));
        Assert.Throws<NotSupportedException>(() => stream.SetLength(1));
    }

    [Fact]
    public void Keys_without_a_cryptor_say_so_when_encryption_is_needed_and_never_print_their_token()
    {
        var keys = new WeChatKeys("secretToken", null);

        var error = Assert.Throws<InvalidOperationException>(() => keys.RequireCryptor());

        Assert.Contains("needs an EncodingAESKey", error.Message, StringComparison.Ordinal);
        Assert.Equal("WeChatKeys { *** }", keys.ToString());
    }

    [Fact]
    public void A_push_knows_whether_it_came_encrypted()
    {
        var decoder = new PushDecoder(Vectors.V5.Token, new WeChatCryptor(Vectors.V5.AppId, Vectors.V5.Key));
        var query = new PushQuery { Timestamp = Vectors.V5.Timestamp, Nonce = Vectors.V5.Nonce, Signature = Vectors.V5.Signature, MsgSignature = Vectors.V5.MsgSignature, EncryptType = "aes" };
        var plain = new PushQuery { Timestamp = Vectors.V5.Timestamp, Nonce = Vectors.V5.Nonce, Signature = Vectors.V5.Signature };

        Assert.True(decoder.Decode(query, Vectors.Utf8(Vectors.V5.SecureBody)).IsEncrypted);
        Assert.False(decoder.Decode(plain, Vectors.Utf8(Vectors.V5.Message)).IsEncrypted);
    }

    [Fact]
    public void Missing_timestamp_and_nonce_are_signed_as_empty_strings()
    {
        var query = new PushQuery { Signature = WeChatSignature.Compute("token1", string.Empty, string.Empty) };
        const string xml = "<xml><ToUserName>g</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType></xml>";

        Assert.Equal("o", new PushDecoder("token1", null).Decode(query, Encoding.UTF8.GetBytes(xml)).Message.FromUserName);
    }

    [Fact]
    public void A_reply_envelope_without_TimeStamp_and_Nonce_is_verified_with_empty_ones()
    {
        var keys = new WeChatKeys("botToken", new WeChatCryptor(Vectors.V2.AppId, Vectors.V4.Key));
        var encrypt = keys.Cryptor!.Encrypt("<xml><ToUserName>o</ToUserName><FromUserName>g</FromUserName><CreateTime>1</CreateTime><MsgType>image</MsgType></xml>"u8);
        var envelope = $"<xml><Encrypt><![CDATA[{encrypt}]]></Encrypt><MsgSignature>{WeChatSignature.Compute("botToken", string.Empty, string.Empty, encrypt)}</MsgSignature></xml>";

        Assert.Equal("image", ReplyDecoder.Decode(Encoding.UTF8.GetBytes(envelope), keys)!.Fields.MsgType);
    }

    [Fact]
    public void An_unclosed_declaration_is_not_xml_rather_than_a_crash()
    {
        var error = Assert.Throws<ProtocolException>(() => WeChatXmlReader.Read("<?xml version=\"1.0\"<xml/>"u8.ToArray()));

        Assert.Equal(ProtocolError.NotXml, error.Error);
    }

    [Fact]
    public void An_unquoted_utf8_declaration_passes_the_encoding_check_and_fails_as_xml()
    {
        var error = Assert.Throws<ProtocolException>(() => WeChatXmlReader.Read("<?xml version=\"1.0\" encoding=utf-8?><xml/>"u8.ToArray()));

        Assert.Contains("not well-formed", error.Message, StringComparison.Ordinal);
    }
}
