using System.Buffers;
using System.Text;
using MpEventRelay.Protocol.Crypto;
using MpEventRelay.Protocol.Errors;
using MpEventRelay.Protocol.Signing;

namespace MpEventRelay.Protocol.Messages;

/// <summary>
/// Opens a push the way a WeChat developer server must: decides per request whether it is encrypted
/// (<c>encrypt_type=aes</c> or an <c>Encrypt</c> element), verifies <c>msg_signature</c> over the ciphertext
/// (or <c>signature</c> in plaintext mode), decrypts and reads the message.
/// </summary>
/// <param name="token">The receiver's Token.</param>
/// <param name="cryptor">The receiver's cryptor; null when it has no EncodingAESKey (plaintext only).</param>
/// <param name="maxBytes">The body limit.</param>
public sealed class PushDecoder(string token, WeChatCryptor? cryptor, int maxBytes = WeChatXmlReader.DefaultMaxBytes)
{
    /// <summary>Verifies, decrypts and reads one push.</summary>
    /// <exception cref="ProtocolException">The push is refused; <see cref="ProtocolException.Error"/> says why.</exception>
    public InboundPush Decode(PushQuery query, ReadOnlyMemory<byte> body)
    {
        var fields = WeChatXmlReader.Read(body, maxBytes);
        var timestamp = query.Timestamp ?? string.Empty;
        var nonce = query.Nonce ?? string.Empty;

        if (!query.SaysEncrypted && !fields.HasEncrypt)
        {
            if (!WeChatSignature.Verify(query.Signature, token, timestamp, nonce))
            {
                throw new ProtocolException(ProtocolError.BadSignature, "signature does not match the Token.");
            }

            return new InboundPush(PushMessage.FromFields(body, fields), EncryptionMode.Plaintext, AesKeySlot.Current, (string?)null);
        }

        // Encrypt's base64 is ASCII: read as characters straight from the body (about 2 KB of string a push saved);
        // anything else is read as the string it is, and refused below as it always was.
        var utf8 = fields.EncryptUtf8.Span;
        char[]? rented = null;
        try
        {
            ReadOnlySpan<char> encrypt;
            if (fields.EncryptIsUtf8 && Ascii.IsValid(utf8))
            {
                rented = ArrayPool<char>.Shared.Rent(utf8.Length);
                encrypt = rented.AsSpan(0, Encoding.ASCII.GetChars(utf8, rented));
            }
            else
            {
                encrypt = fields.Encrypt;
            }

            return Open(query, fields, timestamp, nonce, encrypt);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private InboundPush Open(PushQuery query, XmlFields fields, string timestamp, string nonce, ReadOnlySpan<char> encrypt)
    {
        if (encrypt.IsEmpty)
        {
            throw new ProtocolException(ProtocolError.MissingElement, "encrypt_type=aes but the body has no Encrypt.");
        }

        if (!WeChatSignature.Verify(query.MsgSignature, token, timestamp, nonce, encrypt))
        {
            throw new ProtocolException(ProtocolError.BadSignature, "msg_signature does not match the Token and Encrypt.");
        }

        if (cryptor is null)
        {
            throw new ProtocolException(ProtocolError.BadKey, "The push is encrypted but no EncodingAESKey is configured.");
        }

        var decrypted = cryptor.Decrypt(encrypt);
        var message = PushMessage.Parse(decrypted.Message, maxBytes);
        var mode = fields.Has(WeChatElement.MsgType) ? EncryptionMode.Compatible : EncryptionMode.Secure;
        return new InboundPush(message, mode, decrypted.Key, fields); // the envelope (and the body it reads) kept for a later Encrypt
    }
}
