namespace MpEventRelay.Protocol.Errors;

/// <summary>
/// The closed set of reasons a push, a forwarded push or a passive reply can be refused for.
/// The host maps each reason to a status code; nothing else ever escapes the protocol library.
/// </summary>
public enum ProtocolError
{
    /// <summary><c>signature</c>, <c>msg_signature</c> or a reply's <c>MsgSignature</c> is missing or wrong.</summary>
    BadSignature,

    /// <summary>The ciphertext did not decrypt under any configured key (not base64, not whole AES blocks).</summary>
    BadKey,

    /// <summary>The decrypted AppId trailer is not the account's AppId.</summary>
    WrongAppId,

    /// <summary>The 32-byte PKCS#7 padding is not 1..32 or its bytes disagree.</summary>
    BadPadding,

    /// <summary>The big-endian length prefix points past the end of the plaintext.</summary>
    BadLength,

    /// <summary>The body is not well-formed XML, or its root is not <c>xml</c>.</summary>
    NotXml,

    /// <summary>The body carries a DTD (XXE and entity-expansion defence).</summary>
    Dtd,

    /// <summary>The body is larger than the configured limit.</summary>
    TooLarge,

    /// <summary>A required element (ToUserName, FromUserName, CreateTime, MsgType, Encrypt…) is absent or malformed.</summary>
    MissingElement,

    /// <summary>
    /// A significant element appears twice, or in a namespace (<c>&lt;x:ToUserName&gt;</c>): the relay and a target, or
    /// WeChat, could read different values.
    /// </summary>
    DuplicateElement,

    /// <summary>A passive reply WeChat would refuse: over its size limits (text, news articles, the whole reply).</summary>
    OverLimit,
}
