using System.Text;
using MpEventRelay.Protocol.Signing;

namespace MpEventRelay.Protocol.Messages;

/// <summary>
/// Writes a push exactly as WeChat would send it to a developer server with the given keys and mode:
/// <c>signature</c>, <c>timestamp</c>, <c>nonce</c>, <c>openid</c>, and for encrypted modes <c>encrypt_type=aes</c>,
/// <c>msg_signature</c> and the body re-encrypted with that server's key and the account's AppId.
/// </summary>
public static class PushWriter
{
    private static readonly byte[] XmlEnd = "</xml>"u8.ToArray();

    /// <summary>Writes one push.</summary>
    /// <param name="message">The message; its exact bytes are what the receiver decrypts (or reads).</param>
    /// <param name="keys">The receiver's Token and cryptor.</param>
    /// <param name="mode">The receiver's mode.</param>
    /// <param name="timestamp">Unix seconds, as text.</param>
    /// <param name="nonce">A fresh random nonce.</param>
    /// <param name="encrypt">An existing <c>Encrypt</c> of the same bytes under the receiver's key, to reuse instead of encrypting again.</param>
    public static OutgoingPush Write(PushMessage message, WeChatKeys keys, EncryptionMode mode, string timestamp, string nonce, string? encrypt = null)
    {
        var query = new StringBuilder(256)
            .Append("signature=").Append(WeChatSignature.Compute(keys.Token, timestamp, nonce))
            .Append("&timestamp=").Append(Uri.EscapeDataString(timestamp))
            .Append("&nonce=").Append(Uri.EscapeDataString(nonce))
            .Append("&openid=").Append(Uri.EscapeDataString(message.FromUserName));

        if (mode == EncryptionMode.Plaintext)
        {
            return new OutgoingPush(message.Xml.ToArray(), query.ToString());
        }

        encrypt ??= keys.RequireCryptor().Encrypt(message.Xml.Span);
        query.Append("&encrypt_type=aes&msg_signature=").Append(WeChatSignature.Compute(keys.Token, timestamp, nonce, encrypt));
        var end = message.Xml.Span.LastIndexOf(XmlEnd);
        var body = mode == EncryptionMode.Compatible && end >= 0
            ? CompatibleBody(message.Xml.Span, end, encrypt)
            : SecureBody(message.ToUserName, encrypt);
        return new OutgoingPush(body, query.ToString());
    }

    private static byte[] SecureBody(string toUserName, string encrypt)
    {
        var xml = new StringBuilder(encrypt.Length + 128).Append("<xml>");
        XmlText.AppendCdataElement(xml, "ToUserName", toUserName);
        XmlText.AppendCdataElement(xml, "Encrypt", encrypt);
        return Encoding.UTF8.GetBytes(xml.Append("</xml>").ToString());
    }

    // Compatible mode is the message itself with the Encrypt element added before </xml>.
    private static byte[] CompatibleBody(ReadOnlySpan<byte> message, int end, string encrypt)
    {
        var element = new StringBuilder(encrypt.Length + 40);
        XmlText.AppendCdataElement(element, "Encrypt", encrypt);
        var inserted = Encoding.UTF8.GetBytes(element.ToString());

        var body = new byte[message.Length + inserted.Length];
        message[..end].CopyTo(body);
        inserted.CopyTo(body.AsSpan(end));
        message[end..].CopyTo(body.AsSpan(end + inserted.Length));
        return body;
    }
}
