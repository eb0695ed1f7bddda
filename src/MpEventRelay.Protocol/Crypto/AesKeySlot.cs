namespace MpEventRelay.Protocol.Crypto;

/// <summary>Which of an account's EncodingAESKeys opened a message; the reply is encrypted with the same one.</summary>
public enum AesKeySlot
{
    /// <summary>The current EncodingAESKey.</summary>
    Current,

    /// <summary>The previous EncodingAESKey, kept during a key rotation.</summary>
    Previous,
}
