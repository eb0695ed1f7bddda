namespace MpEventRelay.Protocol.Crypto;

/// <summary>Turns the console's 43-character EncodingAESKey into the 32-byte AES key.</summary>
public static class EncodingAesKey
{
    /// <summary>The length WeChat's console gives every EncodingAESKey.</summary>
    public const int Length = 43;

    /// <summary>True when <paramref name="value"/> is 43 characters of <c>[A-Za-z0-9]</c>.</summary>
    public static bool IsValid(string? value)
    {
        if (value is null || value.Length != Length)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><c>Base64Decode(EncodingAESKey + "=")</c>: the 32-byte AES-256 key.</summary>
    /// <exception cref="ArgumentException">The value is not a valid EncodingAESKey.</exception>
    public static byte[] Decode(string value)
    {
        if (!IsValid(value))
        {
            throw new ArgumentException("An EncodingAESKey is 43 characters of A-Z, a-z and 0-9.", nameof(value));
        }

        return Convert.FromBase64String(value + "=");
    }
}
