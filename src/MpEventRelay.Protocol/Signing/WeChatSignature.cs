using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace MpEventRelay.Protocol.Signing;

/// <summary>
/// WeChat's signatures: lower-case hex SHA-1 over the ordinal-sorted concatenation of the token, the timestamp,
/// the nonce and (for <c>msg_signature</c> and a reply's <c>MsgSignature</c>) the <c>Encrypt</c> text.
/// </summary>
/// <remarks>
/// The sort is ordinal on purpose: a culture-aware sort orders letter case differently and yields wrong signatures.
/// Verification compares the 20 hash bytes in constant time.
/// </remarks>
public static class WeChatSignature
{
    private const int Sha1Length = 20;

    /// <summary>The URL-verification and plain push <c>signature</c> (covers no body).</summary>
    public static string Compute(string token, string timestamp, string nonce)
    {
        Span<byte> hash = stackalloc byte[Sha1Length];
        Span<string> parts = [token, timestamp, nonce];
        Hash(parts, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>The <c>msg_signature</c> of an encrypted push, or the <c>MsgSignature</c> of an encrypted reply.</summary>
    public static string Compute(string token, string timestamp, string nonce, string encrypt)
    {
        Span<byte> hash = stackalloc byte[Sha1Length];
        Span<string> parts = [token, timestamp, nonce, encrypt];
        Hash(parts, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Checks a <c>signature</c> in constant time; false for a missing or malformed one.</summary>
    public static bool Verify(string? signature, string token, string timestamp, string nonce)
    {
        Span<byte> expected = stackalloc byte[Sha1Length];
        Span<string> parts = [token, timestamp, nonce];
        Hash(parts, expected);
        return MatchesHex(signature, expected);
    }

    /// <summary>Checks a <c>msg_signature</c> / <c>MsgSignature</c> in constant time; false for a missing or malformed one.</summary>
    public static bool Verify(string? signature, string token, string timestamp, string nonce, string encrypt)
    {
        Span<byte> expected = stackalloc byte[Sha1Length];
        Span<string> parts = [token, timestamp, nonce, encrypt];
        Hash(parts, expected);
        return MatchesHex(signature, expected);
    }

    private static void Hash(Span<string> parts, Span<byte> destination)
    {
        parts.Sort(StringComparer.Ordinal);
        var length = 0;
        foreach (var part in parts)
        {
            length += Encoding.UTF8.GetByteCount(part);
        }

        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = 0;
            foreach (var part in parts)
            {
                written += Encoding.UTF8.GetBytes(part, rented.AsSpan(written));
            }

            SHA1.HashData(rented.AsSpan(0, written), destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static bool MatchesHex(string? provided, ReadOnlySpan<byte> expected)
    {
        if (provided is null || provided.Length != Sha1Length * 2)
        {
            return false;
        }

        Span<byte> actual = stackalloc byte[Sha1Length];
        if (Convert.FromHexString(provided, actual, out _, out _) != OperationStatus.Done) // 40 hex digits fill the 20 bytes exactly
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }
}
