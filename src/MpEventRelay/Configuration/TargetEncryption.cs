namespace MpEventRelay.Configuration;

/// <summary>The message mode a target is configured for in its own settings.</summary>
public enum TargetEncryption
{
    /// <summary>Whatever mode WeChat used for this push.</summary>
    SameAsInbound,

    /// <summary>Always plaintext.</summary>
    Plaintext,

    /// <summary>Always compatible (plain fields plus Encrypt).</summary>
    Compatible,

    /// <summary>Always secure (Encrypt only).</summary>
    Secure,
}
