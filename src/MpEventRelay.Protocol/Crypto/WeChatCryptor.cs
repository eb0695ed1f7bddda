using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using MpEventRelay.Protocol.Errors;

namespace MpEventRelay.Protocol.Crypto;

/// <summary>
/// WeChat's message encryption: AES-256-CBC, IV = first 16 key bytes, plaintext =
/// <c>random(16) ‖ length(4, big-endian) ‖ message ‖ AppId</c>, PKCS#7 padding to a 32-byte block done by hand
/// (.NET's PKCS7 mode refuses pads above 16). Thread-safe; build one per set of keys and keep it.
/// </summary>
public sealed class WeChatCryptor
{
    private const int RandomLength = 16;
    private const int LengthPrefix = 4;
    private const int HeaderLength = RandomLength + LengthPrefix;
    private const int PadBlock = 32;

    private readonly byte[] _appId;
    private readonly AesCbcKey _current;
    private readonly AesCbcKey? _previous;

    /// <summary>Creates a cryptor for one AppId and its current (and optionally previous) EncodingAESKey.</summary>
    /// <exception cref="ArgumentException">A key is not 43 characters of <c>[A-Za-z0-9]</c>, or the AppId is empty.</exception>
    public WeChatCryptor(string appId, string encodingAesKey, string? previousEncodingAesKey = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(appId);
        AppId = appId;
        _appId = Encoding.UTF8.GetBytes(appId);
        _current = new AesCbcKey(EncodingAesKey.Decode(encodingAesKey));
        _previous = string.IsNullOrEmpty(previousEncodingAesKey)
            ? null
            : new AesCbcKey(EncodingAesKey.Decode(previousEncodingAesKey));
    }

    /// <summary>The AppId written into, and required in, every plaintext.</summary>
    public string AppId { get; }

    /// <summary>True when this cryptor's key <paramref name="slot"/> and AppId equal <paramref name="other"/>'s current key and AppId.</summary>
    public bool SharesKeyWith(WeChatCryptor other, AesKeySlot slot = AesKeySlot.Current) =>
        AppId == other.AppId && KeyFor(slot).SameKeyAs(other._current);

    /// <summary>Encrypts <paramref name="message"/> with a fresh random prefix; returns the base64 <c>Encrypt</c> text.</summary>
    public string Encrypt(ReadOnlySpan<byte> message, AesKeySlot key = AesKeySlot.Current)
    {
        Span<byte> random = stackalloc byte[RandomLength];
        RandomNumberGenerator.Fill(random);
        return Encrypt(message, random, key);
    }

    /// <summary>Encrypts with a given 16-byte prefix. Only the published test vectors need this.</summary>
    internal string Encrypt(ReadOnlySpan<byte> message, ReadOnlySpan<byte> randomPrefix, AesKeySlot key = AesKeySlot.Current)
    {
        var cipher = ArrayPool<byte>.Shared.Rent(CiphertextLength(message.Length));
        try
        {
            var written = EncryptCore(message, randomPrefix, cipher, key);
            return Convert.ToBase64String(cipher.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(cipher);
        }
    }

    /// <summary>The length in bytes of the ciphertext of a <paramref name="messageLength"/>-byte message (before base64).</summary>
    public int CiphertextLength(int messageLength)
    {
        var unpadded = HeaderLength + messageLength + _appId.Length;
        return unpadded + PadBlock - (unpadded % PadBlock);
    }

    /// <summary>
    /// Encrypts <paramref name="message"/> with a fresh random prefix into <paramref name="destination"/> (at least
    /// <see cref="CiphertextLength"/> bytes): the raw ciphertext, for a caller that writes its base64 where it is needed.
    /// </summary>
    /// <returns>The bytes written.</returns>
    public int EncryptTo(ReadOnlySpan<byte> message, Span<byte> destination, AesKeySlot key = AesKeySlot.Current)
    {
        Span<byte> random = stackalloc byte[RandomLength];
        RandomNumberGenerator.Fill(random);
        return EncryptCore(message, random, destination, key);
    }

    private int EncryptCore(ReadOnlySpan<byte> message, ReadOnlySpan<byte> randomPrefix, Span<byte> destination, AesKeySlot key)
    {
        var unpadded = HeaderLength + message.Length + _appId.Length;
        var total = CiphertextLength(message.Length);
        var pad = total - unpadded;
        var plain = ArrayPool<byte>.Shared.Rent(total);
        try
        {
            randomPrefix[..RandomLength].CopyTo(plain);
            BinaryPrimitives.WriteInt32BigEndian(plain.AsSpan(RandomLength), message.Length);
            message.CopyTo(plain.AsSpan(HeaderLength));
            _appId.CopyTo(plain.AsSpan(HeaderLength + message.Length));
            plain.AsSpan(unpadded, pad).Fill((byte)pad);
            KeyFor(key).EncryptInPlace(plain, total);
            plain.AsSpan(0, total).CopyTo(destination);
            return total;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain.AsSpan(0, total));
            ArrayPool<byte>.Shared.Return(plain);
        }
    }

    /// <summary>
    /// Decrypts an <c>Encrypt</c> text, trying the previous key when the current one fails.
    /// </summary>
    /// <exception cref="ProtocolException">
    /// <see cref="ProtocolError.BadKey"/>, <see cref="ProtocolError.BadPadding"/>, <see cref="ProtocolError.BadLength"/> or
    /// <see cref="ProtocolError.WrongAppId"/>; with two keys, the current key's reason.
    /// </exception>
    public DecryptedMessage Decrypt(string encrypt)
    {
        ArgumentNullException.ThrowIfNull(encrypt);
        return Decrypt(encrypt.AsSpan());
    }

    /// <summary>Decrypts an <c>Encrypt</c> text that is not (yet) a string; as <see cref="Decrypt(string)"/>.</summary>
    public DecryptedMessage Decrypt(ReadOnlySpan<char> encrypt)
    {
        var cipher = ArrayPool<byte>.Shared.Rent((encrypt.Length * 3 / 4) + 3);
        try
        {
            if (!Convert.TryFromBase64Chars(encrypt, cipher, out var length) || length == 0 || length % 16 != 0)
            {
                throw new ProtocolException(ProtocolError.BadKey, "Encrypt is not base64 of whole AES blocks.");
            }

            if (TryDecrypt(_current, cipher, length, out var message, out var failure))
            {
                return new DecryptedMessage(message, AesKeySlot.Current);
            }

            if (_previous is not null && TryDecrypt(_previous, cipher, length, out message, out _))
            {
                return new DecryptedMessage(message, AesKeySlot.Previous);
            }

            throw failure!;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(cipher);
        }
    }

    private AesCbcKey KeyFor(AesKeySlot slot) =>
        slot == AesKeySlot.Previous ? _previous ?? throw new InvalidOperationException("No previous EncodingAESKey is configured.") : _current;

    private bool TryDecrypt(AesCbcKey key, byte[] ciphertext, int length, out byte[] message, out ProtocolException? failure)
    {
        var plain = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            key.Decrypt(ciphertext, length, plain);
            failure = Unwrap(plain.AsSpan(0, length), out message);
            return failure is null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain.AsSpan(0, length));
            ArrayPool<byte>.Shared.Return(plain);
        }
    }

    private ProtocolException? Unwrap(ReadOnlySpan<byte> plain, out byte[] message)
    {
        message = [];
        var pad = plain[^1]; // never empty: the ciphertext is whole, non-empty AES blocks
        if (pad is < 1 or > PadBlock || pad > plain.Length || plain[^pad..].IndexOfAnyExcept((byte)pad) >= 0)
        {
            return new ProtocolException(ProtocolError.BadPadding, "The decrypted padding is not PKCS#7 to 32 bytes: most likely the message was encrypted with another EncodingAESKey.");
        }

        var unpadded = plain[..^pad];
        if (unpadded.Length < HeaderLength)
        {
            return new ProtocolException(ProtocolError.BadLength, "The decrypted message is shorter than its header.");
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(unpadded[RandomLength..]);
        if (length < 0 || length > unpadded.Length - HeaderLength)
        {
            return new ProtocolException(ProtocolError.BadLength, "The decrypted length prefix points past the end.");
        }

        if (!unpadded[(HeaderLength + length)..].SequenceEqual(_appId))
        {
            return new ProtocolException(ProtocolError.WrongAppId, "The decrypted AppId is not this account's AppId.");
        }

        message = unpadded.Slice(HeaderLength, length).ToArray();
        return null;
    }
}
