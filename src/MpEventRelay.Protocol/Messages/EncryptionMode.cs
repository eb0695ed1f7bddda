namespace MpEventRelay.Protocol.Messages;

/// <summary>The three message modes of WeChat's server configuration.</summary>
public enum EncryptionMode
{
    /// <summary>明文模式: the message XML, signed by <c>signature</c> only.</summary>
    Plaintext,

    /// <summary>兼容模式: the message XML plus an <c>Encrypt</c> element.</summary>
    Compatible,

    /// <summary>安全模式: only <c>ToUserName</c> and <c>Encrypt</c>.</summary>
    Secure,
}
