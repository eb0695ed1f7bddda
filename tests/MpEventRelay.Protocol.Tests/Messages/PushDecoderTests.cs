using MpEventRelay.Protocol.Crypto;
using MpEventRelay.Protocol.Errors;
using MpEventRelay.Protocol.Messages;

namespace MpEventRelay.Protocol.Tests.Messages;

public sealed class PushDecoderTests
{
    [Fact]
    public void V2_compatible_push_is_verified_and_decrypted()
    {
        var decoder = new PushDecoder(Vectors.V2.Token, new WeChatCryptor(Vectors.V2.AppId, Vectors.V2.Key));
        var query = new PushQuery { Timestamp = Vectors.V2.Timestamp, Nonce = Vectors.V2.Nonce, Signature = Vectors.V2.Signature, MsgSignature = Vectors.V2.MsgSignature, EncryptType = "aes" };

        var push = decoder.Decode(query, Vectors.Utf8(Vectors.V2.Body));

        Assert.Equal(EncryptionMode.Compatible, push.Mode);
        Assert.Equal("abcdteT", push.Message.Content);
        Assert.Equal(Vectors.Utf8(Vectors.V2.Decrypted), push.Message.Xml.ToArray());
    }

    [Fact]
    public void V5_secure_follow_via_qr_is_verified_and_decrypted()
    {
        var push = V5Decoder().Decode(V5Query(), Vectors.Utf8(Vectors.V5.SecureBody));

        Assert.Equal(EncryptionMode.Secure, push.Mode);
        Assert.True(push.Message.EventIs("subscribe"));
        Assert.Equal("123123", push.Message.Scene);
        Assert.Equal(Vectors.V5.Encrypt, push.Encrypt);
    }

    [Fact]
    public void An_Encrypt_that_is_not_ASCII_is_verified_as_the_text_it_is_then_refused_as_not_base64()
    {
        // Base64 is read from the body's bytes as characters; other bytes must not be read as something else.
        const string encrypt = "é+QUJD";
        var query = V5Query() with { MsgSignature = MpEventRelay.Protocol.Signing.WeChatSignature.Compute(Vectors.V5.Token, V5Query().Timestamp!, V5Query().Nonce!, encrypt) };

        var error = Assert.Throws<ProtocolException>(() => V5Decoder().Decode(query, Vectors.Utf8($"<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>")));

        Assert.Equal(ProtocolError.BadKey, error.Error);
    }

    [Fact]
    public void Encrypted_push_is_recognised_by_its_Encrypt_element_even_without_encrypt_type()
    {
        var push = V5Decoder().Decode(V5Query() with { EncryptType = null }, Vectors.Utf8(Vectors.V5.SecureBody));

        Assert.Equal(EncryptionMode.Secure, push.Mode);
    }

    [Fact]
    public void V1_plaintext_push_is_verified_by_signature()
    {
        var decoder = new PushDecoder(Vectors.V1.Token, cryptor: null);
        var query = new PushQuery { Timestamp = "1714037059", Nonce = "486452656", Signature = "899cf89e464efb63f54ddac96b0a0a235f53aa78" };

        var push = decoder.Decode(query, Vectors.Utf8(Vectors.V5.Message));

        Assert.Equal(EncryptionMode.Plaintext, push.Mode);
        Assert.Null(push.Encrypt);
    }

    [Fact]
    public void Every_flipped_bit_of_Encrypt_is_refused()
    {
        var decoder = V5Decoder();
        for (var i = 0; i < Vectors.V5.Encrypt.Length; i++)
        {
            for (var bit = 0; bit < 7; bit++)
            {
                var chars = Vectors.V5.Encrypt.ToCharArray();
                chars[i] = (char)(chars[i] ^ (1 << bit));
                if (chars[i] is '<' or '&' or ']' || char.IsControl(chars[i]))
                {
                    continue; // would not be XML text any more; covered by the XML tests
                }

                var body = Vectors.V5.SecureBody.Replace(Vectors.V5.Encrypt, new string(chars));
                var error = Assert.Throws<ProtocolException>(() => decoder.Decode(V5Query(), Vectors.Utf8(body))).Error;
                Assert.Equal(ProtocolError.BadSignature, error);
            }
        }
    }

    [Fact]
    public void Wrong_token_is_refused()
    {
        var decoder = new PushDecoder("another", new WeChatCryptor(Vectors.V5.AppId, Vectors.V5.Key));

        AssertRefused(ProtocolError.BadSignature, decoder, V5Query(), Vectors.V5.SecureBody);
    }

    [Fact]
    public void Plain_signature_is_not_accepted_for_an_encrypted_body()
    {
        AssertRefused(ProtocolError.BadSignature, V5Decoder(), V5Query() with { MsgSignature = null }, Vectors.V5.SecureBody);
    }

    [Fact]
    public void Encrypt_type_aes_without_Encrypt_is_refused()
    {
        AssertRefused(ProtocolError.MissingElement, V5Decoder(), V5Query(), Vectors.V5.Message);
    }

    [Fact]
    public void Encrypted_push_to_a_plaintext_only_account_is_refused()
    {
        AssertRefused(ProtocolError.BadKey, new PushDecoder(Vectors.V5.Token, cryptor: null), V5Query(), Vectors.V5.SecureBody);
    }

    [Fact]
    public void Right_signature_with_the_wrong_app_id_is_refused()
    {
        var decoder = new PushDecoder(Vectors.V5.Token, new WeChatCryptor("wx0000000000000000", Vectors.V5.Key));

        AssertRefused(ProtocolError.WrongAppId, decoder, V5Query(), Vectors.V5.SecureBody);
    }

    private static PushDecoder V5Decoder() => new(Vectors.V5.Token, new WeChatCryptor(Vectors.V5.AppId, Vectors.V5.Key));

    private static PushQuery V5Query() => new()
    {
        Timestamp = Vectors.V5.Timestamp,
        Nonce = Vectors.V5.Nonce,
        Signature = Vectors.V5.Signature,
        MsgSignature = Vectors.V5.MsgSignature,
        EncryptType = "aes",
        OpenId = "oyORnuP8q7ou2gfYjqLzSIWZf0rs",
    };

    private static void AssertRefused(ProtocolError expected, PushDecoder decoder, PushQuery query, string body) =>
        Assert.Equal(expected, Assert.Throws<ProtocolException>(() => decoder.Decode(query, Vectors.Utf8(body))).Error);
}
