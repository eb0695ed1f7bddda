using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace MpEventRelay.Protocol.Signing;

/// <summary>
/// The three or four texts a WeChat signature covers, as character spans (an <c>Encrypt</c> can still be in a rented
/// buffer), hashed in ordinal order: UTF-16 code units compared as <see cref="StringComparer.Ordinal"/> does.
/// </summary>
internal readonly ref struct SignatureParts
{
    private const int MaxParts = 4;
    private readonly ReadOnlySpan<char> _a;
    private readonly ReadOnlySpan<char> _b;
    private readonly ReadOnlySpan<char> _c;
    private readonly ReadOnlySpan<char> _d;
    private readonly int _count;

    public SignatureParts(ReadOnlySpan<char> token, ReadOnlySpan<char> timestamp, ReadOnlySpan<char> nonce)
    {
        _a = token;
        _b = timestamp;
        _c = nonce;
        _count = 3;
    }

    public SignatureParts(ReadOnlySpan<char> token, ReadOnlySpan<char> timestamp, ReadOnlySpan<char> nonce, ReadOnlySpan<char> encrypt)
    {
        _a = token;
        _b = timestamp;
        _c = nonce;
        _d = encrypt;
        _count = 4;
    }

    private ReadOnlySpan<char> this[int index] => index switch { 0 => _a, 1 => _b, 2 => _c, _ => _d };

    /// <summary>SHA-1 of the parts' UTF-8 bytes, concatenated in ordinal order, into <paramref name="destination"/> (20 bytes).</summary>
    public void Hash(Span<byte> destination)
    {
        Span<int> order = stackalloc int[MaxParts];
        var length = 0;
        for (var i = 0; i < _count; i++)
        {
            order[i] = i;
            length += Encoding.UTF8.GetByteCount(this[i]);
        }

        // Insertion sort: four items at most.
        for (var i = 1; i < _count; i++)
        {
            for (var j = i; j > 0 && this[order[j - 1]].SequenceCompareTo(this[order[j]]) > 0; j--)
            {
                (order[j - 1], order[j]) = (order[j], order[j - 1]);
            }
        }

        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = 0;
            for (var i = 0; i < _count; i++)
            {
                written += Encoding.UTF8.GetBytes(this[order[i]], rented.AsSpan(written));
            }

            SHA1.HashData(rented.AsSpan(0, written), destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
