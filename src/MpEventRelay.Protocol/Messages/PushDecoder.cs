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

        if (!query.SaysEncrypted && fields.Encrypt is null)
        {
            if (!WeChatSignature.Verify(query.Signature, token, timestamp, nonce))
            {
                throw new ProtocolException(ProtocolError.BadSignature, "signature does not match the Token.");
            }

            return new InboundPush(PushMessage.FromFields(body, fields), EncryptionMode.Plaintext, AesKeySlot.Current, null);
        }

        if (string.IsNullOrEmpty(fields.Encrypt))
        {
            throw new ProtocolException(ProtocolError.MissingElement, "encrypt_type=aes but the body has no Encrypt.");
        }

        if (!WeChatSignature.Verify(query.MsgSignature, token, timestamp, nonce, fields.Encrypt))
        {
            throw new ProtocolException(ProtocolError.BadSignature, "msg_signature does not match the Token and Encrypt.");
        }

        if (cryptor is null)
        {
            throw new ProtocolException(ProtocolError.BadKey, "The push is encrypted but no EncodingAESKey is configured.");
        }

        var decrypted = cryptor.Decrypt(fields.Encrypt);
        var message = PushMessage.Parse(decrypted.Message, maxBytes);
        var mode = fields.MsgType is null ? EncryptionMode.Secure : EncryptionMode.Compatible;
        return new InboundPush(message, mode, decrypted.Key, fields.Encrypt);
    }
}
