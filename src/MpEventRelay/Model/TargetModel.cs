using MpEventRelay.Configuration;
using MpEventRelay.Protocol.Messages;

namespace MpEventRelay.Model;

/// <summary>A target as the relay runs it: its YARP cluster, its keys and its mode.</summary>
internal sealed class TargetModel
{
    public required string Name { get; init; }
    public required string ClusterId { get; init; }
    public required WeChatKeys Keys { get; init; }
    public required TargetEncryption Encryption { get; init; }

    /// <summary>True when the target's key and AppId are the account's current ones: WeChat's ciphertext can be passed on.</summary>
    public required bool SharesAccountKey { get; init; }

    public EncryptionMode ModeFor(EncryptionMode inbound) => Encryption switch
    {
        TargetEncryption.Plaintext => EncryptionMode.Plaintext,
        TargetEncryption.Compatible => EncryptionMode.Compatible,
        TargetEncryption.Secure => EncryptionMode.Secure,
        _ => inbound,
    };
}
