using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using MpEventRelay.Protocol.Crypto;

namespace MpEventRelay.Protocol.Tests.Crypto;

/// <summary>
/// Plaintexts built by hand so each part can be broken on purpose, and encrypted under vector V2's key with the
/// platform's AES-CBC without padding (test-side only: the cryptor under test never sees how they were made).
/// </summary>
internal static class CraftedPlaintext
{
    // random(16) ‖ length ‖ message ‖ appId ‖ pad-to-32.
    public static byte[] Build(ReadOnlySpan<byte> message, string appId, int lengthPrefix)
    {
        var app = Encoding.UTF8.GetBytes(appId);
        var unpadded = 20 + message.Length + app.Length;
        var pad = 32 - (unpadded % 32);
        var plain = new byte[unpadded + pad];
        BinaryPrimitives.WriteInt32BigEndian(plain.AsSpan(16), lengthPrefix);
        message.CopyTo(plain.AsSpan(20));
        app.CopyTo(plain.AsSpan(20 + message.Length));
        plain.AsSpan(unpadded).Fill((byte)pad);
        return plain;
    }

    public static string EncryptUnderV2Key(byte[] plain)
    {
        using var aes = Aes.Create();
        aes.Key = EncodingAesKey.Decode(Vectors.V2.Key);
        return Convert.ToBase64String(aes.EncryptCbc(plain, aes.Key[..16], PaddingMode.None));
    }
}
