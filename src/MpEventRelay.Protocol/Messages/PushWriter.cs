using System.Buffers;
using System.Buffers.Text;
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
        var signature = WeChatSignature.Compute(keys.Token, timestamp, nonce);
        if (mode == EncryptionMode.Plaintext)
        {
            return new OutgoingPush(message.Xml.ToArray(), Query(signature, timestamp, nonce, message.FromUserName, null));
        }

        if (encrypt is not null)
        {
            return Encrypted(message, keys, mode, timestamp, nonce, signature, encrypt);
        }

        // The new Encrypt goes from the cipher's bytes to base64 characters in rented buffers and from there into the
        // body: it is never a string of its own (about 2 KB a push).
        var cryptor = keys.RequireCryptor();
        var cipher = ArrayPool<byte>.Shared.Rent(cryptor.CiphertextLength(message.Xml.Length));
        char[]? base64 = null;
        try
        {
            var length = cryptor.EncryptTo(message.Xml.Span, cipher);
            base64 = ArrayPool<char>.Shared.Rent(Base64.GetMaxEncodedToUtf8Length(length));
            Convert.TryToBase64Chars(cipher.AsSpan(0, length), base64, out var written);
            return Encrypted(message, keys, mode, timestamp, nonce, signature, base64.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(cipher);
            if (base64 is not null)
            {
                ArrayPool<char>.Shared.Return(base64);
            }
        }
    }

    private static OutgoingPush Encrypted(PushMessage message, WeChatKeys keys, EncryptionMode mode, string timestamp, string nonce, string signature, ReadOnlySpan<char> encrypt)
    {
        var msgSignature = WeChatSignature.Compute(keys.Token, timestamp, nonce, encrypt);
        var end = message.Xml.Span.LastIndexOf(XmlEnd);
        var body = mode == EncryptionMode.Compatible && end >= 0
            ? CompatibleBody(message.Xml.Span, end, encrypt)
            : SecureBody(message.ToUserName, encrypt);
        return new OutgoingPush(body, Query(signature, timestamp, nonce, message.FromUserName, msgSignature));
    }

    private static string Query(string signature, string timestamp, string nonce, string openId, string? msgSignature) => msgSignature is null
        ? $"signature={signature}&timestamp={Uri.EscapeDataString(timestamp)}&nonce={Uri.EscapeDataString(nonce)}&openid={Uri.EscapeDataString(openId)}"
        : $"signature={signature}&timestamp={Uri.EscapeDataString(timestamp)}&nonce={Uri.EscapeDataString(nonce)}&openid={Uri.EscapeDataString(openId)}&encrypt_type=aes&msg_signature={msgSignature}";

    // The bodies are written straight into one array: Encrypt is base64 (ASCII, never "]]>"), so it needs no escaping.
    private static ReadOnlySpan<byte> EncryptOpen => "<Encrypt><![CDATA["u8;

    private static ReadOnlySpan<byte> EncryptClose => "]]></Encrypt>"u8;

    private static ReadOnlySpan<byte> ToOpen => "<xml><ToUserName><![CDATA["u8;

    private static ReadOnlySpan<byte> ToClose => "]]></ToUserName>"u8;

    private static byte[] SecureBody(string toUserName, ReadOnlySpan<char> encrypt)
    {
        // As XmlText.AppendCdataElement writes it: a "]]>" inside the id splits the CDATA section.
        var to = toUserName.Contains("]]>", StringComparison.Ordinal) ? toUserName.Replace("]]>", "]]]]><![CDATA[>", StringComparison.Ordinal) : toUserName;
        var toLength = Encoding.UTF8.GetByteCount(to);
        var body = new byte[ToOpen.Length + toLength + ToClose.Length + EncryptOpen.Length + encrypt.Length + EncryptClose.Length + XmlEnd.Length];
        var written = Append(body, 0, ToOpen);
        written += Encoding.UTF8.GetBytes(to, body.AsSpan(written));
        written = Append(body, written, ToClose);
        written = AppendEncrypt(body, written, encrypt);
        Append(body, written, XmlEnd);
        return body;
    }

    // Compatible mode is the message itself with the Encrypt element added before </xml>.
    private static byte[] CompatibleBody(ReadOnlySpan<byte> message, int end, ReadOnlySpan<char> encrypt)
    {
        var body = new byte[message.Length + EncryptOpen.Length + encrypt.Length + EncryptClose.Length];
        var written = Append(body, 0, message[..end]);
        written = AppendEncrypt(body, written, encrypt);
        Append(body, written, message[end..]);
        return body;
    }

    private static int AppendEncrypt(byte[] body, int at, ReadOnlySpan<char> encrypt)
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
