using System.Security.Cryptography;
using System.Text;
using MpEventRelay.Protocol.Crypto;
using MpEventRelay.Protocol.Errors;

namespace MpEventRelay.Protocol.Tests.Crypto;

public sealed class WeChatCryptorTests
{
    [Fact]
    public void V1_secure_push_decrypts_to_the_documented_message_and_encrypts_back_byte_for_byte()
    {
        var cryptor = new WeChatCryptor(Vectors.V1.AppId, Vectors.V1.Key);

        var decrypted = cryptor.Decrypt(Vectors.V1.SecureEncrypt);

        Assert.Equal(Vectors.Utf8(Vectors.V1.SecureMessage), decrypted.Message);
        Assert.Equal(167, decrypted.Message.Length);
        Assert.Equal(AesKeySlot.Current, decrypted.Key);
        Assert.Equal(Vectors.V1.SecureEncrypt, cryptor.Encrypt(decrypted.Message, Vectors.Ascii("a8eedb185eb2fecf")));
    }

    [Fact]
    public void V1_reply_encrypts_to_the_documented_ciphertext()
    {
        var cryptor = new WeChatCryptor(Vectors.V1.AppId, Vectors.V1.Key);

        var encrypt = cryptor.Encrypt(Vectors.Utf8("{\"demo_resp\":\"good luck\"}"), Vectors.Ascii("707722b803182950"));

        Assert.Equal(Vectors.V1.ReplyEncrypt, encrypt);
    }

    [Fact]
    public void One_key_reused_message_after_message_starts_each_from_the_IV()
    {
        // The key's CBC transforms are pooled and reused: a chain carried over from the previous message would change
        // every ciphertext after the first and garble the first block of every decryption after the first.
        var cryptor = new WeChatCryptor(Vectors.V1.AppId, Vectors.V1.Key);
        var secure = Vectors.Utf8(Vectors.V1.SecureMessage);
        var reply = Vectors.Utf8("{\"demo_resp\":\"good luck\"}");

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(Vectors.V1.SecureEncrypt, cryptor.Encrypt(secure, Vectors.Ascii("a8eedb185eb2fecf")));
            Assert.Equal(Vectors.V1.ReplyEncrypt, cryptor.Encrypt(reply, Vectors.Ascii("707722b803182950")));
            Assert.Equal(secure, cryptor.Decrypt(Vectors.V1.SecureEncrypt).Message);
            Assert.Equal(reply, cryptor.Decrypt(Vectors.V1.ReplyEncrypt).Message);
        }
    }

    [Fact]
    public void Each_encryption_of_the_same_message_is_different_and_decrypts_to_it()
    {
        // The 16-byte prefix is what makes CBC with WeChat's fixed IV safe to repeat: it must be fresh every time.
        var cryptor = new WeChatCryptor(Vectors.V1.AppId, Vectors.V1.Key);
        var message = Vectors.Utf8(Vectors.V1.SecureMessage);
        var first = new byte[cryptor.CiphertextLength(message.Length)];
        var second = new byte[first.Length];

        cryptor.EncryptTo(message, first);
        cryptor.EncryptTo(message, second);

        Assert.NotEqual(first, second);
        Assert.NotEqual(cryptor.Encrypt(message), cryptor.Encrypt(message));
        Assert.Equal(message, cryptor.Decrypt(Convert.ToBase64String(first)).Message);
        Assert.Equal(message, cryptor.Decrypt(Convert.ToBase64String(second)).Message);
    }

    [Fact]
    public void A_key_whose_transform_failed_decrypts_the_next_message_right()
    {
        var key = new AesCbcKey(EncodingAesKey.Decode(Vectors.V1.Key));
        var cryptor = new WeChatCryptor(Vectors.V1.AppId, Vectors.V1.Key);
        var cipher = Convert.FromBase64String(Vectors.V1.SecureEncrypt);
        var plain = new byte[cipher.Length];

        Assert.ThrowsAny<Exception>(() => key.Decrypt(cipher, 15, plain)); // not whole blocks: the transform refuses
        key.Decrypt(cipher, cipher.Length, plain);

        var expected = new byte[cipher.Length];
        new AesCbcKey(EncodingAesKey.Decode(Vectors.V1.Key)).Decrypt(cipher, cipher.Length, expected);
        Assert.Equal(expected, plain);
        Assert.Equal(Vectors.Utf8(Vectors.V1.SecureMessage), cryptor.Decrypt(Vectors.V1.SecureEncrypt).Message);
    }

    [Fact]
    public void V2_compatible_encrypt_decrypts_to_the_sample_message_with_its_newlines()
    {
        var cryptor = new WeChatCryptor(Vectors.V2.AppId, Vectors.V2.Key);

        var decrypted = cryptor.Decrypt(Vectors.V2.Encrypt);

        Assert.Equal(Vectors.Utf8(Vectors.V2.Decrypted), decrypted.Message);
        Assert.Equal(Vectors.V2.Encrypt, cryptor.Encrypt(decrypted.Message, Vectors.Ascii("89465c840c5f116f")));
    }

    [Fact]
    public void V3_chinese_message_encrypts_deterministically_with_the_given_prefix()
    {
        var cryptor = new WeChatCryptor(Vectors.V3.AppId, Vectors.V3.Key);

        Assert.Equal(Vectors.V3.Encrypt, cryptor.Encrypt(Vectors.Utf8(Vectors.V3.Message), Vectors.Ascii("aaaabbbbccccdddd")));
        Assert.Equal(Vectors.V3.Message, Encoding.UTF8.GetString(cryptor.Decrypt(Vectors.V3.Encrypt).Message));
    }

    [Fact]
    public void V4_thirty_byte_pad_is_accepted()
    {
        var cryptor = new WeChatCryptor(Vectors.V4.AppId, Vectors.V4.Key);

        Assert.Equal(Vectors.Utf8(Vectors.V4.Decrypted), cryptor.Decrypt(Vectors.V4.Encrypt).Message);
    }

    [Fact]
    public void V5_follow_via_qr_encrypts_to_the_generated_ciphertext()
    {
        var cryptor = new WeChatCryptor(Vectors.V5.AppId, Vectors.V5.Key);

        Assert.Equal(Vectors.V5.Encrypt, cryptor.Encrypt(Vectors.Utf8(Vectors.V5.Message), Vectors.Ascii("aaaabbbbccccdddd")));
        Assert.Equal(Vectors.Utf8(Vectors.V5.Message), cryptor.Decrypt(Vectors.V5.Encrypt).Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("我是中文 — 表情 😀🎉 and ]]> inside, <tags> & \"quotes\"")]
    [InlineData("<xml><Content><![CDATA[a]]]]><![CDATA[>b]]></Content></xml>")]
    public void Round_trips_any_text(string text)
    {
        var cryptor = new WeChatCryptor(Vectors.V2.AppId, Vectors.V2.Key);
        var bytes = Vectors.Utf8(text);

        Assert.Equal(bytes, cryptor.Decrypt(cryptor.Encrypt(bytes)).Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(200 * 1024)]
    public void Round_trips_random_bytes_of_any_length_and_pads_to_32(int length)
    {
        var cryptor = new WeChatCryptor(Vectors.V2.AppId, Vectors.V2.Key);
        var bytes = RandomNumberGenerator.GetBytes(length);

        var encrypt = cryptor.Encrypt(bytes);

        Assert.Equal(0, Convert.FromBase64String(encrypt).Length % 32);
        Assert.Equal(bytes, cryptor.Decrypt(encrypt).Message);
    }

    [Fact]
    public void Each_encryption_uses_a_fresh_random_prefix()
    {
        var cryptor = new WeChatCryptor(Vectors.V2.AppId, Vectors.V2.Key);

        Assert.NotEqual(cryptor.Encrypt("same"u8), cryptor.Encrypt("same"u8));
    }

    [Fact]
    public void Previous_key_opens_what_the_current_key_cannot_and_says_so()
    {
        var rotated = new WeChatCryptor(Vectors.V2.AppId, Vectors.V4.Key, previousEncodingAesKey: Vectors.V2.Key);

        var decrypted = rotated.Decrypt(Vectors.V2.Encrypt);

        Assert.Equal(AesKeySlot.Previous, decrypted.Key);
        Assert.Equal(Vectors.Utf8(Vectors.V2.Decrypted), decrypted.Message);
        var reply = rotated.Encrypt("reply"u8, AesKeySlot.Previous);
        Assert.Equal("reply"u8.ToArray(), new WeChatCryptor(Vectors.V2.AppId, Vectors.V2.Key).Decrypt(reply).Message);
    }

    [Fact]
    public void Wrong_app_id_is_refused()
    {
        var cryptor = new WeChatCryptor("wx0000000000000000", Vectors.V2.Key);

        AssertRefused(ProtocolError.WrongAppId, () => cryptor.Decrypt(Vectors.V2.Encrypt));
    }

    [Fact]
    public void Wrong_key_is_refused_with_a_decryption_reason()
    {
        var cryptor = new WeChatCryptor(Vectors.V2.AppId, Vectors.V4.Key);

        var error = Assert.Throws<ProtocolException>(() => cryptor.Decrypt(Vectors.V2.Encrypt)).Error;

        Assert.Contains(error, new[] { ProtocolError.BadPadding, ProtocolError.BadLength, ProtocolError.WrongAppId });
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("")]
    [InlineData("AAAA")] // 3 bytes: not whole AES blocks
    public void Malformed_ciphertext_is_refused(string encrypt)
    {
        var cryptor = new WeChatCryptor(Vectors.V2.AppId, Vectors.V2.Key);

        AssertRefused(ProtocolError.BadKey, () => cryptor.Decrypt(encrypt));
    }

    [Fact]
    public void Ciphertext_truncated_by_one_byte_is_refused()
    {
        var cryptor = new WeChatCryptor(Vectors.V2.AppId, Vectors.V2.Key);
        var bytes = Convert.FromBase64String(Vectors.V2.Encrypt);

        AssertRefused(ProtocolError.BadKey, () => cryptor.Decrypt(Convert.ToBase64String(bytes[..^1])));
    }

    [Fact]
    public void Ciphertext_truncated_by_a_whole_block_is_refused()
    {
        var cryptor = new WeChatCryptor(Vectors.V4.AppId, Vectors.V4.Key);
        var bytes = Convert.FromBase64String(Vectors.V4.Encrypt);

        var error = Assert.Throws<ProtocolException>(() => cryptor.Decrypt(Convert.ToBase64String(bytes[..^16]))).Error;

        Assert.Contains(error, new[] { ProtocolError.BadPadding, ProtocolError.BadLength, ProtocolError.WrongAppId });
    }

    [Theory]
    [InlineData(0)]
    [InlineData(33)]
    public void Pad_byte_outside_1_to_32_is_refused(byte pad)
    {
        var plain = CraftedPlaintext.Build("hello"u8, Vectors.V2.AppId, lengthPrefix: 5);
        plain[^1] = pad;

        AssertRefused(ProtocolError.BadPadding, () => Cryptor().Decrypt(CraftedPlaintext.EncryptUnderV2Key(plain)));
    }

    [Fact]
    public void Pad_bytes_that_disagree_are_refused()
    {
        var plain = CraftedPlaintext.Build("hello"u8, Vectors.V2.AppId, lengthPrefix: 5);
        plain[^2] ^= 0xFF;

        AssertRefused(ProtocolError.BadPadding, () => Cryptor().Decrypt(CraftedPlaintext.EncryptUnderV2Key(plain)));
    }

    [Theory]
    [InlineData(6)]
    [InlineData(1000)]
    [InlineData(-1)]
    public void Length_prefix_past_the_end_is_refused(int lengthPrefix)
    {
        var plain = CraftedPlaintext.Build("hello"u8, string.Empty, lengthPrefix);

        AssertRefused(ProtocolError.BadLength, () => Cryptor().Decrypt(CraftedPlaintext.EncryptUnderV2Key(plain)));
    }

    [Fact]
    public void Invalid_encoding_aes_key_is_refused_at_construction()
    {
        Assert.Throws<ArgumentException>(() => new WeChatCryptor("wx1", "too-short"));
        Assert.Throws<ArgumentException>(() => new WeChatCryptor("wx1", Vectors.V2.Key[..42] + "!"));
    }

    private static WeChatCryptor Cryptor() => new(Vectors.V2.AppId, Vectors.V2.Key);

    private static void AssertRefused(ProtocolError expected, Action action) =>
        Assert.Equal(expected, Assert.Throws<ProtocolException>(action).Error);
}
