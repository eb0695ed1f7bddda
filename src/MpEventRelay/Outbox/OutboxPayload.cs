using MpEventRelay.Protocol.Crypto;

namespace MpEventRelay.Outbox;

/// <summary>
/// Seals a message for storage with the account's own EncodingAESKey (WeChat's format, so key rotation works the
/// same way); accounts without a key store base64.
/// </summary>
internal static class OutboxPayload
{
    private const string Aes = "aes:";
    private const string Plain = "b64:";

    public static string Seal(WeChatCryptor? cryptor, ReadOnlySpan<byte> message) =>
        cryptor is null ? Plain + Convert.ToBase64String(message) : Aes + cryptor.Encrypt(message);

    /// <exception cref="Protocol.Errors.ProtocolException">The account's keys no longer open it.</exception>
    /// <exception cref="FormatException">The payload is corrupt.</exception>
    public static byte[] Open(WeChatCryptor? cryptor, string payload)
    {
        if (payload.StartsWith(Plain, StringComparison.Ordinal))
        {
            return Convert.FromBase64String(payload[Plain.Length..]);
        }

        if (payload.StartsWith(Aes, StringComparison.Ordinal) && cryptor is not null)
        {
            return cryptor.Decrypt(payload[Aes.Length..]).Message;
        }

        throw new FormatException("The payload is sealed with a key the account no longer has.");
    }
}
