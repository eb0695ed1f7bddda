using System.Buffers;
using System.Security.Cryptography;

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
        new SignatureParts(token, timestamp, nonce).Hash(hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>The <c>msg_signature</c> of an encrypted push, or the <c>MsgSignature</c> of an encrypted reply.</summary>
    public static string Compute(string token, string timestamp, string nonce, string encrypt) => Compute(token, timestamp, nonce, encrypt.AsSpan());

    /// <summary>The <c>msg_signature</c> over an <c>Encrypt</c> that is not (yet) a string.</summary>
    public static string Compute(string token, string timestamp, string nonce, ReadOnlySpan<char> encrypt)
    {
        Span<byte> hash = stackalloc byte[Sha1Length];
        new SignatureParts(token, timestamp, nonce, encrypt).Hash(hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Checks a <c>signature</c> in constant time; false for a missing or malformed one.</summary>
    public static bool Verify(string? signature, string token, string timestamp, string nonce)
    {
        Span<byte> expected = stackalloc byte[Sha1Length];
        new SignatureParts(token, timestamp, nonce).Hash(expected);
        return MatchesHex(signature, expected);
    }

    /// <summary>Checks a <c>msg_signature</c> / <c>MsgSignature</c> in constant time; false for a missing or malformed one.</summary>
    public static bool Verify(string? signature, string token, string timestamp, string nonce, string encrypt) => Verify(signature, token, timestamp, nonce, encrypt.AsSpan());

    /// <summary>Checks a <c>msg_signature</c> over an <c>Encrypt</c> that is not (yet) a string.</summary>
    public static bool Verify(string? signature, string token, string timestamp, string nonce, ReadOnlySpan<char> encrypt)
    {
        Span<byte> expected = stackalloc byte[Sha1Length];
        new SignatureParts(token, timestamp, nonce, encrypt).Hash(expected);
        return MatchesHex(signature, expected);
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
