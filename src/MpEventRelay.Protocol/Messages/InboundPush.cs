using MpEventRelay.Protocol.Crypto;

namespace MpEventRelay.Protocol.Messages;

/// <summary>A verified, decrypted push and how it arrived.</summary>
/// <param name="Message">The message (decrypted when it came encrypted).</param>
/// <param name="Mode">The mode this request arrived in (decided per request: the console can switch at any time).</param>
/// <param name="Key">The key that decrypted it; the reply goes out under the same key.</param>
/// <param name="Encrypt">The inbound <c>Encrypt</c> text, when encrypted (reusable for a target with the same key).</param>
public sealed record InboundPush(PushMessage Message, EncryptionMode Mode, AesKeySlot Key, string? Encrypt)
{
    private readonly XmlFields? _envelope;

    /// <summary>A push whose <c>Encrypt</c> stays in its envelope's bytes until a target with the same key asks for it.</summary>
    internal InboundPush(PushMessage message, EncryptionMode mode, AesKeySlot key, XmlFields envelope)
        : this(message, mode, key, (string?)null)
    {
        _envelope = envelope;
    }

    /// <summary>The inbound <c>Encrypt</c> text, when encrypted; made a string only when read.</summary>
    public string? Encrypt { get => field ?? _envelope?.Encrypt; init; } = Encrypt;

    /// <summary>True when the push came encrypted (compatible or secure), so the reply must be encrypted too.</summary>
    public bool IsEncrypted => Mode != EncryptionMode.Plaintext;
}
