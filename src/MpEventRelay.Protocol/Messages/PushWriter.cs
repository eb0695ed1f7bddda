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
    private static ReadOnlySpan<byte> XmlEnd => "</xml>"u8;

    /// <summary>Writes one push.</summary>
    /// <param name="message">The message; its exact bytes are what the receiver decrypts (or reads).</param>
    /// <param name="keys">The receiver's Token and cryptor.</param>
    /// <param name="mode">The receiver's mode.</param>
    /// <param name="timestamp">Unix seconds, as text.</param>
    /// <param name="nonce">A fresh random nonce.</param>
    /// <param name="encrypt">An existing <c>Encrypt</c> of the same bytes under the receiver's key, to reuse instead of encrypting again.</param>
    public static OutgoingPush Write(PushMessage message, WeChatKeys keys, EncryptionMode mode, string timestamp, string nonce, string? encrypt = null)
    {
        var query = $"signature={WeChatSignature.Compute(keys.Token, timestamp, nonce)}&timestamp={Uri.EscapeDataString(timestamp)}&nonce={Uri.EscapeDataString(nonce)}&openid={Uri.EscapeDataString(message.FromUserName)}";
        if (mode == EncryptionMode.Plaintext)
        {
            return new OutgoingPush(message.Xml.ToArray(), query);
        }

        encrypt ??= keys.RequireCryptor().Encrypt(message.Xml.Span);
        query += $"&encrypt_type=aes&msg_signature={WeChatSignature.Compute(keys.Token, timestamp, nonce, encrypt)}";
        var end = message.Xml.Span.LastIndexOf(XmlEnd);
        var body = mode == EncryptionMode.Compatible && end >= 0
            ? CompatibleBody(message.Xml.Span, end, encrypt)
            : SecureBody(message.ToUserName, encrypt);
        return new OutgoingPush(body, query);
    }

    // The bodies are written straight into one array: Encrypt is base64 (ASCII, never "]]>"), so it needs no escaping.
    private static ReadOnlySpan<byte> EncryptOpen => "<Encrypt><![CDATA["u8;

    private static ReadOnlySpan<byte> EncryptClose => "]]></Encrypt>"u8;

    private static byte[] SecureBody(string toUserName, string encrypt)
    {
        var to = new StringBuilder(toUserName.Length + 40);
        XmlText.AppendCdataElement(to, "ToUserName", toUserName);
        var toLength = Encoding.UTF8.GetByteCount(to.ToString());
        var body = new byte["<xml>"u8.Length + toLength + EncryptOpen.Length + encrypt.Length + EncryptClose.Length + XmlEnd.Length];
        var written = Append(body, 0, "<xml>"u8);
        written += Encoding.UTF8.GetBytes(to.ToString(), body.AsSpan(written));
        written = AppendEncrypt(body, written, encrypt);
        Append(body, written, XmlEnd);
        return body;
    }

    // Compatible mode is the message itself with the Encrypt element added before </xml>.
    private static byte[] CompatibleBody(ReadOnlySpan<byte> message, int end, string encrypt)
    {
        var body = new byte[message.Length + EncryptOpen.Length + encrypt.Length + EncryptClose.Length];
        var written = Append(body, 0, message[..end]);
        written = AppendEncrypt(body, written, encrypt);
        Append(body, written, message[end..]);
        return body;
    }

    private static int AppendEncrypt(byte[] body, int at, string encrypt)
    {
        at = Append(body, at, EncryptOpen);
        at += Encoding.ASCII.GetBytes(encrypt, body.AsSpan(at));
        return Append(body, at, EncryptClose);
    }

    private static int Append(byte[] body, int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(body.AsSpan(at));
        return at + bytes.Length;
    }
}
