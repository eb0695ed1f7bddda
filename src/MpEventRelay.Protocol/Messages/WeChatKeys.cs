using MpEventRelay.Protocol.Crypto;

namespace MpEventRelay.Protocol.Messages;

/// <summary>One developer server's secrets: its Token and, when it has one, its cryptor.</summary>
/// <param name="Token">The Token used in every signature.</param>
/// <param name="Cryptor">The EncodingAESKey(s) and AppId; null for a plaintext-only server.</param>
public sealed record WeChatKeys(string Token, WeChatCryptor? Cryptor)
{
    /// <summary>The cryptor, or a clear failure when encryption is asked of a plaintext-only server.</summary>
    public WeChatCryptor RequireCryptor() =>
        Cryptor ?? throw new InvalidOperationException("Encryption needs an EncodingAESKey, and none is configured.");

    /// <summary>Never print secrets, even by accident.</summary>
    public override string ToString() => "WeChatKeys { *** }";
}
