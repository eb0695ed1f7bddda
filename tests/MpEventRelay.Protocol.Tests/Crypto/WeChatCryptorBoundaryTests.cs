using System.Text;
using MpEventRelay.Protocol.Crypto;
using MpEventRelay.Protocol.Errors;

namespace MpEventRelay.Protocol.Tests.Crypto;

/// <summary>The exact edges of unwrapping a decrypted message: each test sits on one boundary a bug would move.</summary>
public sealed class WeChatCryptorBoundaryTests
{
    private const string AppId = "wx1234567890abcdef"; // 18 bytes

    [Fact]
    public void A_pad_of_a_whole_32_byte_block_is_valid()
    {
        // 20 header + 26 message + 18 AppId = 64: a multiple of 32, so PKCS#7 to 32 adds a whole block of 32s.
        var message = Encoding.ASCII.GetBytes(new string('m', 26));
        var encrypted = Cryptor().Encrypt(message);

        Assert.Equal(96, Convert.FromBase64String(encrypted).Length);
        Assert.Equal(message, Cryptor().Decrypt(encrypted).Message);
    }

    [Fact]
    public void A_plaintext_that_is_all_padding_is_too_short_not_badly_padded()
    {
        var plain = Enumerable.Repeat((byte)32, 32).ToArray();

        AssertRefused(ProtocolError.BadLength, "shorter than its header", plain);
    }

    [Fact]
    public void The_first_pad_byte_is_checked_too()
    {
        var plain = CraftedPlaintext.Build("hello"u8, AppId, 5);
        var pad = plain[^1];
        plain[^pad] ^= 0x01;

        AssertRefused(ProtocolError.BadPadding, "PKCS#7", plain);
    }

    [Fact]
    public void A_header_and_nothing_else_reaches_the_AppId_check()
    {
        var plain = CraftedPlaintext.Build([], string.Empty, 0); // exactly 20 bytes before the pad

        AssertRefused(ProtocolError.WrongAppId, "AppId", plain);
    }

    [Fact]
    public void A_length_prefix_that_ends_exactly_at_the_end_reaches_the_AppId_check()
    {
        var plain = CraftedPlaintext.Build("hello"u8, string.Empty, 5); // the message fills everything: no AppId after it

        AssertRefused(ProtocolError.WrongAppId, "AppId", plain);
    }

    [Fact]
    public void Every_refusal_says_why()
    {
        AssertRefused(ProtocolError.BadLength, "past the end", CraftedPlaintext.Build("hello"u8, AppId, 99));
        var error = Assert.Throws<ProtocolException>(() => Cryptor().Decrypt("AAAA"));
        Assert.Contains("whole AES blocks", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Arguments_are_checked()
    {
        Assert.Throws<ArgumentNullException>(() => Cryptor().Decrypt(null!));
        Assert.ThrowsAny<ArgumentException>(() => new WeChatCryptor(string.Empty, Vectors.V2.Key));
        Assert.Throws<InvalidOperationException>(() => Cryptor().Encrypt("x"u8, AesKeySlot.Previous));
    }

    [Fact]
    public void Sharing_a_key_needs_the_same_key_and_the_same_AppId()
    {
        var cryptor = Cryptor();

        Assert.True(cryptor.SharesKeyWith(new WeChatCryptor(AppId, Vectors.V2.Key)));
        Assert.False(cryptor.SharesKeyWith(new WeChatCryptor("wxother", Vectors.V2.Key)));
        Assert.False(cryptor.SharesKeyWith(new WeChatCryptor(AppId, Vectors.V4.Key)));
        var rotated = new WeChatCryptor(AppId, Vectors.V4.Key, Vectors.V2.Key);
        Assert.True(rotated.SharesKeyWith(cryptor, AesKeySlot.Previous));
        Assert.False(rotated.SharesKeyWith(cryptor));
    }

    private static WeChatCryptor Cryptor() => new(AppId, Vectors.V2.Key);

    private static void AssertRefused(ProtocolError expected, string reason, byte[] plain)
    {
        var error = Assert.Throws<ProtocolException>(() => Cryptor().Decrypt(CraftedPlaintext.EncryptUnderV2Key(plain)));
        Assert.Equal(expected, error.Error);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
