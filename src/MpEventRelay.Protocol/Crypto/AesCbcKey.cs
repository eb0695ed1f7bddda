using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace MpEventRelay.Protocol.Crypto;

/// <summary>
/// One AES-256 key with WeChat's IV (its first 16 bytes), and a small pool of <see cref="Aes"/> instances:
/// an instance is not documented as safe for concurrent use, and creating one per message costs more than reusing it.
/// </summary>
internal sealed class AesCbcKey
{
    private readonly byte[] _key;
    private readonly byte[] _iv;
    private readonly ConcurrentQueue<Aes> _pool = new();
    private readonly int _maxPooled = Environment.ProcessorCount * 2;

    public AesCbcKey(byte[] key)
    {
        _key = key;
        _iv = key[..16];
    }

    /// <summary>True when both keys hold the same bytes (a target that shares the account's key).</summary>
    public bool SameKeyAs(AesCbcKey other) => CryptographicOperations.FixedTimeEquals(_key, other._key);

    public int Encrypt(ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        var aes = Rent();
        try
        {
            return aes.EncryptCbc(plaintext, _iv, destination, PaddingMode.None);
        }
        finally
        {
            Return(aes);
        }
    }

    public int Decrypt(ReadOnlySpan<byte> ciphertext, Span<byte> destination)
    {
        var aes = Rent();
        try
        {
            return aes.DecryptCbc(ciphertext, _iv, destination, PaddingMode.None);
        }
        finally
        {
            Return(aes);
        }
    }

    private Aes Rent()
    {
        if (_pool.TryDequeue(out var aes))
        {
            return aes;
        }

        aes = Aes.Create();
        aes.Key = _key;
        return aes;
    }

    private void Return(Aes aes)
    {
        if (_pool.Count < _maxPooled)
        {
            _pool.Enqueue(aes);
        }
        else
        {
            aes.Dispose();
        }
    }
}
